using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>Runs the scenarios, collects the rows, judges the targets (without asserting), prints and writes.</summary>
    internal sealed partial class Harness
    {
        private const int PerPage = 1000;
        private const string EngineVariant = "engine";
        private const string RawVariant = "raw HttpClient";
        private const string SdkDefaultVariant = "sdk per_page=25 (default)";
        private const string SdkPerPageVariant = "sdk per_page=1000";
        /// <summary>The least warm-up time for in-process measurements and for the SDK peer's node process.</summary>
        private static readonly TimeSpan MinWarmup = WarmUp.MinTime;
        /// <summary>The least total measured time per contestant before the median is taken (runs permitting).</summary>
        private static readonly TimeSpan MinMeasured = TimeSpan.FromSeconds(1);
        private const int MaxRuns = 50;
        /// <summary>The least total measured time of the engine's bulk passes before their median is taken (runs permitting).</summary>
        private static readonly TimeSpan BulkMeasured = TimeSpan.FromSeconds(3);
        private const string EngineGen0Variant = "engine, gen0 budget 4 MB (diagnostic)";

        private readonly BenchOptions options;
        private readonly BenchReport report = new BenchReport();
        private readonly string repoRoot;
        private string emulatorDll = "";
        private PeerStatus? peer;
        // How long the latest in-process scenario warmed up; the SDK peer that follows warms at least as long.
        private TimeSpan lastWarmUp = WarmUp.MinTime;

        public Harness(BenchOptions options)
        {
            this.options = options;
            repoRoot = FindRepoRoot();
        }

        public async Task<int> RunAsync()
        {
            report.Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            report.Command = "dotnet run -c Release --project bench/TurnstileWidgets.Benchmarks --" + (options.CommandLine.Length > 0 ? " " + options.CommandLine : "");
            CollectMachine();
            Progress($"TurnstileWidgets benchmarks: {report.Command}");
            Progress("machine: " + string.Join(", ", report.Machine.Select(kv => kv.Key + " " + kv.Value)));

            try
            {
                emulatorDll = await ResolveEmulatorAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is IOException)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 1;
            }

            if (Wants("list") || Wants("first") || Wants("cold"))
            {
                await GuardAsync("list/first/cold", MainEmulatorScenariosAsync).ConfigureAwait(false);
            }
            if (Wants("memory"))
            {
                await GuardAsync("memory", MemoryScenarioAsync).ConfigureAwait(false);
            }
            if (Wants("bulk"))
            {
                await GuardAsync("bulk", BulkScenarioAsync).ConfigureAwait(false);
            }
            if (Wants("rate"))
            {
                await GuardAsync("rate-limit", RateLimitScenarioAsync).ConfigureAwait(false);
            }
            if (Wants("module"))
            {
                await GuardAsync("module", ModuleScenarioAsync).ConfigureAwait(false);
            }

            report.Machine["load average at end"] = LoadAverage();
            JudgeTargets();
            report.Failed = report.Results.Any(r => r.Status == "error");

            Console.WriteLine();
            Console.Write(ReportWriter.Table(report, markdown: false));
            Console.WriteLine();
            Console.WriteLine("Targets (reported, not asserted):");
            Console.Write(ReportWriter.Targets(report, markdown: false));
            foreach (string note in report.Notes)
            {
                Console.WriteLine("note: " + note);
            }
            if (options.JsonPath != null)
            {
                ReportWriter.WriteJson(report, options.JsonPath);
                Console.WriteLine($"JSON written to {options.JsonPath}");
            }
            if (options.MarkdownPath != null)
            {
                ReportWriter.WriteMarkdown(report, options.MarkdownPath);
                Console.WriteLine($"Markdown written to {options.MarkdownPath}");
            }
            if (report.Failed)
            {
                Console.WriteLine("FAILED: a scenario errored or returned wrong data (see the ERROR rows).");
            }
            return report.Failed ? 1 : 0;
        }

        private bool Wants(string scenario) => options.Scenarios.Contains(scenario);

        private async Task GuardAsync(string name, Func<Task> scenario)
        {
            try
            {
                await scenario().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Progress($"{name}: FAILED: {ex.Message}");
                report.Results.Add(new ResultRow { Scenario = name, Variant = "-", Status = "error", Note = ex.Message });
            }
        }

        // ---------------------------------------------------------------- list, first widget, cold start

        private async Task MainEmulatorScenariosAsync()
        {
            await using EmulatorProcess emulator = await EmulatorProcess.StartAsync(emulatorDll).ConfigureAwait(false);
            Progress($"emulator started at {emulator.BaseUri}");
            await emulator.SeedToAsync(Math.Min(PerPage, options.Widgets[0])).ConfigureAwait(false);
            await emulator.WarmUpAsync(MinWarmup).ConfigureAwait(false);
            foreach (int widgets in options.Widgets)
            {
                Stopwatch seeding = Stopwatch.StartNew();
                await emulator.SeedToAsync(widgets).ConfigureAwait(false);
                Progress($"seeded {widgets:N0} widgets in {seeding.Elapsed.TotalSeconds:0.0} s");
                if (Wants("list"))
                {
                    await GuardAsync($"list {widgets:N0}", () => ListScenarioAsync(emulator, widgets)).ConfigureAwait(false);
                }
                if (Wants("first"))
                {
                    await GuardAsync($"first widget {widgets:N0}", () => FirstWidgetScenarioAsync(emulator, widgets)).ConfigureAwait(false);
                }
            }
            if (Wants("cold"))
            {
                await GuardAsync("cold start", () => ColdStartScenarioAsync(emulator)).ConfigureAwait(false);
            }
        }

        private async Task ListScenarioAsync(EmulatorProcess emulator, int widgets)
        {
            var engineCounter = new CountingHandler();
            var rawCounter = new CountingHandler();
            using (TurnstileClient client = EngineFactory.Create(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, engineCounter))
            using (var raw = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, rawCounter))
            {
                var query = new WidgetListQuery { PerPage = PerPage };
                await MeasureAsync("list", widgets, emulator, widgets,
                    new Contestant(EngineVariant, engineCounter, async () =>
                    {
                        var stopwatch = Stopwatch.StartNew();
                        long items = 0;
                        await foreach (Widget widget in client.ListWidgetsAsync(query).ConfigureAwait(false))
                        {
                            items += widget.Sitekey.Length > 0 ? 1 : 0;
                        }
                        return new Sample(stopwatch.Elapsed.TotalMilliseconds, items);
                    }),
                    new Contestant(RawVariant, rawCounter, async () =>
                    {
                        var stopwatch = Stopwatch.StartNew();
                        long items = 0;
                        await foreach (RawWidget widget in raw.ListAsync(PerPage).ConfigureAwait(false))
                        {
                            items += string.IsNullOrEmpty(widget.Sitekey) ? 0 : 1;
                        }
                        return new Sample(stopwatch.Elapsed.TotalMilliseconds, items);
                    })).ConfigureAwait(false);
            }

            await PeerRowsAsync("list", emulator, widgets, null, SdkDefaultVariant).ConfigureAwait(false);
            await PeerRowsAsync("list", emulator, widgets, PerPage, SdkPerPageVariant).ConfigureAwait(false);
        }

        private async Task FirstWidgetScenarioAsync(EmulatorProcess emulator, int widgets)
        {
            var engineCounter = new CountingHandler();
            var rawCounter = new CountingHandler();
            using (TurnstileClient client = EngineFactory.Create(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, engineCounter))
            using (var raw = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, rawCounter))
            {
                var query = new WidgetListQuery { PerPage = PerPage };
                await MeasureAsync("first widget", widgets, emulator, 1,
                    new Contestant(EngineVariant, engineCounter, async () =>
                    {
                        long requestsBefore = engineCounter.Requests;
                        var stopwatch = Stopwatch.StartNew();
                        await using IAsyncEnumerator<Widget> enumerator = client.ListWidgetsAsync(query).GetAsyncEnumerator();
                        bool any = await enumerator.MoveNextAsync().ConfigureAwait(false);
                        double ms = stopwatch.Elapsed.TotalMilliseconds;
                        return new Sample(ms, any && enumerator.Current.Sitekey.Length > 0 ? 1 : 0) { RequestsBeforeFirst = engineCounter.Requests - requestsBefore };
                    }),
                    new Contestant(RawVariant, rawCounter, async () =>
                    {
                        long requestsBefore = rawCounter.Requests;
                        var stopwatch = Stopwatch.StartNew();
                        await using IAsyncEnumerator<RawWidget> enumerator = raw.ListAsync(PerPage).GetAsyncEnumerator();
                        bool any = await enumerator.MoveNextAsync().ConfigureAwait(false);
                        double ms = stopwatch.Elapsed.TotalMilliseconds;
                        return new Sample(ms, any && !string.IsNullOrEmpty(enumerator.Current.Sitekey) ? 1 : 0) { RequestsBeforeFirst = rawCounter.Requests - requestsBefore };
                    })).ConfigureAwait(false);
            }

            await PeerRowsAsync("first widget", emulator, widgets, null, SdkDefaultVariant).ConfigureAwait(false);
            await PeerRowsAsync("first widget", emulator, widgets, PerPage, SdkPerPageVariant).ConfigureAwait(false);
        }

        private async Task ColdStartScenarioAsync(EmulatorProcess emulator)
        {
            string sitekey;
            using (var raw = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId))
            {
                await using IAsyncEnumerator<RawWidget> first = raw.ListAsync(5).GetAsyncEnumerator();
                if (!await first.MoveNextAsync().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("the emulator holds no widget to GET.");
                }
                sitekey = first.Current.Sitekey!;
            }

            var rows = new Dictionary<string, ResultRow>
            {
                [EngineVariant] = new ResultRow { Scenario = "cold start", Variant = EngineVariant, Note = "fresh process: start, one authenticated GET, exit" },
                [RawVariant] = new ResultRow { Scenario = "cold start", Variant = RawVariant, Note = "fresh process: start, one authenticated GET, exit" },
            };
            var phases = new Dictionary<string, Dictionary<string, List<double>>> { [EngineVariant] = new(), [RawVariant] = new() };
            var requests = new Dictionary<string, List<double>> { [EngineVariant] = new(), [RawVariant] = new() };
            var env = ChildEnvironment(emulator);
            // Interleaved, so drift in the machine's load hits both the same.
            // Process starts vary more than in-process runs: at least 10 of each.
            int coldRuns = Math.Max(options.Runs, options.Quick ? options.Runs : 10);
            for (int i = 0; i < options.Warmup + coldRuns; i++)
            {
                foreach (string impl in new[] { "engine", "raw" })
                {
                    long requestsBefore = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
                    string t0 = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);
                    ProcessResult result = await Processes.RunAsync("dotnet", ChildArguments("cold", impl, "--sitekey", sitekey, "--t0", t0), repoRoot, env, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                    if (result.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"the cold-start child ({impl}) exited with {result.ExitCode}: {Processes.Tail(result.Stderr + result.Stdout)}");
                    }
                    long sent = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests - requestsBefore;
                    if (i >= options.Warmup)
                    {
                        string variant = impl == "engine" ? EngineVariant : RawVariant;
                        rows[variant].Values.Add(result.Elapsed.TotalMilliseconds);
                        requests[variant].Add(sent);
                        using JsonDocument document = JsonDocument.Parse(Processes.LastJsonLine(result.Stdout) ?? "{}");
                        foreach (JsonProperty phase in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
                        {
                            (phases[variant].TryGetValue(phase.Name, out List<double>? list) ? list : phases[variant][phase.Name] = new List<double>()).Add(phase.Value.GetDouble());
                        }
                    }
                }
            }
            foreach ((string variant, ResultRow row) in rows)
            {
                row.Requests = Stats.Median(requests[variant]);
                foreach ((string phase, List<double> values) in phases[variant])
                {
                    row.Metrics[phase + "_median"] = Stats.Median(values);
                }
                if (row.Metrics.TryGetValue("cpu_ms_median", out double cpuMs))
                {
                    row.CpuMs = cpuMs;
                }
                if (row.Metrics.TryGetValue("main_ms_median", out double main) && row.Metrics.TryGetValue("connect_ms_median", out double connect) && row.Metrics.TryGetValue("request_ms_median", out double request))
                {
                    row.Note = $"process start to exit; runtime start to Main {main:0} ms, client setup {connect:0} ms, first GET {request:0} ms";
                }
                Add(row);
            }
        }

        // ---------------------------------------------------------------- memory

        private async Task MemoryScenarioAsync()
        {
            await using EmulatorProcess emulator = await EmulatorProcess.StartAsync(emulatorDll).ConfigureAwait(false);
            var env = ChildEnvironment(emulator);
            int runs = Math.Min(options.Runs, 3);
            foreach (int widgets in options.MemorySizes)
            {
                await emulator.SeedToAsync(widgets).ConfigureAwait(false);
                // The third child is a diagnostic: the same engine listing with the GC's gen0 budget capped, which
                // separates what the client holds from garbage the GC has simply not needed to collect yet.
                foreach ((string impl, string variant, string? gen0) in new[] { ("engine", EngineVariant, (string?)null), ("raw", RawVariant, null), ("engine", EngineGen0Variant, "0x400000") })
                {
                    var row = new ResultRow
                    {
                        Scenario = "memory (peak working set)",
                        Variant = variant,
                        Widgets = widgets,
                        Unit = "MB",
                    };
                    var childEnv = new Dictionary<string, string>(env);
                    if (gen0 != null)
                    {
                        childEnv["DOTNET_GCgen0size"] = gen0;
                    }
                    var measured = new Dictionary<string, List<double>>(StringComparer.Ordinal);
                    for (int i = 0; i < runs; i++)
                    {
                        long before = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
                        ProcessResult result = await Processes.RunAsync("dotnet", ChildArguments("list-memory", impl, "--widgets", widgets.ToString(CultureInfo.InvariantCulture)), repoRoot, childEnv, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
                        long after = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
                        string? line = Processes.LastJsonLine(result.Stdout);
                        if (result.ExitCode != 0 || line == null)
                        {
                            throw new InvalidOperationException($"the list-memory child ({impl}, {widgets:N0}) exited with {result.ExitCode}: {Processes.Tail(result.Stderr + result.Stdout)}");
                        }
                        using JsonDocument document = JsonDocument.Parse(line);
                        long items = document.RootElement.GetProperty("items").GetInt64();
                        if (items != widgets)
                        {
                            throw new InvalidOperationException($"the list-memory child ({impl}) listed {items:N0} widgets, not {widgets:N0}.");
                        }
                        row.Values.Add(document.RootElement.GetProperty("peak_working_set_bytes").GetInt64() / 1e6);
                        foreach (JsonProperty property in document.RootElement.EnumerateObject())
                        {
                            (measured.TryGetValue(property.Name, out List<double>? list) ? list : measured[property.Name] = new List<double>()).Add(property.Value.GetDouble());
                        }
                        row.Requests = after - before;
                    }
                    foreach ((string name, List<double> values) in measured)
                    {
                        row.Metrics[name + "_median"] = Stats.Median(values);
                    }
                    row.CpuMs = row.Metrics["cpu_ms_median"];
                    row.Note = string.Format(CultureInfo.InvariantCulture, "a fresh process lists all in {0:N0} ms ({1} processes); GC heap at end {2:0.0} MB, {3:0} MB allocated, {4:0} gen0 GCs",
                        row.Metrics["elapsed_ms_median"], runs, row.Metrics["gc_heap_bytes_median"] / 1e6, row.Metrics["allocated_bytes_median"] / 1e6, row.Metrics["gen0_median"]);
                    Add(row);
                }
            }
        }

        // ---------------------------------------------------------------- bulk

        private async Task BulkScenarioAsync()
        {
            await using EmulatorProcess emulator = await EmulatorProcess.StartAsync(emulatorDll).ConfigureAwait(false);
            await emulator.SeedToAsync(10).ConfigureAwait(false);
            await emulator.WarmUpAsync(MinWarmup).ConfigureAwait(false);
            int count = options.BulkCount;
            var engineCounter = new CountingHandler();
            var rawCounter = new CountingHandler();
            var definition = new WidgetDefinition { Name = "bench-updated", Domains = new[] { "example.com", "example.net" }, Mode = WidgetMode.Invisible };
            var rawBody = new RawWidgetRequest { Name = "bench-updated", Domains = new List<string> { "example.com", "example.net" }, Mode = "invisible" };
            var rows = new Dictionary<string, ResultRow>
            {
                [EngineVariant] = new ResultRow { Scenario = "bulk update+delete", Variant = EngineVariant, Widgets = count },
                [RawVariant] = new ResultRow { Scenario = "bulk update+delete", Variant = RawVariant, Widgets = count },
            };
            var requests = new Dictionary<string, List<double>> { [EngineVariant] = new List<double>(), [RawVariant] = new List<double>() };
            var bytes = new Dictionary<string, List<double>> { [EngineVariant] = new List<double>(), [RawVariant] = new List<double>() };
            var cpu = new Dictionary<string, List<double>> { [EngineVariant] = new List<double>(), [RawVariant] = new List<double>() };
            using Process self = Process.GetCurrentProcess();

            using TurnstileClient client = EngineFactory.Create(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, engineCounter);
            using var raw = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, rawCounter);
            using var setup = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId);
            // The same warm-up rule as the other in-process scenarios (see WarmUp); a round is one PUT+DELETE pass each.
            var warmUp = new WarmUp(options.Warmup);
            bool warming = options.Warmup > 0;
            // Measured rounds: at least --runs, and more (up to MaxRuns) until the engine has BulkMeasured of measured time:
            // a round is only two samples, and five medians of a 2,000-request pass moved by a tenth between runs here.
            int measured = 0;
            double measuredMs = 0;
            for (int round = 0; warming || measured < options.Runs || (measured < MaxRuns && measuredMs < BulkMeasured.TotalMilliseconds); round++)
            {
                bool warmRound = warming;
                // Which goes first alternates, so neither always runs just after the emulator was reset and seeded.
                foreach (string variant in round % 2 == 0 ? new[] { EngineVariant, RawVariant } : new[] { RawVariant, EngineVariant })
                {
                    await emulator.ResetAsync().ConfigureAwait(false);
                    await emulator.SeedToAsync(count).ConfigureAwait(false);
                    var sitekeys = new List<string>(count);
                    await foreach (RawWidget widget in setup.ListAsync(PerPage).ConfigureAwait(false))
                    {
                        sitekeys.Add(widget.Sitekey!);
                    }

                    CountingHandler counter = variant == EngineVariant ? engineCounter : rawCounter;
                    long requestsBefore = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
                    long bytesBefore = counter.BytesRead;
                    int wrong = 0;
                    self.Refresh();
                    TimeSpan cpuBefore = self.TotalProcessorTime;
                    var stopwatch = Stopwatch.StartNew();
                    if (variant == EngineVariant)
                    {
                        foreach (string sitekey in sitekeys)
                        {
                            Widget updated = await client.UpdateWidgetAsync(sitekey, definition).ConfigureAwait(false);
                            wrong += updated.Sitekey == sitekey && updated.Name == definition.Name ? 0 : 1;
                        }
                        foreach (string sitekey in sitekeys)
                        {
                            Widget deleted = await client.DeleteWidgetAsync(sitekey).ConfigureAwait(false);
                            wrong += deleted.Sitekey == sitekey ? 0 : 1;
                        }
                    }
                    else
                    {
                        foreach (string sitekey in sitekeys)
                        {
                            RawWidget updated = await raw.UpdateAsync(sitekey, rawBody).ConfigureAwait(false);
                            wrong += updated.Sitekey == sitekey && updated.Name == rawBody.Name ? 0 : 1;
                        }
                        foreach (string sitekey in sitekeys)
                        {
                            RawWidget deleted = await raw.DeleteAsync(sitekey).ConfigureAwait(false);
                            wrong += deleted.Sitekey == sitekey ? 0 : 1;
                        }
                    }
                    double ms = stopwatch.Elapsed.TotalMilliseconds;
                    self.Refresh();
                    double cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                    long sent = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests - requestsBefore;
                    long readBytes = counter.BytesRead - bytesBefore;
                    int left = 0;
                    await foreach (RawWidget _ in setup.ListAsync(PerPage).ConfigureAwait(false))
                    {
                        left++;
                    }
                    if (wrong > 0 || left > 0 || sitekeys.Count != count)
                    {
                        throw new InvalidOperationException($"bulk ({variant}): {wrong} answers named the wrong widget, {left} widgets were left, {sitekeys.Count} of {count} were seeded.");
                    }
                    if (!warmRound)
                    {
                        rows[variant].Values.Add(ms);
                        requests[variant].Add(sent);
                        bytes[variant].Add(readBytes);
                        cpu[variant].Add(cpuMs);
                        measuredMs += variant == EngineVariant ? ms : 0;
                    }
                }
                if (warming)
                {
                    warming = warmUp.NeedsAnotherRound();
                }
                else
                {
                    measured++;
                }
            }
            string bulkWarmUpNote = warmUp.Describe();
            long bulkCompiledWhileMeasuring = warmUp.CompiledWhileMeasuring;
            foreach (string variant in rows.Keys)
            {
                ResultRow row = rows[variant];
                row.Requests = Stats.Median(requests[variant]);
                row.BytesRead = Stats.Median(bytes[variant]);
                row.CpuMs = Stats.Median(cpu[variant]);
                row.Metrics["per_request_us_median"] = row.Median!.Value * 1000 / row.Requests.Value;
                row.Metrics["cpu_per_request_us_median"] = row.CpuMs.Value * 1000 / row.Requests.Value;
                row.Metrics["warmup_rounds"] = warmUp.Rounds;
                row.Metrics["warmup_s"] = warmUp.Elapsed.TotalSeconds;
                row.Metrics["jit_methods_while_measuring"] = bulkCompiledWhileMeasuring;
                row.Note = $"{count:N0} PUT then {count:N0} DELETE, one by one; {row.Metrics["per_request_us_median"]:N0} us wall, {row.Metrics["cpu_per_request_us_median"]:N0} us client CPU per request; {bulkWarmUpNote}";
                Add(row);
            }
        }

        // ---------------------------------------------------------------- shared helpers

        private readonly record struct Sample(double Ms, long Items)
        {
            public long? RequestsBeforeFirst { get; init; }
        }

        private sealed record Contestant(string Variant, CountingHandler Counter, Func<Task<Sample>> Once);

        /// <summary>
        /// Runs the contestants in turn (A, B, A, B, ...) so drift in the machine's load falls on all of them alike;
        /// warm-up rounds first. Per run: wall time, the client process's CPU time, requests (emulator), bytes read.
        /// </summary>
        private async Task MeasureAsync(string scenario, int widgets, EmulatorProcess emulator, long expected, params Contestant[] contestants)
        {
            var rows = contestants.Select(c => new ResultRow { Scenario = scenario, Variant = c.Variant, Widgets = widgets }).ToArray();
            var requests = contestants.Select(_ => new List<double>()).ToArray();
            var bytes = contestants.Select(_ => new List<double>()).ToArray();
            var cpu = contestants.Select(_ => new List<double>()).ToArray();
            var beforeFirst = contestants.Select(_ => new List<double>()).ToArray();
            using Process self = Process.GetCurrentProcess();
            // Warm until the JIT is quiet (see WarmUp), every contestant in every round, so the measured rounds see
            // the code each one runs for a user's second listing onwards, not its compilation.
            var warmUp = new WarmUp(options.Warmup);
            bool warming = options.Warmup > 0;
            // Measured rounds: at least --runs, and more (up to MaxRuns) while the first contestant's measured time is
            // under MinMeasured, so a 5 ms listing gets enough samples for a steady median on a shared machine.
            int measuredRounds = 0;
            double measuredMs = 0;
            while (warming || measuredRounds < options.Runs || (measuredRounds < MaxRuns && measuredMs < MinMeasured.TotalMilliseconds))
            {
                for (int c = 0; c < contestants.Length; c++)
                {
                    Contestant contestant = contestants[c];
                    long requestsBefore = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests;
                    long bytesBefore = contestant.Counter.BytesRead;
                    self.Refresh();
                    TimeSpan cpuBefore = self.TotalProcessorTime;
                    Sample sample = await contestant.Once().ConfigureAwait(false);
                    self.Refresh();
                    TimeSpan cpuUsed = self.TotalProcessorTime - cpuBefore;
                    long sent = (await emulator.StatsAsync().ConfigureAwait(false)).TotalRequests - requestsBefore;
                    if (sample.Items != expected)
                    {
                        throw new InvalidOperationException($"{scenario} ({contestant.Variant}, {widgets:N0}): got {sample.Items:N0} widgets, expected {expected:N0}.");
                    }
                    if (warming)
                    {
                        continue;
                    }
                    rows[c].Values.Add(sample.Ms);
                    if (c == 0)
                    {
                        measuredMs += sample.Ms;
                    }
                    requests[c].Add(sent);
                    bytes[c].Add(contestant.Counter.BytesRead - bytesBefore);
                    cpu[c].Add(cpuUsed.TotalMilliseconds);
                    if (sample.RequestsBeforeFirst.HasValue)
                    {
                        beforeFirst[c].Add(sample.RequestsBeforeFirst.Value);
                    }
                }
                if (warming)
                {
                    warming = warmUp.NeedsAnotherRound();
                }
                else
                {
                    measuredRounds++;
                }
            }
            lastWarmUp = warmUp.Elapsed;
            string warmUpNote = warmUp.Describe();
            long compiledWhileMeasuring = warmUp.CompiledWhileMeasuring;
            for (int c = 0; c < contestants.Length; c++)
            {
                ResultRow row = rows[c];
                row.Requests = Stats.Median(requests[c]);
                row.BytesRead = Stats.Median(bytes[c]);
                row.CpuMs = Stats.Median(cpu[c]);
                row.Metrics["warmup_rounds"] = warmUp.Rounds;
                row.Metrics["warmup_s"] = warmUp.Elapsed.TotalSeconds;
                row.Metrics["jit_methods_while_measuring"] = compiledWhileMeasuring;
                row.Note = warmUpNote;
                if (beforeFirst[c].Count > 0)
                {
                    row.Metrics["requests_before_first_widget"] = beforeFirst[c].Max();
                    row.Note = $"{beforeFirst[c].Max():0} request(s) before the first widget; " + row.Note;
                }
                Add(row);
            }
        }

        private void Add(ResultRow row)
        {
            report.Results.Add(row);
            string values = row.Status == "ok"
                ? $"median {ReportWriter.Number(row.Median, row.Unit)} {row.Unit} (min {ReportWriter.Number(row.Min, row.Unit)}, max {ReportWriter.Number(row.Max, row.Unit)})"
                : row.Status;
            Progress($"{row.Scenario} | {row.Variant}{(row.Widgets.HasValue ? $" | {row.Widgets:N0}" : "")}: {values}{(row.Requests.HasValue ? $", {row.Requests:N0} requests" : "")}{(row.Note != null ? " - " + row.Note : "")}");
        }

        private void Skip(string scenario, string variant, long? widgets, string why)
        {
            Add(new ResultRow { Scenario = scenario, Variant = variant, Widgets = widgets, Status = "skipped", Note = why });
        }

        private Dictionary<string, string> ChildEnvironment(EmulatorProcess emulator) => new Dictionary<string, string>
        {
            ["CLOUDFLARE_API_TOKEN"] = emulator.ApiToken,
            ["CLOUDFLARE_ACCOUNT_ID"] = EmulatorProcess.AccountId,
            ["CLOUDFLARE_BASE_URL"] = emulator.BaseUri.ToString(),
        };

        private static List<string> ChildArguments(string job, string impl, params string[] more)
        {
            var arguments = new List<string> { typeof(Harness).Assembly.Location, "--child", job, "--impl", impl };
            arguments.AddRange(more);
            return arguments;
        }

        private static void Progress(string message) => Console.Error.WriteLine("[bench] " + message);

        private static string FindRepoRoot()
        {
            foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            {
                for (DirectoryInfo? directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
                {
                    if (File.Exists(Path.Combine(directory.FullName, "TurnstileWidgets.sln")))
                    {
                        return directory.FullName;
                    }
                }
            }
            throw new InvalidOperationException("cannot find the repository root (the folder with TurnstileWidgets.sln); run from inside the repository.");
        }

        private async Task<string> ResolveEmulatorAsync()
        {
            if (options.EmulatorDll != null)
            {
                string given = Path.GetFullPath(options.EmulatorDll);
                return File.Exists(given) ? given : throw new InvalidOperationException($"--emulator-dll: {given} does not exist.");
            }
            string configuration = typeof(Harness).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            string project = Path.Combine(repoRoot, "src", "TurnstileWidgets.Emulator", "TurnstileWidgets.Emulator.csproj");
            string dll = Path.Combine(repoRoot, "src", "TurnstileWidgets.Emulator", "bin", configuration, "net10.0", "TurnstileWidgets.Emulator.dll");
            if (!File.Exists(dll))
            {
                Progress($"building the emulator: dotnet build {Path.GetRelativePath(repoRoot, project)} -c {configuration}");
                ProcessResult build = await Processes.RunAsync("dotnet", new[] { "build", project, "-c", configuration, "-nologo", "-v", "q" }, repoRoot, timeout: TimeSpan.FromMinutes(10)).ConfigureAwait(false);
                if (build.ExitCode != 0 || !File.Exists(dll))
                {
                    throw new InvalidOperationException($"building the emulator failed: {Processes.Tail(build.Stdout + build.Stderr)}");
                }
            }
            return dll;
        }

        private static string LoadAverage()
        {
            try
            {
                string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
                return string.Join(" ", parts.Take(3));
            }
            catch (IOException)
            {
                return "n/a";
            }
        }

        private void CollectMachine()
        {
            report.Machine["nproc"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
            try
            {
                string? cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (cpu != null)
                {
                    report.Machine["cpu"] = cpu.Substring(cpu.IndexOf(':') + 1).Trim();
                }
                string? memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                if (memory != null)
                {
                    long kb = long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    report.Machine["memory"] = (kb / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";
                }
            }
            catch (IOException)
            {
                // Not Linux: the rest still says what ran.
            }
            // Other work on the machine inflates wall times; the 1/5/15-minute load averages say how busy it was.
            report.Machine["load average at start"] = LoadAverage();
            report.Machine["os"] = RuntimeInformation.OSDescription;
            report.Machine["dotnet"] = RuntimeInformation.FrameworkDescription;
        }
    }
}
