using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>The harness's command line.</summary>
    internal sealed class BenchOptions
    {
        internal const string Usage = """
            TurnstileWidgets benchmarks: the engine vs a raw HttpClient floor vs the Cloudflare TypeScript SDK,
            against the emulator run as its own process on a free loopback port.

            Usage: dotnet run -c Release --project bench/TurnstileWidgets.Benchmarks -- [options]

              --widgets <n[,n...]>    widget counts for the listing scenarios (default 10000; e.g. 1000,10000,100000)
              --quick                 a fast smoke run: 1000 widgets, 3 runs, small bulk, memory and rate-limit sizes
              --runs <n>              measured runs per scenario (default 5; --quick 3)
              --warmup <n>            unmeasured warm-up runs before them (default 1)
              --scenarios <list>      any of list,first,memory,cold,bulk,rate,module (default: all)
              --bulk <n>              widgets updated then deleted in the bulk scenario (default 1000; --quick 100)
              --rate-limit <n/s>      the rate-limit scenario's limit (default 120/10; --quick 20/2)
              --rate-block <s>        the emulator's --rate-limit-block in that scenario (default 30; --quick 6)
              --rate-ops <n>          deletes in the rate-limit scenario (default 600; --quick 60)
              --memory <a,b>          widget counts compared in the memory scenario (default 10000,100000; --quick 1000,10000)
              --json <file>           also write the results as JSON
              --markdown <file>       also write the results table as Markdown
              --emulator-dll <path>   the emulator to start (default: src/TurnstileWidgets.Emulator's build output,
                                      built with `dotnet build -c Release` when missing)
              --no-peer               skip the TypeScript SDK rows
              --help                  show this text

            Exit code: 0 when every scenario ran and returned the right data (timings are reported, never
            asserted), 1 when a scenario failed or returned wrong counts, 2 for a bad command line.
            """;

        internal static readonly string[] AllScenarios = { "list", "first", "memory", "cold", "bulk", "rate", "module" };

        public bool ShowHelp { get; private set; }
        public bool Quick { get; private set; }
        public IReadOnlyList<int> Widgets { get; private set; } = new[] { 10000 };
        public int Runs { get; private set; } = 5;
        public int Warmup { get; private set; } = 1;
        public HashSet<string> Scenarios { get; private set; } = new HashSet<string>(AllScenarios, StringComparer.Ordinal);
        public int BulkCount { get; private set; } = 1000;
        public int RateLimitRequests { get; private set; } = 120;
        public int RateLimitSeconds { get; private set; } = 10;
        public int RateOps { get; private set; } = 600;
        public int RateBlockSeconds { get; private set; } = 30;
        public IReadOnlyList<int> MemorySizes { get; private set; } = new[] { 10000, 100000 };
        public string? JsonPath { get; private set; }
        public string? MarkdownPath { get; private set; }
        public string? EmulatorDll { get; private set; }
        public bool NoPeer { get; private set; }
        public string CommandLine { get; private set; } = "";

        public string RateLimit => RateLimitRequests.ToString(CultureInfo.InvariantCulture) + "/" + RateLimitSeconds.ToString(CultureInfo.InvariantCulture);

        internal static BenchOptions Parse(string[] args)
        {
            var options = new BenchOptions { CommandLine = string.Join(" ", args) };
            bool quick = args.Contains("--quick");
            if (quick)
            {
                options.Quick = true;
                options.Widgets = new[] { 1000 };
                options.Runs = 3;
                options.BulkCount = 100;
                options.RateLimitRequests = 20;
                options.RateLimitSeconds = 2;
                options.RateOps = 60;
                options.RateBlockSeconds = 6;
                options.MemorySizes = new[] { 1000, 10000 };
            }
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                string Value()
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{name} needs a value.");
                    }
                    return args[++i];
                }
                switch (name)
                {
                    case "--help":
                    case "-h":
                        options.ShowHelp = true;
                        break;
                    case "--quick":
                        break;
                    case "--widgets":
                        options.Widgets = ParseCounts(name, Value());
                        break;
                    case "--runs":
                        options.Runs = ParseCount(name, Value(), 1);
                        break;
                    case "--warmup":
                        options.Warmup = ParseCount(name, Value(), 0);
                        break;
                    case "--scenarios":
                        options.Scenarios = ParseScenarios(Value());
                        break;
                    case "--bulk":
                        options.BulkCount = ParseCount(name, Value(), 1);
                        break;
                    case "--rate-limit":
                        ParseRateLimit(options, Value());
                        break;
                    case "--rate-block":
                        options.RateBlockSeconds = ParseCount(name, Value(), 1);
                        break;
                    case "--rate-ops":
                        options.RateOps = ParseCount(name, Value(), 1);
                        break;
                    case "--memory":
                        options.MemorySizes = ParseCounts(name, Value());
                        if (options.MemorySizes.Count != 2)
                        {
                            throw new ArgumentException("--memory takes two widget counts, e.g. 10000,100000.");
                        }
                        break;
                    case "--json":
                        options.JsonPath = Value();
                        break;
                    case "--markdown":
                        options.MarkdownPath = Value();
                        break;
                    case "--emulator-dll":
                        options.EmulatorDll = Value();
                        break;
                    case "--no-peer":
                        options.NoPeer = true;
                        break;
                    default:
                        throw new ArgumentException($"unknown option '{name}'.");
                }
            }
            return options;
        }

        private static int ParseCount(string name, string text, int min)
        {
            if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min)
            {
                throw new ArgumentException($"{name}: '{text}' is not a whole number of at least {min}.");
            }
            return value;
        }

        private static IReadOnlyList<int> ParseCounts(string name, string text)
        {
            var counts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => ParseCount(name, part, 1))
                .Distinct()
                .OrderBy(n => n)
                .ToList();
            if (counts.Count == 0)
            {
                throw new ArgumentException($"{name}: give at least one widget count, e.g. 1000,10000.");
            }
            if (counts.Any(n => n > 1_000_000))
            {
                throw new ArgumentException($"{name}: the emulator seeds at most 1,000,000 widgets.");
            }
            return counts;
        }

        private static HashSet<string> ParseScenarios(string text)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!AllScenarios.Contains(part))
                {
                    throw new ArgumentException($"--scenarios: unknown scenario '{part}'. Known: {string.Join(",", AllScenarios)}.");
                }
                set.Add(part);
            }
            return set;
        }

        private static void ParseRateLimit(BenchOptions options, string text)
        {
            string[] parts = text.Split('/');
            if (parts.Length != 2)
            {
                throw new ArgumentException($"--rate-limit: '{text}' is not <requests>/<seconds>, e.g. 120/10.");
            }
            options.RateLimitRequests = ParseCount("--rate-limit", parts[0], 1);
            options.RateLimitSeconds = ParseCount("--rate-limit", parts[1], 1);
        }
    }
}
