using System;
using System.Globalization;
using System.Linq;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>The issue's targets, judged on the medians. Reported only: a missed target never fails the run.</summary>
    internal sealed partial class Harness
    {
        private ResultRow? Find(string scenario, string variant, long? widgets = null) =>
            report.Results.FirstOrDefault(r => r.Status == "ok" && r.Scenario == scenario && r.Variant == variant && (widgets == null || r.Widgets == widgets));

        private void Target(string name, bool? holds, string detail) =>
            report.Targets.Add(new TargetResult { Target = name, Holds = holds, Detail = detail });

        private static string X(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x";

        private static string Ms(double? value) => ReportWriter.Number(value, "ms") + " ms";

        private void JudgeTargets()
        {
            foreach (int widgets in options.Widgets)
            {
                ResultRow? engine = Find("list", EngineVariant, widgets);
                ResultRow? raw = Find("list", RawVariant, widgets);
                ResultRow? sdkDefault = Find("list", SdkDefaultVariant, widgets);
                ResultRow? sdkPerPage = Find("list", SdkPerPageVariant, widgets);
                string n = widgets.ToString("N0", CultureInfo.InvariantCulture);
                if (Wants("list"))
                {
                    if (engine != null && raw != null)
                    {
                        double ratio = engine.Median!.Value / raw.Median!.Value;
                        Target($"list {n}: within 1.10x of the raw HttpClient floor", ratio <= 1.10,
                            $"engine {Ms(engine.Median)} vs raw {Ms(raw.Median)} = {X(ratio)}; requests {engine.Requests:0} vs {raw.Requests:0}");
                    }
                    else
                    {
                        Target($"list {n}: within 1.10x of the raw HttpClient floor", null, "a row is missing");
                    }
                    if (engine != null && sdkDefault != null)
                    {
                        double ratio = sdkDefault.Requests!.Value / engine.Requests!.Value;
                        Target($"list {n}: at least 10x fewer requests than the SDK's default auto-pagination", ratio >= 10,
                            $"engine {engine.Requests:0} vs SDK default {sdkDefault.Requests:0} = {ratio:0.0}x fewer");
                    }
                    else
                    {
                        Target($"list {n}: at least 10x fewer requests than the SDK's default auto-pagination", null, "no SDK row (see notes)");
                    }
                    if (engine != null && sdkPerPage != null)
                    {
                        double ratio = sdkPerPage.Median!.Value / engine.Median!.Value;
                        Target($"list {n}: faster than the SDK with per_page=1000", engine.Median < sdkPerPage.Median,
                            $"engine {Ms(engine.Median)} vs SDK {Ms(sdkPerPage.Median)} (engine {X(ratio)} as fast)");
                    }
                    else
                    {
                        Target($"list {n}: faster than the SDK with per_page=1000", null, "no SDK row (see notes)");
                    }
                }
                if (Wants("first"))
                {
                    ResultRow? first = Find("first widget", EngineVariant, widgets);
                    ResultRow? rawFirst = Find("first widget", RawVariant, widgets);
                    ResultRow? sdkFirst = Find("first widget", SdkPerPageVariant, widgets);
                    if (first != null && rawFirst != null)
                    {
                        double requests = first.Metrics.TryGetValue("requests_before_first_widget", out double r) ? r : double.NaN;
                        double ratio = first.Median!.Value / rawFirst.Median!.Value;
                        Target($"first widget ({n}): after one page round trip", requests == 1,
                            $"{requests:0} request before the first widget; engine {Ms(first.Median)} vs raw one-page {Ms(rawFirst.Median)} = {X(ratio)}"
                            + (sdkFirst != null ? $"; SDK per_page=1000 {Ms(sdkFirst.Median)}" : ""));
                    }
                    else
                    {
                        Target($"first widget ({n}): after one page round trip", null, "a row is missing");
                    }
                }
            }

            if (Wants("memory"))
            {
                int small = options.MemorySizes[0];
                int large = options.MemorySizes[1];
                ResultRow? a = Find("memory (peak working set)", EngineVariant, small);
                ResultRow? b = Find("memory (peak working set)", EngineVariant, large);
                string name = $"memory flat within 1.2x from {small:N0} to {large:N0} widgets";
                if (a != null && b != null)
                {
                    double ratio = b.Median!.Value / a.Median!.Value;
                    ResultRow? rawA = Find("memory (peak working set)", RawVariant, small);
                    ResultRow? rawB = Find("memory (peak working set)", RawVariant, large);
                    ResultRow? capA = Find("memory (peak working set)", EngineGen0Variant, small);
                    ResultRow? capB = Find("memory (peak working set)", EngineGen0Variant, large);
                    Target(name, ratio <= 1.2, $"engine peak working set {a.Median:0.0} MB -> {b.Median:0.0} MB = {X(ratio)}"
                        + (rawA != null && rawB != null ? $" (raw {rawA.Median:0.0} -> {rawB.Median:0.0} MB = {X(rawB.Median!.Value / rawA.Median!.Value)})" : "")
                        + (capA != null && capB != null ? $"; with the gen0 budget capped at 4 MB {capA.Median:0.0} -> {capB.Median:0.0} MB = {X(capB.Median!.Value / capA.Median!.Value)}" : ""));
                }
                else
                {
                    Target(name, null, "a row is missing");
                }
            }

            if (Wants("cold"))
            {
                ResultRow? engine = Find("cold start", EngineVariant);
                ResultRow? raw = Find("cold start", RawVariant);
                if (engine != null && raw != null)
                {
                    double ratio = engine.Median!.Value / raw.Median!.Value;
                    Target("cold start within 1.5x of raw HttpClient", ratio <= 1.5, $"engine {Ms(engine.Median)} vs raw {Ms(raw.Median)} = {X(ratio)} (process start to exit)");
                }
                else
                {
                    Target("cold start within 1.5x of raw HttpClient", null, "a row is missing");
                }
            }

            if (Wants("bulk"))
            {
                ResultRow? engine = Find("bulk update+delete", EngineVariant);
                ResultRow? raw = Find("bulk update+delete", RawVariant);
                if (engine != null && raw != null)
                {
                    double e = engine.Metrics["per_request_us_median"];
                    double r = raw.Metrics["per_request_us_median"];
                    Target("bulk: within 1.10x of raw per request", e / r <= 1.10, $"engine {e:N0} us vs raw {r:N0} us per request = {X(e / r)}");
                }
                else
                {
                    Target("bulk: within 1.10x of raw per request", null, "a row is missing");
                }
            }

            if (Wants("rate"))
            {
                foreach (string variant in new[] { RateAloneVariant, RateParallelVariant })
                {
                    ResultRow? row = report.Results.FirstOrDefault(r => r.Scenario.StartsWith("rate limit", StringComparison.Ordinal) && r.Variant == variant);
                    if (row != null && row.Metrics.Count > 0)
                    {
                        Target($"{row.Scenario}, {variant}: zero 429 answers, nothing lost", row.Metrics["rate_limited_responses"] == 0 && row.Metrics["failures"] == 0 && row.Metrics["widgets_left"] == 0,
                            $"{row.Metrics["rate_limited_responses"]:0} answered 429; {row.Metrics["failures"]:0} failed of {row.Widgets:N0}");
                        Target($"{row.Scenario}, {variant}: within 1.10x of the pacing optimum", row.Metrics["x_pacing_optimum"] <= 1.10,
                            $"{row.Median:0.0} s vs {row.Metrics["pacing_optimum_s"]:0} s ({row.Widgets:N0} at the allowed rate) = {X(row.Metrics["x_pacing_optimum"])}");
                    }
                    else
                    {
                        Target($"rate limit, {variant}", null, "the scenario did not complete");
                    }
                }
                ResultRow? burnt = report.Results.FirstOrDefault(r => r.Scenario.StartsWith("rate limit", StringComparison.Ordinal) && r.Variant == RateBurntVariant);
                if (burnt != null && burnt.Metrics.Count > 0)
                {
                    bool afterBlock = burnt.Median >= burnt.Metrics["block_s"];
                    Target($"{burnt.Scenario}, quota burnt first: nothing lost, finished after the block", burnt.Metrics["failures"] == 0 && burnt.Metrics["widgets_left"] == 0 && afterBlock,
                        $"{burnt.Metrics["failures"]:0} failed of {burnt.Widgets:N0}, {burnt.Metrics["widgets_left"]:0} left; {burnt.Median:0.0} s against a {burnt.Metrics["block_s"]:0} s block "
                        + $"({burnt.Metrics["block_waits"]:0} block waits, {burnt.Metrics["rate_limited_responses"]:0} 429s to the engine); {X(burnt.Metrics["x_pacing_optimum"])} the block plus the pacing optimum");
                }
                else
                {
                    Target("rate limit, quota burnt first", null, "the scenario did not complete");
                }
            }

            JudgeIssue18Targets();
        }

        /// <summary>
        /// Issue 18's four performance targets, on CPU time (the client process's, which depends less on a busy machine
        /// than wall time does), apart from the SDK comparison, which is on wall time as a user sees it.
        /// </summary>
        private void JudgeIssue18Targets()
        {
            if (Wants("list"))
            {
                foreach (int widgets in options.Widgets)
                {
                    string n = widgets.ToString("N0", CultureInfo.InvariantCulture);
                    ResultRow? engine = Find("list", EngineVariant, widgets);
                    ResultRow? raw = Find("list", RawVariant, widgets);
                    string name = $"issue 18: list {n} CPU within 1.2x of the raw floor";
                    if (engine?.CpuMs != null && raw?.CpuMs != null)
                    {
                        double ratio = engine.CpuMs.Value / raw.CpuMs.Value;
                        Target(name, ratio <= 1.2, $"engine {Ms(engine.CpuMs)} vs raw {Ms(raw.CpuMs)} CPU = {X(ratio)} (wall {Ms(engine.Median)} vs {Ms(raw.Median)})");
                    }
                    else
                    {
                        Target(name, null, "a row is missing");
                    }
                }
            }
            if (Wants("bulk"))
            {
                ResultRow? engine = Find("bulk update+delete", EngineVariant);
                ResultRow? raw = Find("bulk update+delete", RawVariant);
                const string name = "issue 18: bulk CPU per request within 1.15x of raw";
                if (engine != null && raw != null)
                {
                    double e = engine.Metrics["cpu_per_request_us_median"];
                    double r = raw.Metrics["cpu_per_request_us_median"];
                    Target(name, e / r <= 1.15, $"engine {e:N1} us vs raw {r:N1} us CPU per request = {X(e / r)}");
                }
                else
                {
                    Target(name, null, "a row is missing");
                }
            }
            if (Wants("cold"))
            {
                ResultRow? engine = Find("cold start", EngineVariant);
                ResultRow? raw = Find("cold start", RawVariant);
                const string name = "issue 18: cold start within 1.4x of raw";
                if (engine != null && raw != null)
                {
                    double ratio = engine.Median!.Value / raw.Median!.Value;
                    Target(name, ratio <= 1.4, $"engine {Ms(engine.Median)} vs raw {Ms(raw.Median)} = {X(ratio)} (process start to exit)");
                }
                else
                {
                    Target(name, null, "a row is missing");
                }
            }
            if (Wants("memory"))
            {
                int small = options.MemorySizes[0];
                int large = options.MemorySizes[1];
                ResultRow? a = Find("memory (peak working set)", EngineVariant, small);
                ResultRow? b = Find("memory (peak working set)", EngineVariant, large);
                ResultRow? rawA = Find("memory (peak working set)", RawVariant, small);
                ResultRow? rawB = Find("memory (peak working set)", RawVariant, large);
                string name = $"issue 18: memory growth {small:N0} -> {large:N0} no worse than raw's";
                if (a != null && b != null && rawA != null && rawB != null)
                {
                    double engineGrowth = b.Median!.Value - a.Median!.Value;
                    double rawGrowth = rawB.Median!.Value - rawA.Median!.Value;
                    Target(name, engineGrowth <= rawGrowth, $"engine +{engineGrowth:0.0} MB vs raw +{rawGrowth:0.0} MB peak working set");
                }
                else
                {
                    Target(name, null, "a row is missing");
                }
            }
        }
    }
}
