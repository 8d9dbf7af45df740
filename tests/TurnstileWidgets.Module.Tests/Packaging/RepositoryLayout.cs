using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TurnstileWidgets.Module.Tests.Packaging
{
    /// <summary>Where the repository's sources and the build's staged output are.</summary>
    internal static class RepositoryLayout
    {
        public static readonly string Root = FindRoot();

        public static string StagedModuleDirectory => Path.Combine(Root, "out", "TurnstileWidgets");

        /// <summary>PowerShell 7's folder: the engine's net8.0 build, loaded by the private load context.</summary>
        public static string DependencyDirectory => Path.Combine(StagedModuleDirectory, "Dependencies");

        /// <summary>Windows PowerShell 5.1's folder: the engine's netstandard2.0 build and the packages it needs.</summary>
        public static string DesktopDependencyDirectory => Path.Combine(StagedModuleDirectory, "Dependencies.Desktop");

        public static string SourceManifestPath => Path.Combine(Root, "TurnstileWidgets.psd1");

        public static string StagedManifestPath => Path.Combine(StagedModuleDirectory, "TurnstileWidgets.psd1");

        public static string VersionPrefix =>
            XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

        public static string PackagePath => Path.Combine(Root, "out", $"TurnstileWidgets.{VersionPrefix}.nupkg");

        /// <summary>The explicit dependency list the build stages into Dependencies/ (PowerShell 7).</summary>
        public static IReadOnlyList<string> ListedDependencies => Listed("ModuleDependency");

        /// <summary>The explicit dependency list the build stages into Dependencies.Desktop/ (Windows PowerShell 5.1).</summary>
        public static IReadOnlyList<string> ListedDesktopDependencies => Listed("DesktopModuleDependency");

        private static IReadOnlyList<string> Listed(string item) =>
            XDocument.Load(Path.Combine(Root, "src", "TurnstileWidgets", "Module.targets"))
                .Descendants(item)
                .Select(element => (string)element.Attribute("Include")!)
                .ToList();

        /// <summary>Fails with the command to run when the Release build has not staged the module.</summary>
        public static void RequireStagedModule()
        {
            if (!File.Exists(StagedManifestPath) || !File.Exists(PackagePath))
            {
                throw new InvalidOperationException(
                    $"The module is not staged at {StagedModuleDirectory} or not packed at {PackagePath}. " +
                    "Build it first: dotnet build TurnstileWidgets.sln -c Release");
            }
        }

        private static string FindRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "TurnstileWidgets.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find TurnstileWidgets.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// Reads the few manifest keys the tests check. A module manifest is a PowerShell hashtable
    /// literal and there is no PowerShell here, so this understands only the shapes our manifest
    /// uses: <c>Key = 'value'</c> and <c>Key = @('a', 'b')</c> (one item per line or comma-separated).
    /// </summary>
    internal sealed class ManifestReader
    {
        private readonly string text;

        public ManifestReader(string path)
        {
            text = File.ReadAllText(path);
        }

        public string Scalar(string key)
        {
            Match match = Regex.Match(text, @"^\s*" + key + @"\s*=\s*'([^']*)'", RegexOptions.Multiline);
            Assert.True(match.Success, $"The manifest has no scalar {key}.");
            return match.Groups[1].Value;
        }

        public IReadOnlyList<string> List(string key)
        {
            Match match = Regex.Match(text, @"^\s*" + key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
            Assert.True(match.Success, $"The manifest has no list {key}.");
            return Regex.Matches(match.Groups[1].Value, "'([^']*)'").Select(item => item.Groups[1].Value).ToList();
        }
    }
}
