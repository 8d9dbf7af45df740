using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>The TypeScript SDK peer: bench/sdk-peer/peer.mjs run by node, installed with `npm ci` when needed.</summary>
    internal sealed partial class Harness
    {
        private sealed class PeerStatus
        {
            public string? SkipReason { get; init; }
            public string Directory { get; init; } = "";
        }

        private async Task<PeerStatus> EnsurePeerAsync()
        {
            if (peer != null)
            {
                return peer;
            }
            string directory = Path.Combine(repoRoot, "bench", "sdk-peer");
            peer = await PreparePeerAsync(directory).ConfigureAwait(false);
            if (peer.SkipReason != null)
            {
                Progress("SDK peer skipped: " + peer.SkipReason);
                report.Notes.Add("SDK peer rows skipped: " + peer.SkipReason);
            }
            return peer;
        }

        private async Task<PeerStatus> PreparePeerAsync(string directory)
        {
            if (options.NoPeer)
            {
                return new PeerStatus { SkipReason = "--no-peer was given", Directory = directory };
            }
            string? node = await Processes.VersionOfAsync("node").ConfigureAwait(false);
            if (node == null)
            {
                return new PeerStatus { SkipReason = "node is not installed (the TypeScript SDK peer needs Node.js 18+ and npm)", Directory = directory };
            }
            report.Machine["node"] = node;
            if (!File.Exists(Path.Combine(directory, "node_modules", "cloudflare", "package.json")))
            {
                string? npm = await Processes.VersionOfAsync("npm").ConfigureAwait(false);
                if (npm == null)
                {
                    return new PeerStatus { SkipReason = "npm is not installed, so bench/sdk-peer cannot install the SDK (npm ci)", Directory = directory };
                }
                Progress("installing the SDK peer: npm ci in bench/sdk-peer");
                ProcessResult install = await Processes.RunAsync("npm", new[] { "ci", "--no-audit", "--no-fund" }, directory, timeout: TimeSpan.FromMinutes(10)).ConfigureAwait(false);
                if (install.ExitCode != 0)
                {
                    return new PeerStatus { SkipReason = $"`npm ci` in bench/sdk-peer failed ({Processes.Tail(install.Stderr, 3)})", Directory = directory };
                }
            }
            return new PeerStatus { Directory = directory };
        }

        /// <summary>Runs the peer for one scenario and adds its row (or a skipped row).</summary>
        private async Task PeerRowsAsync(string scenario, EmulatorProcess emulator, int widgets, int? perPage, string variant)
        {
            PeerStatus status = await EnsurePeerAsync().ConfigureAwait(false);
            if (status.SkipReason != null)
            {
                Skip(scenario, variant, widgets, status.SkipReason);
                return;
            }
            bool list = scenario == "list";
            int warmup = options.Warmup;
            int runs = options.Runs;
            // The row the engine is compared with (per_page=1000) warms up at least as long as the engine and the raw client
            // of the same scenario did (until their JIT was quiet). The default-page row, compared on requests only, keeps
            // the least warm-up: ten seconds of it would send the emulator thousands of requests just before the compared row.
            int warmupMs = (int)(perPage.HasValue ? Math.Max(MinWarmup.TotalMilliseconds, lastWarmUp.TotalMilliseconds) : MinWarmup.TotalMilliseconds);
            if (list)
            {
                // Keep the default-page SDK listing of large accounts (4,001 requests at 100,000) to a bearable time.
                long requestsPerRun = widgets / (perPage ?? 25) + 1;
                long budget = 10_000;
                if (requestsPerRun * (warmup + runs) > budget)
                {
                    warmup = 0;
                    warmupMs = 0;
                    runs = (int)Math.Max(1, Math.Min(runs, budget / requestsPerRun));
                }
            }
            var arguments = new List<string>
            {
                Path.Combine(status.Directory, "peer.mjs"), list ? "list" : "first",
                "--base-url", emulator.BaseUri.ToString().TrimEnd('/'),
                "--account-id", EmulatorProcess.AccountId,
                "--expect", widgets.ToString(CultureInfo.InvariantCulture),
                "--runs", runs.ToString(CultureInfo.InvariantCulture),
                "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
                "--warmup-ms", warmupMs.ToString(CultureInfo.InvariantCulture),
                "--min-measured-ms", (warmupMs == 0 ? 0 : (int)MinMeasured.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                "--max-runs", MaxRuns.ToString(CultureInfo.InvariantCulture),
            };
            if (perPage.HasValue)
            {
                arguments.Add("--per-page");
                arguments.Add(perPage.Value.ToString(CultureInfo.InvariantCulture));
            }
            var env = new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = emulator.ApiToken };
            long before = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
            ProcessResult result = await Processes.RunAsync("node", arguments, status.Directory, env, TimeSpan.FromMinutes(15)).ConfigureAwait(false);
            long after = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
            string? line = Processes.LastJsonLine(result.Stdout);
            if (line == null)
            {
                throw new InvalidOperationException($"the SDK peer ({variant}) printed no result (exit {result.ExitCode}): {Processes.Tail(result.Stderr)}");
            }
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String)
            {
                throw new InvalidOperationException($"the SDK peer ({variant}): {error.GetString()}");
            }
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"the SDK peer ({variant}) exited with {result.ExitCode}: {Processes.Tail(result.Stderr)}");
            }
            report.Machine["sdk"] = "cloudflare " + root.GetProperty("sdk_version").GetString();
            var row = new ResultRow { Scenario = list ? "list" : "first widget", Variant = variant, Widgets = widgets };
            var ownCount = new List<double>();
            foreach (JsonElement run in root.GetProperty("runs").EnumerateArray())
            {
                row.Values.Add(list ? run.GetProperty("elapsed_ms").GetDouble() : run.GetProperty("first_ms").GetDouble());
                ownCount.Add(run.GetProperty("requests").GetDouble());
            }
            // The emulator's counter covers the warm-up, the measured runs and the peer's one byte-counting run alike;
            // each run of a scenario sends the same requests.
            int warmupRuns = root.GetProperty("warmup_runs").GetInt32();
            row.Requests = (double)(after - before) / (warmupRuns + row.Values.Count + 1);
            row.BytesRead = root.GetProperty("bytes_per_run").GetDouble();
            row.CpuMs = root.GetProperty("cpu_ms_per_run").GetDouble();
            row.Metrics["requests_counted_by_peer"] = Stats.Median(ownCount);
            var notes = new List<string>();
            if (warmupMs == 0)
            {
                notes.Add($"{runs} run(s), no warm-up (request budget)");
            }
            if (!list)
            {
                notes.Add($"{Stats.Median(ownCount):0} request(s) before the first widget");
                row.Metrics["requests_before_first_widget"] = Stats.Median(ownCount);
            }
            row.Note = notes.Count > 0 ? string.Join("; ", notes) : "in one warm node process";
            Add(row);
        }
    }
}
