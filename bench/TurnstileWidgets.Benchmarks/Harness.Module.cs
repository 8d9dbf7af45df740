using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// The module rows: bench/Measure-Module.ps1 run in PowerShell against its own emulator. The script measures
    /// (interleaved, requests from the emulator's counters) and prints one JSON line; this turns it into rows.
    /// </summary>
    internal sealed partial class Harness
    {
        /// <summary>Widgets the Set rows update through the pipeline.</summary>
        private const int ModuleSetWidgets = 200;
        /// <summary>The module rows list this many widgets when --widgets includes it (the issue's 10,000).</summary>
        private const int ModuleWidgets = 10000;

        /// <summary>How to start PowerShell: a program and the arguments before PowerShell's own.</summary>
        private sealed record PowerShellCommand(string FileName, IReadOnlyList<string> Prefix, string Version, string Description);

        private async Task ModuleScenarioAsync()
        {
            string manifest = Path.Combine(repoRoot, "out", "TurnstileWidgets", "TurnstileWidgets.psd1");
            string script = Path.Combine(repoRoot, "bench", "Measure-Module.ps1");
            int widgets = options.Widgets.Contains(ModuleWidgets) ? ModuleWidgets : options.Widgets[0];
            int setWidgets = Math.Min(ModuleSetWidgets, widgets);
            const string variant = "Import-Module, Get/Set-TurnstileWidget, runbooks";
            (PowerShellCommand? powerShell, string? why) = await FindPowerShellAsync().ConfigureAwait(false);
            if (powerShell == null)
            {
                Skip("module", variant, widgets, why ?? "PowerShell was not found");
                return;
            }
            if (!File.Exists(manifest))
            {
                Skip("module", variant, widgets, "out/TurnstileWidgets/TurnstileWidgets.psd1 is missing: build the module first (dotnet build src/TurnstileWidgets -c Release)");
                return;
            }
            report.Machine["powershell"] = $"{powerShell.Version} ({powerShell.Description})";
            Progress($"module: bench/Measure-Module.ps1 in PowerShell {powerShell.Version} ({powerShell.Description}), {widgets:N0} widgets");

            // The script seeds this emulator itself (it needs a named subset for the Set rows), so it starts empty.
            await using EmulatorProcess emulator = await EmulatorProcess.StartAsync(emulatorDll).ConfigureAwait(false);
            int coldRuns = Math.Max(options.Runs, options.Quick ? options.Runs : 10);
            var arguments = new List<string>(powerShell.Prefix)
            {
                "-NoProfile", "-NonInteractive", "-File", script,
                "-ModulePath", manifest,
                "-ApiBaseUri", emulator.BaseUri.ToString(),
                "-AccountId", EmulatorProcess.AccountId,
                "-Widgets", widgets.ToString(CultureInfo.InvariantCulture),
                "-SetWidgets", setWidgets.ToString(CultureInfo.InvariantCulture),
                "-Runs", options.Runs.ToString(CultureInfo.InvariantCulture),
                "-ColdRuns", coldRuns.ToString(CultureInfo.InvariantCulture),
                // At least one unmeasured round: the emulator starts cold and the script seeds it just before.
                "-Warmup", Math.Max(1, options.Warmup).ToString(CultureInfo.InvariantCulture),
            };
            ProcessResult result = await Processes.RunAsync(powerShell.FileName, arguments, repoRoot, PowerShellEnvironment(emulator.ApiToken), TimeSpan.FromMinutes(30)).ConfigureAwait(false);
            string? line = Processes.LastJsonLine(result.Stdout);
            if (result.ExitCode != 0 || line == null)
            {
                throw new InvalidOperationException($"Measure-Module.ps1 exited with {result.ExitCode}{(result.TimedOut ? " (timed out)" : "")}: {Processes.Tail((result.Stderr + result.Stdout).Replace(emulator.ApiToken, "***", StringComparison.Ordinal))}");
            }

            using JsonDocument document = JsonDocument.Parse(line);
            foreach (JsonElement element in document.RootElement.GetProperty("rows").EnumerateArray())
            {
                long rowWidgets = element.GetProperty("widgets").GetInt64();
                var row = new ResultRow
                {
                    Scenario = element.GetProperty("scenario").GetString() ?? "module",
                    Variant = element.GetProperty("variant").GetString() ?? "",
                    Widgets = rowWidgets > 0 ? rowWidgets : null,
                    Note = element.GetProperty("note").GetString(),
                };
                row.Values.AddRange(Numbers(element, "ms"));
                row.Requests = Stats.Median(Numbers(element, "requests"));
                row.CpuMs = Stats.Median(Numbers(element, "cpu_ms"));
                if (element.TryGetProperty("metrics", out JsonElement metrics) && metrics.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty metric in metrics.EnumerateObject())
                    {
                        row.Metrics[metric.Name + "_median"] = Stats.Median(metric.Value.EnumerateArray().Select(value => value.GetDouble()).ToList());
                    }
                }
                row.Note = PhaseNote(row) ?? row.Note;
                Add(row);
            }
        }

        /// <summary>Where a fresh process's time went (medians), when the child timed its own steps.</summary>
        private static string? PhaseNote(ResultRow row)
        {
            var names = new (string Metric, string Label)[]
            {
                ("startup_and_exit_ms_median", "pwsh start and exit"),
                ("process_ms_median", "whole process"),
                ("import_ms_median", "Import-Module"),
                ("connect_ms_median", "Connect-Turnstile"),
                ("get_ms_median", "the GET"),
            };
            var parts = names.Where(n => row.Metrics.ContainsKey(n.Metric))
                .Select(n => $"{n.Label} {row.Metrics[n.Metric].ToString("0", CultureInfo.InvariantCulture)} ms")
                .ToList();
            return parts.Count == 0 ? null : $"{row.Note}; medians: {string.Join(", ", parts)}";
        }

        private static List<double> Numbers(JsonElement row, string name) =>
            row.GetProperty(name).EnumerateArray().Select(value => value.GetDouble()).ToList();

        /// <summary>
        /// The token goes through the environment only. Telemetry and the update check are off so a PowerShell start
        /// never waits on the network (both are common settings for scheduled and CI runs); every contestant alike.
        /// </summary>
        private static Dictionary<string, string> PowerShellEnvironment(string apiToken) => new Dictionary<string, string>
        {
            ["CLOUDFLARE_API_TOKEN"] = apiToken,
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
            ["POWERSHELL_UPDATECHECK"] = "Off",
        };

        /// <summary>
        /// Finds PowerShell. First the repository's pinned .NET tool (`dotnet pwsh`, from .config/dotnet-tools.json),
        /// run from the repository root because that is where `dotnet` looks for the manifest: it is the PowerShell
        /// the build and the tests use, and it needs no install beyond `dotnet tool restore` (done here once if the
        /// tool is missing). Its path inside the NuGet package folder is an implementation detail of the tool store,
        /// so it is not guessed; Measure-Module.ps1 starts its own children from $PSHOME/pwsh.dll, which it knows.
        /// Then `pwsh` on PATH, for a machine with a normal install and no manifest.
        /// </summary>
        private async Task<(PowerShellCommand? Command, string? Why)> FindPowerShellAsync()
        {
            var tried = new List<string>();
            if (File.Exists(Path.Combine(repoRoot, ".config", "dotnet-tools.json")))
            {
                var tool = new[] { "pwsh" };
                string? version = await PowerShellVersionAsync("dotnet", tool).ConfigureAwait(false);
                if (version == null)
                {
                    Progress("module: `dotnet pwsh` did not start; running `dotnet tool restore`");
                    ProcessResult restore = await Processes.RunAsync("dotnet", new[] { "tool", "restore" }, repoRoot, timeout: TimeSpan.FromMinutes(5)).ConfigureAwait(false);
                    version = restore.ExitCode == 0 ? await PowerShellVersionAsync("dotnet", tool).ConfigureAwait(false) : null;
                }
                if (version != null)
                {
                    return (new PowerShellCommand("dotnet", tool, version, "dotnet pwsh, the repository's tool manifest"), null);
                }
                tried.Add("`dotnet pwsh` (the tool manifest) did not start, even after `dotnet tool restore`");
            }
            string? onPath = await PowerShellVersionAsync("pwsh", Array.Empty<string>()).ConfigureAwait(false);
            if (onPath != null)
            {
                return (new PowerShellCommand("pwsh", Array.Empty<string>(), onPath, "pwsh on PATH"), null);
            }
            tried.Add("pwsh is not on PATH");
            return (null, string.Join("; ", tried) + ", so bench/Measure-Module.ps1 did not run (run `dotnet tool restore` in the repository)");
        }

        private async Task<string?> PowerShellVersionAsync(string fileName, IReadOnlyList<string> prefix)
        {
            var arguments = new List<string>(prefix) { "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()" };
            try
            {
                ProcessResult result = await Processes.RunAsync(fileName, arguments, repoRoot, timeout: TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                string? first = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                return result.ExitCode == 0 && !string.IsNullOrEmpty(first) ? first : null;
            }
            catch (Win32Exception)
            {
                return null;
            }
        }
    }
}
