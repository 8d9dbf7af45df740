using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// The emulator as users get it (issue 17): the .NET tool package the Release build writes to out/, installed with
    /// `dotnet tool install` into a throw-away tool path and started as `turnstile-emulator`. Hermetic: an empty HOME,
    /// its own NuGet folders and a config whose only source is out/, so neither a cached package of the same version nor
    /// nuget.org nor anything this machine did before can stand in for the package just built.
    /// </summary>
    public sealed class ToolPackageTests : IDisposable
    {
        private readonly string scratch = Directory.CreateTempSubdirectory("tw-emulator-tool-").FullName;

        public void Dispose() => Directory.Delete(scratch, recursive: true);

        /// <summary>The runtime running these tests, for the tool's shim (which looks for DOTNET_ROOT before any install location).</summary>
        private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

        private Dictionary<string, string> IsolatedEnvironment()
        {
            string home = Directory.CreateDirectory(Path.Combine(scratch, "home")).FullName;
            return new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["USERPROFILE"] = home,
                ["DOTNET_CLI_HOME"] = home,
                ["NUGET_PACKAGES"] = Path.Combine(scratch, "packages"),
                ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(scratch, "http-cache"),
                ["NUGET_PLUGINS_CACHE_PATH"] = Path.Combine(scratch, "plugins-cache"),
                ["DOTNET_ROOT"] = DotnetRoot,
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
                ["DOTNET_ADD_GLOBAL_TOOLS_TO_PATH"] = "0",
                ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "0",
            };
        }

        [Fact]
        public async Task The_built_package_installs_as_a_dotnet_tool_and_turnstile_emulator_serves()
        {
            string root = EmulatorCommandLine.RepositoryRoot();
            string version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
            string source = Path.Combine(root, "out");
            string package = Path.Combine(source, $"TurnstileWidgets.Emulator.{version}.nupkg");
            Assert.True(File.Exists(package),
                $"{package} is missing. The Release build packs it: dotnet build TurnstileWidgets.sln -c Release (or the emulator project alone).");

            string config = Path.Combine(scratch, "nuget.config");
            File.WriteAllText(config, new XDocument(new XElement("configuration", new XElement("packageSources",
                new XElement("clear"), new XElement("add", new XAttribute("key", "built"), new XAttribute("value", source))))).ToString());
            string toolPath = Path.Combine(scratch, "tools");
            Dictionary<string, string> environment = IsolatedEnvironment();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

            // The command README shows, with the version pinned and the sources limited to out/.
            using (Process install = EmulatorCommandLine.Start(EmulatorCommandLine.DotnetHost, new[]
            {
                "tool", "install", "TurnstileWidgets.Emulator", "--version", version, "--add-source", source,
                "--tool-path", toolPath, "--configfile", config,
            }, environment, workingDirectory: scratch))
            {
                Task<string> output = install.StandardOutput.ReadToEndAsync(timeout.Token);
                string error = await install.StandardError.ReadToEndAsync(timeout.Token);
                await install.WaitForExitAsync(timeout.Token);
                Assert.True(install.ExitCode == 0, $"dotnet tool install failed ({install.ExitCode}): {await output}{error}");
            }

            string command = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "turnstile-emulator.exe" : "turnstile-emulator");
            Assert.True(File.Exists(command), "The tool's command is missing: " + command);

            EmulatorProcessOptions options = new() { EmulatorPath = command, WorkingDirectory = scratch };
            foreach (KeyValuePair<string, string> variable in environment)
            {
                options.Environment[variable.Key] = variable.Value;
            }

            using EmulatorProcess emulator = await EmulatorProcess.StartAsync(options, timeout.Token);
            Assert.Contains(EmulatorOptions.DefaultApiToken, string.Join("\n", emulator.StartupOutput), StringComparison.Ordinal);

            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorOptions.DefaultApiToken);
            using HttpResponseMessage response = await http.GetAsync(new Uri(emulator.BaseUri, $"accounts/{EmulatorOptions.DefaultAccountId}/challenges/widgets"), timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"success\":true", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);

            emulator.Stop();
            if (!OperatingSystem.IsWindows())
            {
                // SIGTERM is a clean stop; Windows has no signal to send, only a kill.
                Assert.Equal(0, emulator.ExitCode);
            }
        }
    }
}
