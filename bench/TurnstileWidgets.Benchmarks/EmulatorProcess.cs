using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// The emulator as a separate process on a free loopback port, so its CPU time and its widget store never
    /// mix with the measured client's. Talks to it only through its command line and its /__emulator endpoints.
    /// </summary>
    internal sealed partial class EmulatorProcess : IAsyncDisposable
    {
        internal const string AccountId = "0123456789abcdef0123456789abcdef";

        private readonly Process process;
        private readonly HttpClient control;

        private EmulatorProcess(Process process, Uri baseUri, string apiToken)
        {
            this.process = process;
            BaseUri = baseUri;
            ApiToken = apiToken;
            ControlUri = new Uri(baseUri, "../../__emulator/");
            // Control calls are not counted by the emulator's stats; a plain client is enough.
            control = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        }

        /// <summary>http://127.0.0.1:port/client/v4/</summary>
        public Uri BaseUri { get; }
        public Uri ControlUri { get; }
        /// <summary>A fresh fake token per emulator, so nothing reuses a real one. Never printed.</summary>
        public string ApiToken { get; }
        public int WidgetCount { get; private set; }

        [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)/client/v4")]
        private static partial Regex ReadyLine();

        public static async Task<EmulatorProcess> StartAsync(string emulatorDll, string? rateLimit = null, int? rateLimitBlockSeconds = null)
        {
            string apiToken = "bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(emulatorDll);
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add("0");
            start.ArgumentList.Add("--api-token");
            start.ArgumentList.Add(apiToken);
            start.ArgumentList.Add("--account-id");
            start.ArgumentList.Add(AccountId);
            if (rateLimit != null)
            {
                start.ArgumentList.Add("--rate-limit");
                start.ArgumentList.Add(rateLimit);
            }
            if (rateLimitBlockSeconds is int block)
            {
                start.ArgumentList.Add("--rate-limit-block");
                start.ArgumentList.Add(block.ToString(CultureInfo.InvariantCulture));
            }
            // The emulator's own logging stays quiet so it spends no CPU on console output during a measurement.
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

            Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the emulator process.");
            var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    ready.TrySetException(new InvalidOperationException("the emulator closed its output before it was ready."));
                    return;
                }
                Match match = ReadyLine().Match(e.Data);
                if (match.Success)
                {
                    ready.TrySetResult(new Uri(match.Value + "/"));
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (stderr)
                    {
                        stderr.AppendLine(e.Data);
                    }
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            Task finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
            if (finished != ready.Task || !ready.Task.IsCompletedSuccessfully)
            {
                string why;
                lock (stderr)
                {
                    why = stderr.ToString().Replace(apiToken, "***", StringComparison.Ordinal).Trim();
                }
                string what;
                if (process.HasExited)
                {
                    what = $"exited with code {process.ExitCode} before it was ready";
                }
                else
                {
                    process.Kill();
                    what = "did not print its listening line within 60 s";
                }
                throw new InvalidOperationException(
                    $"the emulator ({emulatorDll}) {what}{(why.Length > 0 ? ": " + Processes.Tail(why, 3) : ".")} Build it with `dotnet build src/TurnstileWidgets.Emulator -c Release`, or give --emulator-dll.");
            }
            return new EmulatorProcess(process, ready.Task.Result, apiToken);
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

        public async ValueTask DisposeAsync()
        {
            control.Dispose();
            if (!process.HasExited)
            {
                // SIGTERM lets the emulator stop cleanly; this is our own child, addressed by its id.
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    _ = Kill(process.Id, 15);
                }
                else
                {
                    process.Kill();
                }
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            process.Dispose();
        }

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }

    internal readonly record struct EmulatorStatsSnapshot(long TotalRequests, long RateLimitedResponses, long DeleteRequests);
}
