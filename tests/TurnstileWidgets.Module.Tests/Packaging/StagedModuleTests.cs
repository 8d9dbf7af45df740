using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace TurnstileWidgets.Module.Tests.Packaging
{
    /// <summary>The staged module folder and the .nupkg: exactly the files users should get, one version everywhere.</summary>
    public class StagedModuleTests
    {
        private static readonly string[] RootFiles =
        {
            "LICENSE",
            "TurnstileWidgets.Format.ps1xml",
            "TurnstileWidgets.Types.ps1xml",
            "TurnstileWidgets.LoadContext.dll",
            "TurnstileWidgets.dll",
            "TurnstileWidgets.psd1",
            "en-US/about_TurnstileWidgets.help.txt",
        };

        // Compiled from en-US/*.md by platyPS in build.ps1 wherever PowerShell runs; never hand-written.
        private const string HelpFile = "en-US/TurnstileWidgets.dll-Help.xml";

        private static IEnumerable<string> ExpectedFiles(bool withHelp) =>
            RootFiles
                .Concat(RepositoryLayout.ListedDependencies.Select(name => "Dependencies/" + name))
                .Concat(RepositoryLayout.ListedDesktopDependencies.Select(name => "Dependencies.Desktop/" + name))
                .Concat(withHelp ? new[] { HelpFile } : Array.Empty<string>())
                .OrderBy(name => name, StringComparer.Ordinal);

        private static bool HelpIsBuilt => File.Exists(Path.Combine(RepositoryLayout.StagedModuleDirectory, HelpFile));

        [Fact]
        public void StagedFolderHoldsExactlyTheModuleFiles()
        {
            RepositoryLayout.RequireStagedModule();

            string[] actual = Directory.GetFiles(RepositoryLayout.StagedModuleDirectory, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(RepositoryLayout.StagedModuleDirectory, path).Replace('\\', '/'))
                .OrderBy(name => name, StringComparer.Ordinal)
                .ToArray();

            Assert.Equal(ExpectedFiles(HelpIsBuilt), actual);
        }

        [Fact]
        public void PackageHoldsTheStagedFilesAtItsRoot()
        {
            RepositoryLayout.RequireStagedModule();
            using ZipArchive package = ZipFile.OpenRead(RepositoryLayout.PackagePath);

            string[] moduleFiles = package.Entries
                .Select(entry => Uri.UnescapeDataString(entry.FullName))
                .Where(name => !name.StartsWith("_rels/", StringComparison.Ordinal)
                               && !name.StartsWith("package/", StringComparison.Ordinal)
                               && name != "[Content_Types].xml"
                               && name != "TurnstileWidgets.nuspec")
                .OrderBy(name => name, StringComparer.Ordinal)
                .ToArray();

            Assert.Equal(ExpectedFiles(HelpIsBuilt), moduleFiles);
        }

        [Fact]
        public void ManifestAssembliesAndPackageShareTheOneVersion()
        {
            RepositoryLayout.RequireStagedModule();
            string version = RepositoryLayout.VersionPrefix;

            Assert.Equal(version, new ManifestReader(RepositoryLayout.StagedManifestPath).Scalar("ModuleVersion"));
            Assert.Equal(new Version(version + ".0"), AssemblyName.GetAssemblyName(Path.Combine(RepositoryLayout.StagedModuleDirectory, "TurnstileWidgets.dll")).Version);
            Assert.Equal(new Version(version + ".0"), AssemblyName.GetAssemblyName(Path.Combine(RepositoryLayout.DependencyDirectory, "TurnstileWidgets.Engine.dll")).Version);
            Assert.Equal(version, Nuspec().Element(Ns + "version")!.Value);
        }

        [Fact]
        public void SourceManifestCarriesNoVersionOfItsOwn()
        {
            // The build stamps the version; a real number here would be a second version source.
            Assert.Equal("0.0.0", new ManifestReader(RepositoryLayout.SourceManifestPath).Scalar("ModuleVersion"));
        }

        [Fact]
        public void NuspecMetadataMatchesTheManifest()
        {
            RepositoryLayout.RequireStagedModule();
            var manifest = new ManifestReader(RepositoryLayout.StagedManifestPath);
            XElement metadata = Nuspec();
            string[] tags = metadata.Element(Ns + "tags")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal("TurnstileWidgets", metadata.Element(Ns + "id")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(Ns + "authors")!.Value));
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(Ns + "description")!.Value));
            Assert.Equal(manifest.Scalar("ProjectUri"), metadata.Element(Ns + "projectUrl")!.Value);
            Assert.Equal(manifest.Scalar("LicenseUri"), metadata.Element(Ns + "licenseUrl")!.Value);
            Assert.EndsWith("CHANGELOG.md", metadata.Element(Ns + "releaseNotes")!.Value, StringComparison.Ordinal);
            // The manifest's ReleaseNotes are the CHANGELOG section's text (tests/Release.Tests.ps1 reads them with
            // PowerShell's own parser); the package links to the whole file.
            Assert.Contains("Copyright", metadata.Element(Ns + "copyright")!.Value, StringComparison.Ordinal);

            var expectedTags = new[] { "PSModule", "PSIncludes_Cmdlet" }
                .Concat(manifest.List("CmdletsToExport").Select(name => "PSCmdlet_" + name))
                .Concat(manifest.List("CompatiblePSEditions").Select(edition => "PSEdition_" + edition))
                .Concat(new[] { "Windows", "Linux", "MacOS" });
            Assert.All(expectedTags, tag => Assert.Contains(tag, tags));
            Assert.Equal(
                manifest.List("CmdletsToExport").OrderBy(name => name, StringComparer.Ordinal),
                tags.Where(tag => tag.StartsWith("PSCmdlet_", StringComparison.Ordinal)).Select(tag => tag.Substring("PSCmdlet_".Length)).OrderBy(name => name, StringComparer.Ordinal));
        }

        [Fact]
        public void ManifestDeclaresBothEditionsAndItsFormats()
        {
            RepositoryLayout.RequireStagedModule();
            var manifest = new ManifestReader(RepositoryLayout.StagedManifestPath);

            Assert.Equal("TurnstileWidgets.dll", manifest.Scalar("RootModule"));
            Assert.Equal("5.1", manifest.Scalar("PowerShellVersion"));
            Assert.Equal(new[] { "Desktop", "Core" }, manifest.List("CompatiblePSEditions"));
            string[] psDataTags = manifest.List("Tags").ToArray();
            Assert.All(new[] { "PSEdition_Desktop", "PSEdition_Core", "Windows", "Linux", "MacOS" }, tag => Assert.Contains(tag, psDataTags));
            Assert.Empty(manifest.List("FunctionsToExport"));
            Assert.Empty(manifest.List("AliasesToExport"));

            IReadOnlyList<string> formats = manifest.List("FormatsToProcess");
            Assert.NotEmpty(formats);
            foreach (string format in formats)
            {
                string path = Path.Combine(RepositoryLayout.StagedModuleDirectory, format);
                Assert.True(File.Exists(path), $"FormatsToProcess names {format}, which is not staged.");
                XDocument document = XDocument.Load(path);
                Assert.Equal("Configuration", document.Root!.Name.LocalName);
            }
        }

        [Fact]
        public void EveryCmdletClassIsExportedAndEveryExportIsACmdletClass()
        {
            RepositoryLayout.RequireStagedModule();
            string stagedAssembly = Path.Combine(RepositoryLayout.StagedModuleDirectory, "TurnstileWidgets.dll");

            IEnumerable<string> cmdletClasses = Help.CmdletMetadata.Read(stagedAssembly).Select(cmdlet => cmdlet.Name);

            Assert.Equal(
                cmdletClasses.OrderBy(name => name, StringComparer.Ordinal),
                new ManifestReader(RepositoryLayout.StagedManifestPath).List("CmdletsToExport").OrderBy(name => name, StringComparer.Ordinal));
        }

        [SkippableFact]
        public void CompiledHelpHasAnEntryForEveryExportedCmdlet()
        {
            RepositoryLayout.RequireStagedModule();
            Skip.IfNot(HelpIsBuilt, "The MAML help is compiled by platyPS in ./build.ps1, which needs PowerShell; it was not built here.");

            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            XDocument help = XDocument.Load(Path.Combine(RepositoryLayout.StagedModuleDirectory, HelpFile));
            string[] documented = help.Descendants(command + "name").Where(name => name.Parent?.Name == command + "details").Select(name => name.Value.Trim()).ToArray();

            Assert.Equal(
                new ManifestReader(RepositoryLayout.StagedManifestPath).List("CmdletsToExport").OrderBy(name => name, StringComparer.Ordinal),
                documented.OrderBy(name => name, StringComparer.Ordinal));
        }

        private static readonly XNamespace Ns = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";

        private static XElement Nuspec()
        {
            using ZipArchive package = ZipFile.OpenRead(RepositoryLayout.PackagePath);
            using Stream stream = package.GetEntry("TurnstileWidgets.nuspec")!.Open();
            XElement metadata = XDocument.Load(stream).Root!.Element(Ns + "metadata")!;
            return metadata;
        }
    }
}
