using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>The emulator as its own process, started and stopped by the one launcher everything else uses.</summary>
    public sealed class ProcessTests
    {
        [Fact]
        public async Task Started_as_a_process_it_prints_the_ready_line_serves_and_stops_on_sigterm()
        {
            using EmulatorProcess emulator = await EmulatorProcess.StartAsync(EmulatorCommandLine.ProcessOptions("--api-token", "process-token"));
            string printed = string.Join("\n", emulator.StartupOutput);

            Assert.StartsWith("TurnstileWidgets emulator listening on ", emulator.StartupOutput[^1], StringComparison.Ordinal);
            Assert.EndsWith($"http://127.0.0.1:{emulator.Port}/client/v4", emulator.StartupOutput[^1], StringComparison.Ordinal);
            Assert.Equal(new Uri($"http://127.0.0.1:{emulator.Port}/client/v4/"), emulator.BaseUri);
            Assert.Equal(new Uri($"http://127.0.0.1:{emulator.Port}/__emulator/"), emulator.ControlUri);
            // A chosen token may be a real one pasted by mistake: never echoed. The documented default key is.
            Assert.DoesNotContain("process-token", printed, StringComparison.Ordinal);
            Assert.Contains("(the value given with --api-token)", printed, StringComparison.Ordinal);
            Assert.Contains(new EmulatorOptions().ApiKey, printed, StringComparison.Ordinal);
            Assert.Contains(EmulatorOptions.DefaultAccountId, printed, StringComparison.Ordinal);
            Assert.Single(emulator.StartupOutput, line => line.Contains("/client/v4", StringComparison.Ordinal));

            using var http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "process-token");
            HttpResponseMessage response = await http.GetAsync($"accounts/{EmulatorOptions.DefaultAccountId}/challenges/widgets");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // The launcher stops with SIGTERM: the emulator shuts down cleanly and exits 0.
            emulator.Stop();
            Assert.True(emulator.HasExited);
            Assert.Equal(0, emulator.ExitCode);
            emulator.Stop();
        }

        [Fact]
        public async Task The_launcher_starts_it_with_its_credentials_and_seeds_counts_and_resets_through_the_control_endpoints()
        {
            EmulatorProcessOptions options = EmulatorCommandLine.ProcessOptions();
            options.ApiToken = "launcher-token-" + Guid.NewGuid().ToString("N");
            options.AccountId = new string('c', 32);
            using EmulatorProcess emulator = await EmulatorProcess.StartAsync(options);

            Assert.Equal(options.ApiToken, emulator.ApiToken);
            Assert.Equal(options.AccountId, emulator.AccountId);
            Assert.Equal($"accounts/{options.AccountId}/challenges/widgets", emulator.WidgetsPath);
            Assert.Equal(1_001, await emulator.SeedWidgetsAsync(1_001, "launched-"));
            using (HttpClient http = emulator.NewApiClient())
            {
                using HttpResponseMessage page = await http.GetAsync(emulator.WidgetsPath + "?per_page=1000&page=2");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("\"total_count\":1001", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (HttpClient anonymous = emulator.NewApiClient(withToken: false))
            {
                using HttpResponseMessage refused = await anonymous.GetAsync(emulator.WidgetsPath);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }

            EmulatorStatsReading stats = await emulator.GetStatsAsync();
            Assert.Equal(2, stats.TotalRequests);
            Assert.Equal(2, stats.ListRequests);
            // One account: its own counters saw what the whole emulator saw.
            Assert.Equal(2, (await emulator.GetStatsAsync(options.AccountId)).ListRequests);

            await emulator.ResetAsync();
            Assert.Equal(0, (await emulator.GetStatsAsync()).TotalRequests);
            Assert.Equal(3, await emulator.SeedWidgetsAsync(3));
        }

        [Fact]
        public void Told_no_credentials_the_launcher_says_how_to_tell_it()
        {
            using EmulatorProcess emulator = EmulatorProcess.Start(EmulatorCommandLine.ProcessOptions("--api-token", "in-the-arguments"));

            var error = Assert.Throws<InvalidOperationException>(() => emulator.ApiToken);
            Assert.Contains("EmulatorProcessOptions.ApiToken", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("in-the-arguments", error.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => emulator.AccountId);
        }

        [Fact]
        public async Task In_process_the_launcher_refuses_a_fixed_port_and_shares_the_control_path()
        {
            await Assert.ThrowsAsync<ArgumentException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { Port = 8787 }));

            await using InProcessEmulator emulator = await InProcessEmulator.StartAsync();
            Assert.Equal(emulator.Server.BaseUri, emulator.BaseUri);
            Assert.Equal(emulator.Server.ControlUri, emulator.ControlUri);
            Assert.Equal(emulator.Server.ApiToken, emulator.ApiToken);
            Assert.Equal(5, await emulator.SeedWidgetsAsync(5, "in-process-"));
            Assert.Equal(5, emulator.Server.WidgetCount);
            Assert.Equal(0, (await emulator.GetStatsAsync()).TotalRequests);
        }

        [Fact]
        public async Task Bad_command_line_exits_2_with_a_message_and_the_launcher_says_so_without_the_secret()
        {
            // The launcher's own --port 0 comes first; the later --port wins and is refused.
            EmulatorProcessOptions options = EmulatorCommandLine.ProcessOptions("--port", "not-a-port-secret");
            options.Secrets.Add("not-a-port-secret");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorProcess.StartAsync(options));
            Assert.Contains("exited with code 2 before it printed its address", error.Message, StringComparison.Ordinal);
            Assert.Contains("--port needs a whole number", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-a-port-secret", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task An_emulator_that_is_not_built_is_named_with_the_command_that_builds_it()
        {
            string missing = Path.Combine(AppContext.BaseDirectory, "no-such-folder", "TurnstileWidgets.Emulator.dll");
            var error = await Assert.ThrowsAsync<FileNotFoundException>(() => EmulatorProcess.StartAsync(new EmulatorProcessOptions { EmulatorPath = missing }));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Contains("dotnet build src/TurnstileWidgets.Emulator -c Release", error.Message, StringComparison.Ordinal);
        }

        /// <summary>
        /// Every out-of-range value is a bad command line (exit 2, as README and --help say), not "could not start" (3):
        /// before, only --max-domains and the rate-limit options were checked while parsing, the rest when starting.
        /// </summary>
        [Theory]
        [InlineData("--port", "65536")]
        [InlineData("--port", "-1")]
        [InlineData("--latency-ms", "-1")]
        [InlineData("--error-rate", "1.5")]
        [InlineData("--drop-rate", "-0.1")]
        [InlineData("--account-id", "xyz")]
        [InlineData("--api-token", " ")]
        public async Task An_out_of_range_value_of_any_option_exits_2(string option, string value)
        {
            (int exitCode, string[] errors) = await EmulatorCommandLine.RunToExitAsync(option, value);
            Assert.Equal(2, exitCode);
            Assert.StartsWith("error: ", errors[0], StringComparison.Ordinal);
            Assert.Equal("Run with --help for usage.", errors[^1]);
        }

        /// <summary>
        /// Ctrl+C or SIGTERM while the emulator is still starting stops it: before, the handler that waits for a
        /// running emulator swallowed the signal, so one stuck reading its --data file (a named pipe nobody writes) could
        /// only be killed with SIGKILL.
        /// </summary>
        [Fact]
        public async Task Sigterm_while_starting_stops_the_process()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            string folder = Directory.CreateTempSubdirectory("tw-emulator-").FullName;
            string pipe = Path.Combine(folder, "state.json");
            using (Process mkfifo = Process.Start("mkfifo", new[] { pipe }))
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            using Process process = EmulatorCommandLine.Launch("--port", "0", "--data", pipe);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                // A shell opens the named pipe for writing, which returns once the emulator has opened it for reading (it
                // is then inside its start-up, waiting for state that never comes), and sends SIGTERM while holding it.
                // Not a .NET FileStream: that takes an advisory lock, which races the emulator's own lock on its file.
                string pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using (Process signal = Process.Start("sh", new[] { "-c", "exec 3>\"$1\"; kill -TERM \"$2\"", "sh", pipe, pid }))
                {
                    await signal.WaitForExitAsync(timeout.Token);
                    Assert.Equal(0, signal.ExitCode);
                }

                await process.WaitForExitAsync(timeout.Token);
                Assert.NotEqual(0, process.ExitCode);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void Command_line_parses_every_option()
        {
            EmulatorOptions? options = Program.ParseArguments(new[]
            {
                "--port", "8123", "--api-token", "t", "--account-id", "ffffffffffffffffffffffffffffffff", "--email", "e@x.test",
                "--api-key", "k", "--data", "state.json", "--rate-limit", "1200/300", "--latency-ms", "50", "--error-rate", "0.1",
                "--drop-rate=0.05", "--seed", "3",
            });

            Assert.NotNull(options);
            Assert.Equal(8123, options.Port);
            Assert.Equal("t", options.ApiToken);
            Assert.Equal("ffffffffffffffffffffffffffffffff", options.AccountId);
            Assert.Equal("e@x.test", options.Email);
            Assert.Equal("k", options.ApiKey);
            Assert.Equal("state.json", options.DataFile);
            Assert.Equal("1200/300", options.RateLimit);
            Assert.Equal(50, options.LatencyMs);
            Assert.Equal(0.1, options.ErrorRate);
            Assert.Equal(0.05, options.DropRate);
            Assert.Equal(3, options.Seed);
            Assert.Null(Program.ParseArguments(new[] { "--help" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--rate-limit", "lots" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--frobnicate" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--port" }));
        }

        [Fact]
        public async Task Corrupt_state_file_makes_the_process_exit_non_zero()
        {
            string folder = Directory.CreateTempSubdirectory("tw-emulator-").FullName;
            try
            {
                string file = Path.Combine(folder, "state.json");
                File.WriteAllText(file, "garbage");
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorProcess.StartAsync(EmulatorCommandLine.ProcessOptions("--data", file)));
                Assert.Contains("exited with code 3 before it printed its address", error.Message, StringComparison.Ordinal);
                Assert.Contains(file, error.Message, StringComparison.Ordinal);
                Assert.Equal("garbage", File.ReadAllText(file));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
