using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// The emulator as a separate process on a free loopback port, so its CPU time and its widget store never
    /// mix with the measured client's. Talks to it only through its command line and its /__emulator endpoints.
    /// </summary>
    internal sealed class EmulatorProcess : IAsyncDisposable
    {
        internal const string AccountId = "0123456789abcdef0123456789abcdef";

        private readonly TestSupport.EmulatorProcess process;
        private readonly HttpClient control;

        private EmulatorProcess(TestSupport.EmulatorProcess process, string apiToken)
        {
            this.process = process;
            BaseUri = process.BaseUri;
            ApiToken = apiToken;
            ControlUri = process.ControlUri;
            // Control calls are not counted by the emulator's stats; a plain client is enough.
            control = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        }

        /// <summary>http://127.0.0.1:port/client/v4/</summary>
        public Uri BaseUri { get; }
        public Uri ControlUri { get; }
        /// <summary>A fresh fake token per emulator, so nothing reuses a real one. Never printed.</summary>
        public string ApiToken { get; }
        public int WidgetCount { get; private set; }

        public static async Task<EmulatorProcess> StartAsync(string emulatorDll, string? rateLimit = null, int? rateLimitBlockSeconds = null)
        {
            string apiToken = "bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var options = new TestSupport.EmulatorProcessOptions { EmulatorPath = emulatorDll };
            options.Arguments.Add("--api-token");
            options.Arguments.Add(apiToken);
            options.Arguments.Add("--account-id");
            options.Arguments.Add(AccountId);
            if (rateLimit != null)
            {
                options.Arguments.Add("--rate-limit");
                options.Arguments.Add(rateLimit);
            }
            if (rateLimitBlockSeconds is int block)
            {
                options.Arguments.Add("--rate-limit-block");
                options.Arguments.Add(block.ToString(CultureInfo.InvariantCulture));
            }
            options.Secrets.Add(apiToken);
            // The emulator's own logging stays quiet so it spends no CPU on console output during a measurement.
            options.Environment["Logging__LogLevel__Default"] = "Warning";
            options.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            TestSupport.EmulatorProcess process = await TestSupport.EmulatorProcess.StartAsync(options).ConfigureAwait(false);
            return new EmulatorProcess(process, apiToken);
        }

        /// <summary>Adds widgets until the emulator holds <paramref name="count"/>.</summary>
        public async Task SeedToAsync(int count)
        {
            if (count <= WidgetCount)
            {
                return;
            }
            int add = count - WidgetCount;
            using JsonDocument answer = await PostAsync("seed", $"{{\"count\":{add},\"name_prefix\":\"bench-\"}}").ConfigureAwait(false);
            WidgetCount = answer.RootElement.GetProperty("widget_count").GetInt32();
            if (WidgetCount != count)
            {
                throw new InvalidOperationException($"seeding the emulator gave {WidgetCount} widgets, not {count}.");
            }
        }

        /// <summary>
        /// Exercises the emulator's list, get and update routes for <paramref name="duration"/>, so its own JIT has tiered
        /// up before the first measurement (otherwise whichever client is measured first pays for the server's warm-up).
        /// </summary>
        public async Task WarmUpAsync(TimeSpan duration)
        {
            using var api = new RawApi(BaseUri, ApiToken, AccountId);
            var body = new RawWidgetRequest { Name = "bench-warm-up", Domains = { "example.com" }, Mode = "managed" };
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < duration)
            {
                string? first = null;
                await foreach (RawWidget widget in api.ListAsync(1000).ConfigureAwait(false))
                {
                    first ??= widget.Sitekey;
                }
                if (first == null)
                {
                    return;
                }
                for (int i = 0; i < 20; i++)
                {
                    await api.GetAsync(first).ConfigureAwait(false);
                    await api.UpdateAsync(first, body).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Empties the store, the counters and the faults (back to the command line's).</summary>
        public async Task ResetAsync()
        {
            (await PostAsync("reset", "{}").ConfigureAwait(false)).Dispose();
            WidgetCount = 0;
        }

        /// <summary>Sets the rate limit at run time; null turns it off. A new rule starts a fresh window.</summary>
        public async Task SetRateLimitAsync(string? rateLimit)
        {
            string body = rateLimit == null ? "{\"rate_limit\":null}" : $"{{\"rate_limit\":\"{rateLimit}\"}}";
            (await PostAsync("faults", body).ConfigureAwait(false)).Dispose();
        }

        public async Task<EmulatorStatsSnapshot> StatsAsync()
        {
            using HttpResponseMessage response = await control.GetAsync(new Uri(ControlUri, "stats")).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            JsonElement root = document.RootElement;
            return new EmulatorStatsSnapshot(
                root.GetProperty("total_requests").GetInt64(),
                root.GetProperty("rate_limited_responses").GetInt64(),
                root.TryGetProperty("delete_requests", out JsonElement deletes) ? deletes.GetInt64() : 0);
        }

        /// <summary>Records that the widgets were removed by a scenario (deletes).</summary>
        public void Removed(int count) => WidgetCount -= count;

        private async Task<JsonDocument> PostAsync(string endpoint, string json)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await control.PostAsync(new Uri(ControlUri, endpoint), content).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /__emulator/{endpoint} answered {(int)response.StatusCode}: {text}");
            }
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }

        public ValueTask DisposeAsync()
        {
            control.Dispose();
            // SIGTERM lets the emulator stop cleanly (a kill after 10 s); our own child, addressed by its id.
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    internal readonly record struct EmulatorStatsSnapshot(long TotalRequests, long RateLimitedResponses, long DeleteRequests);
}
