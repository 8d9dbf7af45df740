using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace TurnstileWidgets
{
    /// <summary>
    /// Runs when PowerShell imports the module: points requests for the engine at its private folder before any
    /// cmdlet touches it: <c>Dependencies</c> (the net8.0 engine, nothing else) on PowerShell 7,
    /// <c>Dependencies.Desktop</c> (the netstandard2.0 engine and the .NET Standard packages) on Windows PowerShell 5.1.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private const string DependencyFolderName = "Dependencies";
        private const string DesktopDependencyFolderName = "Dependencies.Desktop";
        private const string LoadContextAssemblyFileName = "TurnstileWidgets.LoadContext.dll";
        private const string LoadContextTypeName = "TurnstileWidgets.LoadContext.EngineLoadContext";

        private static readonly string ModuleDirectory =
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";

        private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, DependencyFolderName);

        private static readonly string DesktopDependencyDirectory = Path.Combine(ModuleDirectory, DesktopDependencyFolderName);

        /// <summary>Installs the resolver for this edition of PowerShell.</summary>
        public void OnImport()
        {
            if (IsWindowsPowerShell())
            {
                // .NET Framework has no load contexts: the best available isolation is to answer
                // only for the files in our own folder, and only when nothing else did.
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyDirectory;
                return;
            }

            // The load context is compiled for .NET 8 because netstandard2.0 cannot subclass
            // AssemblyLoadContext; one reflective call keeps this assembly free of a reference to it.
            Assembly loadContextAssembly = Assembly.LoadFrom(Path.Combine(ModuleDirectory, LoadContextAssemblyFileName));
            Type loadContextType = loadContextAssembly.GetType(LoadContextTypeName, throwOnError: true)!;
            loadContextType.GetMethod("Install", BindingFlags.Public | BindingFlags.Static)!
                .Invoke(null, new object[] { DependencyDirectory });
        }

        /// <summary>Removes the Windows PowerShell resolver; the PowerShell 7 context stays, as loaded types must keep their identity.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyDirectory;
        }

        private static bool IsWindowsPowerShell() =>
            string.Equals(typeof(object).Assembly.GetName().Name, "mscorlib", StringComparison.Ordinal);

        private static Assembly? ResolveFromDependencyDirectory(object? sender, ResolveEventArgs args)
        {
            string simpleName = new AssemblyName(args.Name).Name ?? "";
            string candidate = Path.Combine(DesktopDependencyDirectory, simpleName + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
