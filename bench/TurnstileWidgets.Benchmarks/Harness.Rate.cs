using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Benchmarks
{
    internal sealed partial class Harness
    {
        internal const string RateAloneVariant = "engine, 1 client";
        internal const string RateParallelVariant = "engine, 3 parallel clients, one credential";
        internal const string RateBurntVariant = "engine, after another client burnt the quota";

        /// <summary>
        /// The rate limit as Cloudflare enforces it: a per-credential window with Ratelimit headers, and a block after the
        /// first refusal. Each row gets its own emulator process and token, so each starts with a fresh, unshared budget.
        /// </summary>
        private async Task RateLimitScenarioAsync()
        {
            await RateRowAsync(RateAloneVariant, clients: 1, burnFirst: false).ConfigureAwait(false);
            await RateRowAsync(RateParallelVariant, clients: 3, burnFirst: false).ConfigureAwait(false);
            await RateRowAsync(RateBurntVariant, clients: 1, burnFirst: true).ConfigureAwait(false);
        }

        private async Task RateRowAsync(string variant, int clients, bool burnFirst)
        {
            string limit = options.RateLimit;
            int ops = options.RateOps;
            int block = options.RateBlockSeconds;
            await using EmulatorProcess emulator = await EmulatorProcess.StartAsync(emulatorDll, limit, block).ConfigureAwait(false);
            // Setup traffic (seed, the listing of sitekeys) must not spend the window being measured: lift the limit
            // for it, then set the same rule again, which starts every budget afresh (the block setting stays).
            await emulator.SetRateLimitAsync(null).ConfigureAwait(false);
            await emulator.SeedToAsync(ops).ConfigureAwait(false);
            var sitekeys = new List<string>(ops);
            using (var setup = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId))
            {
                await foreach (RawWidget widget in setup.ListAsync(PerPage).ConfigureAwait(false))
                {
                    sitekeys.Add(widget.Sitekey!);
                }
            }
            await emulator.SetRateLimitAsync(limit).ConfigureAwait(false);

            EmulatorStatsSnapshot before = await emulator.StatsAsync().ConfigureAwait(false);
            var stopwatch = Stopwatch.StartNew();
            int burnt = 0;
            if (burnFirst)
            {
                burnt = await BurnQuotaAsync(emulator).ConfigureAwait(false);
            }
            EmulatorStatsSnapshot afterBurn = await emulator.StatsAsync().ConfigureAwait(false);
            Progress($"rate limit {limit}, block {block} s, {variant}: deleting {ops:N0} widgets (paced: about {ops * (double)options.RateLimitSeconds / options.RateLimitRequests + (burnFirst ? block : 0):N0} s)");

            var counter = new CountingHandler();
            var observer = new RateWaitCounter();
            int failures = 0;
            string? firstFailure = null;
            var clientList = Enumerable.Range(0, clients)
                .Select(_ => EngineFactory.Create(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId, counter, new RetryOptions()))
                .ToList();
            var engineClock = Stopwatch.StartNew();
            try
            {
                await Task.WhenAll(clientList.Select((client, index) => Task.Run(async () =>
                {
                    using (client.Observe(observer))
                    {
                        for (int k = index; k < sitekeys.Count; k += clients)
                        {
                            try
                            {
                                Widget deleted = await client.DeleteWidgetAsync(sitekeys[k]).ConfigureAwait(false);
                                if (deleted.Sitekey != sitekeys[k])
                                {
                                    Interlocked.Increment(ref failures);
                                    firstFailure ??= $"DELETE {sitekeys[k]} answered with another widget";
                                }
                            }
                            catch (TurnstileException ex)
                            {
                                Interlocked.Increment(ref failures);
                                firstFailure ??= ex.Message;
                            }
                        }
                    }
                }))).ConfigureAwait(false);
            }
            finally
            {
                clientList.ForEach(c => c.Dispose());
            }
            double engineSeconds = engineClock.Elapsed.TotalSeconds;
            double seconds = stopwatch.Elapsed.TotalSeconds;
            EmulatorStatsSnapshot after = await emulator.StatsAsync().ConfigureAwait(false);
            await emulator.SetRateLimitAsync(null).ConfigureAwait(false);
            int left = 0;
            using (var check = new RawApi(emulator.BaseUri, emulator.ApiToken, EmulatorProcess.AccountId))
            {
                await foreach (RawWidget _ in check.ListAsync(PerPage).ConfigureAwait(false))
                {
                    left++;
                }
            }

            double perSecond = (double)options.RateLimitRequests / options.RateLimitSeconds;
            // Pacing spreads each window's quota over the window, so the best a paced run can do is the allowed rate
            // sustained: ops / (q / w). Bursting could finish sooner (when window ceil(ops/q) opens) by spending each
            // window at once, which is exactly what leaves nothing for other tools on the same token.
            double pacingOptimum = ops / perSecond + (burnFirst ? block : 0);
            double fixedWindowOptimum = (Math.Ceiling((double)ops / options.RateLimitRequests) - 1) * options.RateLimitSeconds;
            long engine429 = after.RateLimitedResponses - afterBurn.RateLimitedResponses;
            bool ok = failures == 0 && left == 0;
            var row = new ResultRow
            {
                Scenario = $"rate limit {limit}, block {block} s",
                Variant = variant,
                Widgets = ops,
                Unit = "s",
                Values = { seconds },
                Requests = after.TotalRequests - afterBurn.TotalRequests,
                BytesRead = counter.BytesRead,
                Status = ok ? "ok" : "error",
                Note = ok
                    ? $"{ops:N0} DELETE, 0 lost; {engine429} answered 429 to the engine{(burnFirst ? $" (after {burnt} raw requests burnt the quota and started the block)" : "")}; "
                      + $"{observer.PacingWaits:N0} pacing waits ({observer.PacingWaited.TotalSeconds:0.0} s), {observer.BlockWaits} block waits ({observer.BlockWaited.TotalSeconds:0.0} s); "
                      + $"{seconds / pacingOptimum:0.00}x the pacing optimum ({pacingOptimum:0} s); bursting's fixed-window optimum {fixedWindowOptimum + (burnFirst ? block : 0):0} s"
                    : $"{failures} of {ops} deletes failed, {left} widgets left; first failure: {firstFailure}",
            };
            row.Metrics["failures"] = failures;
            row.Metrics["widgets_left"] = left;
            row.Metrics["rate_limited_responses"] = engine429;
            row.Metrics["burn_requests"] = burnt;
            row.Metrics["clients"] = clients;
            row.Metrics["pacing_waits"] = observer.PacingWaits;
            row.Metrics["pacing_wait_s"] = observer.PacingWaited.TotalSeconds;
            row.Metrics["block_waits"] = observer.BlockWaits;
            row.Metrics["block_wait_s"] = observer.BlockWaited.TotalSeconds;
            row.Metrics["block_s"] = block;
            row.Metrics["engine_s"] = engineSeconds;
            row.Metrics["pacing_optimum_s"] = pacingOptimum;
            row.Metrics["x_pacing_optimum"] = seconds / pacingOptimum;
            row.Metrics["fixed_window_optimum_s"] = fixedWindowOptimum;
            Add(row);
        }

        /// <summary>Another tool on the same token: raw requests until the first 429, which starts the block.</summary>
        private async Task<int> BurnQuotaAsync(EmulatorProcess emulator)
        {
            using var raw = new HttpClient { BaseAddress = emulator.BaseUri };
            raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.ApiToken);
            string path = $"accounts/{EmulatorProcess.AccountId}/challenges/widgets?per_page=5";
            for (int sent = 1; sent <= options.RateLimitRequests + 1; sent++)
            {
                using HttpResponseMessage response = await raw.GetAsync(path).ConfigureAwait(false);
                if ((int)response.StatusCode == 429)
                {
                    return sent;
                }
            }
            throw new InvalidOperationException($"the emulator did not refuse a request after {options.RateLimitRequests + 1} of them; is --rate-limit set?");
        }

        /// <summary>Counts the engine's rate-limit waits by kind, through the observer contract the cmdlets use.</summary>
        private sealed class RateWaitCounter : IRateLimitObserver
        {
            private long pacingWaits;
            private long pacingTicks;
            private long blockWaits;
            private long blockTicks;

            public long PacingWaits => Interlocked.Read(ref pacingWaits);
            public TimeSpan PacingWaited => TimeSpan.FromTicks(Interlocked.Read(ref pacingTicks));
            public long BlockWaits => Interlocked.Read(ref blockWaits);
            public TimeSpan BlockWaited => TimeSpan.FromTicks(Interlocked.Read(ref blockTicks));

            public void RequestCompleted(RequestRecord record)
            {
            }

            public void RetryScheduled(RetryNotice notice)
            {
            }

            public void RateLimitWaitStarted(RateLimitWait wait)
            {
                if (wait.Kind == RateLimitWaitKind.Block)
                {
                    Interlocked.Increment(ref blockWaits);
                    Interlocked.Add(ref blockTicks, wait.Delay.Ticks);
                }
                else
                {
                    Interlocked.Increment(ref pacingWaits);
                    Interlocked.Add(ref pacingTicks, wait.Delay.Ticks);
                }
            }

            public void RateLimitWaitEnded(RateLimitWait wait)
            {
            }
        }
    }
}
