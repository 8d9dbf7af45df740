using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TurnstileWidgets.LoadContext;

namespace TurnstileWidgets.Module.Tests.Packaging
{
    /// <summary>
    /// Guards the load-context boundary: the cmdlet assembly may reference the engine, the BCL and
    /// PowerShell, and nothing the engine must keep private.
    /// </summary>
    public class DependencyIsolationTests
    {
        private static readonly string[] AllowedCmdletReferences = { "netstandard", "System.Management.Automation", "TurnstileWidgets.Engine" };

        [Fact]
        public void CmdletAssemblyReferencesOnlyTheEngineTheBclAndPowerShell()
        {
            IReadOnlyList<string> references = AssemblyReferences(Help.CmdletMetadata.DefaultAssemblyPath);

            Assert.Contains("TurnstileWidgets.Engine", references);
            string[] forbidden = references.Except(AllowedCmdletReferences, StringComparer.Ordinal).ToArray();
            Assert.True(
                forbidden.Length == 0,
                "TurnstileWidgets.dll references assemblies that must stay behind the engine's load context: " +
                string.Join(", ", forbidden) + ". Move that code into TurnstileWidgets.Engine.");
        }

        [Fact]
        public void EngineIsStagedOnlyInTheDependencyFolder()
        {
            RepositoryLayout.RequireStagedModule();

            Assert.False(File.Exists(Path.Combine(RepositoryLayout.StagedModuleDirectory, "TurnstileWidgets.Engine.dll")));
            Assert.True(File.Exists(Path.Combine(RepositoryLayout.DependencyDirectory, "TurnstileWidgets.Engine.dll")));
            string[] rootAssemblies = Directory.GetFiles(RepositoryLayout.StagedModuleDirectory, "*.dll").Select(Path.GetFileName).ToArray()!;
            Assert.Equal(new[] { "TurnstileWidgets.LoadContext.dll", "TurnstileWidgets.dll" }, rootAssemblies.OrderBy(name => name, StringComparer.Ordinal));
        }

        [Theory]
        [InlineData("Dependencies")]
        [InlineData("Dependencies.Desktop")]
        public void EveryAssemblyTheEngineReferencesIsStagedOrPartOfTheFramework(string folder)
        {
            RepositoryLayout.RequireStagedModule();
            string directory = Path.Combine(RepositoryLayout.StagedModuleDirectory, folder);
            var staged = new HashSet<string>(
                Directory.GetFiles(directory, "*.dll").Select(Path.GetFileNameWithoutExtension)!,
                StringComparer.OrdinalIgnoreCase);

            foreach (string assemblyPath in Directory.GetFiles(directory, "*.dll"))
            {
                foreach (string reference in AssemblyReferences(assemblyPath))
                {
                    Assert.True(
                        staged.Contains(reference) || IsInbox(reference),
                        $"{Path.GetFileName(assemblyPath)} references {reference}, which is neither staged in {folder}/ nor part of .NET.");
                }
            }
        }

        [Fact]
        public void PowerShell7FolderHoldsNoStandInOfARuntimeAssembly()
        {
            RepositoryLayout.RequireStagedModule();

            // The load context prefers its own copy of anything in the folder, so a System.Memory (or any other assembly
            // .NET itself ships) staged there would be loaded beside the runtime's: a second System.Span<T>.
            string[] standIns = Directory.GetFiles(RepositoryLayout.DependencyDirectory, "*.dll")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(name => IsInbox(name!))
                .ToArray()!;
            Assert.True(standIns.Length == 0, "Dependencies/ stages assemblies .NET already has: " + string.Join(", ", standIns));
        }

        [Fact]
        public void PrivateLoadContextServesTheEngineAndLeavesSystemTextJsonToTheRuntime()
        {
            RepositoryLayout.RequireStagedModule();
            var context = new EngineLoadContext(RepositoryLayout.DependencyDirectory);

            Assembly engine = context.LoadFromAssemblyName(new AssemblyName(EngineLoadContext.EngineAssemblyName));
            Assembly json = context.LoadFromAssemblyName(new AssemblyName("System.Text.Json"));

            Assert.StartsWith(RepositoryLayout.DependencyDirectory, engine.Location, StringComparison.Ordinal);
            Assert.Same(context, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(engine));
            // System.Text.Json is part of .NET 8+: the engine uses the runtime's, never a copy of its own.
            Assert.Same(typeof(System.Text.Json.JsonSerializer).Assembly, json);
        }

        [Fact]
        public void PrivateLoadContextLeavesFrameworkAssembliesToTheDefaultContext()
        {
            RepositoryLayout.RequireStagedModule();
            var context = new EngineLoadContext(RepositoryLayout.DependencyDirectory);

            Assembly runtime = context.LoadFromAssemblyName(new AssemblyName("System.Runtime"));

            Assert.Same(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(runtime));
        }

        internal static IReadOnlyList<string> AssemblyReferences(string path)
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            MetadataReader metadata = reader.GetMetadataReader();
            return metadata.AssemblyReferences
                .Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))
                .ToList();
        }

        // netstandard, mscorlib and System.* facades come with .NET itself.
        private static bool IsInbox(string reference) =>
            File.Exists(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, reference + ".dll"));
    }
}
