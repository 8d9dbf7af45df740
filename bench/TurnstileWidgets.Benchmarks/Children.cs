using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// What a fresh child process of the harness does: one job, one JSON line on stdout, exit 0 (1 on wrong data).
    /// The connection comes from CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_BASE_URL, as a runbook's would.
    ///
    ///   --child list-memory --impl engine|raw --widgets N   lists every widget, prints items and peak working set
    ///   --child cold --impl engine|raw --sitekey S          one authenticated GET of one widget
    ///   --child loop --impl engine|raw --op list|update --seconds N
    ///                                                       repeats one operation for N seconds (after N seconds of
    ///                                                       warm-up), for a profiler: dotnet-trace collect -- dotnet ...
    /// </summary>
    internal static class Children
    {
        internal static async Task<int> RunAsync(string[] args)
        {
            string job = args.Length > 1 ? args[1] : "";
            string impl = Option(args, "--impl") ?? "";
            try
            {
                switch (job)
                {
                    case "list-memory":
                    {
                        int expected = int.Parse(Option(args, "--widgets") ?? "0", CultureInfo.InvariantCulture);
                        var stopwatch = Stopwatch.StartNew();
                        long items = impl == "engine" ? await EngineChild.ListAllAsync().ConfigureAwait(false) : await RawChild.ListAllAsync().ConfigureAwait(false);
                        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
                        using Process self = Process.GetCurrentProcess();
                        self.Refresh();
                        GCMemoryInfo gc = GC.GetGCMemoryInfo();
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                            "{{\"items\":{0},\"elapsed_ms\":{1:0.###},\"peak_working_set_bytes\":{2},\"gc_heap_bytes\":{3},\"gc_committed_bytes\":{4},\"allocated_bytes\":{5},\"gen0\":{6},\"gen1\":{7},\"gen2\":{8},\"cpu_ms\":{9:0.###}}}",
                            items, elapsed, self.PeakWorkingSet64, GC.GetTotalMemory(false), gc.TotalCommittedBytes, GC.GetTotalAllocatedBytes(),
                            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), self.TotalProcessorTime.TotalMilliseconds));
                        return items == expected ? 0 : 1;
                    }
                    case "cold":
                    {
                        // The parent passes its monotonic timestamp from just before the start (the same clock in both processes).
                        long t0 = long.Parse(Option(args, "--t0") ?? "0", CultureInfo.InvariantCulture);
                        double mainMs = t0 > 0 ? Stopwatch.GetElapsedTime(t0).TotalMilliseconds : double.NaN;
                        string sitekey = Option(args, "--sitekey") ?? "";
                        ColdResult result = impl == "engine" ? await EngineChild.GetOneAsync(sitekey).ConfigureAwait(false) : await RawChild.GetOneAsync(sitekey).ConfigureAwait(false);
                        bool ok = result.Sitekey == sitekey;
                        using Process self = Process.GetCurrentProcess();
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                            "{{\"ok\":{0},\"main_ms\":{1},\"connect_ms\":{2:0.###},\"request_ms\":{3:0.###},\"cpu_ms\":{4:0.###}}}",
                            ok ? "true" : "false", double.IsNaN(mainMs) ? "null" : mainMs.ToString("0.###", CultureInfo.InvariantCulture),
                            result.ConnectMs, result.RequestMs, self.TotalProcessorTime.TotalMilliseconds));
                        return ok ? 0 : 1;
                    }
                    case "loop":
                    {
                        string op = Option(args, "--op") ?? "list";
                        double seconds = double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
                        Func<Task<long>> once = impl == "engine" ? EngineChild.Loop(op) : RawChild.Loop(op);
                        using Process self = Process.GetCurrentProcess();
                        foreach (string phase in new[] { "warm-up", "measured" })
                        {
                            self.Refresh();
                            TimeSpan cpuBefore = self.TotalProcessorTime;
                            long jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                            TimeSpan jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
                            int gen0Before = GC.CollectionCount(0);
                            long workItemsBefore = System.Threading.ThreadPool.CompletedWorkItemCount;
                            long allocatedBefore = GC.GetTotalAllocatedBytes();
                            long rounds = 0;
                            long items = 0;
                            var stopwatch = Stopwatch.StartNew();
                            while (stopwatch.Elapsed.TotalSeconds < seconds)
                            {
                                items += await once().ConfigureAwait(false);
                                rounds++;
                            }
                            self.Refresh();
                            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                                "{{\"phase\":\"{0}\",\"rounds\":{1},\"items\":{2},\"wall_ms_per_round\":{3:0.###},\"cpu_ms_per_round\":{4:0.###},\"jit_methods\":{5},\"jit_ms\":{6:0.#},\"gen0\":{7},\"allocated_kb_per_round\":{8:0},\"thread_pool_items_per_round\":{9:0}}}",
                                phase, rounds, items, stopwatch.Elapsed.TotalMilliseconds / rounds, (self.TotalProcessorTime - cpuBefore).TotalMilliseconds / rounds,
                                System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore, (System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore).TotalMilliseconds,
                                GC.CollectionCount(0) - gen0Before, (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / rounds,
                                (System.Threading.ThreadPool.CompletedWorkItemCount - workItemsBefore) / (double)rounds));
                        }
                        return 0;
                    }
                    default:
                        Console.Error.WriteLine($"unknown child job '{job}'.");
                        return 2;
                }
            }
            catch (Exception ex)
            {
                // Any failure, the engine's included, without naming engine types here: a raw child must not load the engine.
                Console.Error.WriteLine($"{job} ({impl}) failed: {ex.Message}");
                return 1;
            }
        }

        private static string? Option(string[] args, string name)
        {
            int index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        internal static string Require(string variable) =>
            Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"{variable} is not set.");
    }

    internal sealed record ColdResult(string Sitekey, double ConnectMs, double RequestMs);

    /// <summary>Only this class touches the engine, so a raw child never loads it.</summary>
    internal static class EngineChild
    {
        private static TurnstileClient Connect()
        {
            EnvironmentSettings settings = EnvironmentSettings.Read(Environment.GetEnvironmentVariable);
            return new TurnstileClient(new TurnstileClientOptions
            {
                Credential = settings.Credential,
                AccountId = settings.AccountId,
                BaseUri = settings.BaseUri ?? TurnstileClientOptions.DefaultBaseUri,
            });
        }

        internal static async Task<long> ListAllAsync()
        {
            using TurnstileClient client = Connect();
            long items = 0;
            await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery()).ConfigureAwait(false))
            {
                if (widget.Sitekey.Length > 0)
                {
                    items++;
                }
            }
            return items;
        }

        /// <summary>One round of <paramref name="op"/> on one client: a full listing, or a PUT of each of the first 1,000 widgets.</summary>
        internal static Func<Task<long>> Loop(string op)
        {
            TurnstileClient client = Connect();
            var query = new WidgetListQuery();
            var definition = new WidgetDefinition { Name = "bench-updated", Domains = new[] { "example.com", "example.net" }, Mode = WidgetMode.Invisible };
            List<string>? sitekeys = null;
            return async () =>
            {
                if (op == "list")
                {
                    return await ListAllAsync(client).ConfigureAwait(false);
                }
                if (sitekeys == null)
                {
                    sitekeys = new List<string>();
                    await foreach (Widget widget in client.ListWidgetsAsync(query).ConfigureAwait(false))
                    {
                        sitekeys.Add(widget.Sitekey);
                    }
                    sitekeys = sitekeys.GetRange(0, Math.Min(1000, sitekeys.Count));
                }
                foreach (string sitekey in sitekeys)
                {
                    await client.UpdateWidgetAsync(sitekey, definition).ConfigureAwait(false);
                }
                return sitekeys.Count;
            };
        }

        private static async Task<long> ListAllAsync(TurnstileClient client)
        {
            long items = 0;
            await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery()).ConfigureAwait(false))
            {
                if (widget.Sitekey.Length > 0)
                {
                    items++;
                }
            }
            return items;
        }

        internal static async Task<ColdResult> GetOneAsync(string sitekey)
        {
            var stopwatch = Stopwatch.StartNew();
            using TurnstileClient client = Connect();
            double connectMs = stopwatch.Elapsed.TotalMilliseconds;
            stopwatch.Restart();
            Widget widget = await client.GetWidgetAsync(sitekey).ConfigureAwait(false);
            return new ColdResult(widget.Sitekey, connectMs, stopwatch.Elapsed.TotalMilliseconds);
        }
    }

    internal static class RawChild
    {
        private static RawApi Connect() => new RawApi(
            new Uri(Children.Require("CLOUDFLARE_BASE_URL").TrimEnd('/') + "/"),
            Children.Require("CLOUDFLARE_API_TOKEN"),
            Children.Require("CLOUDFLARE_ACCOUNT_ID"));

        internal static async Task<long> ListAllAsync()
        {
            using RawApi api = Connect();
            long items = 0;
            await foreach (RawWidget widget in api.ListAsync(1000).ConfigureAwait(false))
            {
                if (!string.IsNullOrEmpty(widget.Sitekey))
                {
                    items++;
                }
            }
            return items;
        }

        /// <summary>The raw floor's round of <paramref name="op"/>, as <see cref="EngineChild.Loop"/>.</summary>
        internal static Func<Task<long>> Loop(string op)
        {
            RawApi api = Connect();
            var body = new RawWidgetRequest { Name = "bench-updated", Domains = new List<string> { "example.com", "example.net" }, Mode = "invisible" };
            List<string>? sitekeys = null;
            return async () =>
            {
                if (op == "list")
                {
                    long items = 0;
                    await foreach (RawWidget widget in api.ListAsync(1000).ConfigureAwait(false))
                    {
                        items += string.IsNullOrEmpty(widget.Sitekey) ? 0 : 1;
                    }
                    return items;
                }
                if (sitekeys == null)
                {
                    sitekeys = new List<string>();
                    await foreach (RawWidget widget in api.ListAsync(1000).ConfigureAwait(false))
                    {
                        sitekeys.Add(widget.Sitekey!);
                    }
                    sitekeys = sitekeys.GetRange(0, Math.Min(1000, sitekeys.Count));
                }
                foreach (string sitekey in sitekeys)
                {
                    await api.UpdateAsync(sitekey, body).ConfigureAwait(false);
                }
                return sitekeys.Count;
            };
        }

        internal static async Task<ColdResult> GetOneAsync(string sitekey)
        {
            var stopwatch = Stopwatch.StartNew();
            using RawApi api = Connect();
            double connectMs = stopwatch.Elapsed.TotalMilliseconds;
            stopwatch.Restart();
            RawWidget widget = await api.GetAsync(sitekey).ConfigureAwait(false);
            return new ColdResult(widget.Sitekey ?? "", connectMs, stopwatch.Elapsed.TotalMilliseconds);
        }
    }
}
