using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class ProcessTests
    {
        [Fact]
        public async Task Started_as_a_process_it_prints_the_ready_line_serves_and_stops_on_sigterm()
        {
            using Process process = EmulatorProcess.Launch("--port", "0", "--api-token", "process-token");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                string? baseUrl = null;
                string printed = "";
                while (baseUrl is null)
                {
                    string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                    if (line is null)
                    {
                        Assert.Fail("The emulator exited before it was ready: " + printed + await process.StandardError.ReadToEndAsync());
                    }

                    printed += line + "\n";
                    Match match = EmulatorProcess.ReadyLine.Match(line!);
                    if (match.Success)
                    {
                        Assert.StartsWith("TurnstileWidgets emulator listening on ", line, StringComparison.Ordinal);
                        baseUrl = match.Value;
                    }
                }

                // A chosen token may be a real one pasted by mistake: never echoed. The documented default key is.
                Assert.DoesNotContain("process-token", printed, StringComparison.Ordinal);
                Assert.Contains("(the value given with --api-token)", printed, StringComparison.Ordinal);
                Assert.Contains(new EmulatorOptions().ApiKey, printed, StringComparison.Ordinal);
                Assert.Contains(EmulatorOptions.DefaultAccountId, printed, StringComparison.Ordinal);
                Assert.Single(EmulatorProcess.ReadyLine.Matches(printed));

                using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "process-token");
                HttpResponseMessage response = await http.GetAsync($"{baseUrl}/accounts/{EmulatorOptions.DefaultAccountId}/challenges/widgets", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);

                using (Process kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
                {
                    await kill.WaitForExitAsync(timeout.Token);
                }

                await process.WaitForExitAsync(timeout.Token);
                Assert.Equal(0, process.ExitCode);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }

        [Fact]
        public async Task Bad_command_line_exits_2_with_a_message()
        {
            using Process process = EmulatorProcess.Launch("--port", "many");
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(2, process.ExitCode);
            Assert.Contains("--port", error, StringComparison.Ordinal);
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
                using Process process = EmulatorProcess.Launch("--data", file);
                string error = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.Equal(3, process.ExitCode);
                Assert.Contains(file, error, StringComparison.Ordinal);
                Assert.Equal("garbage", File.ReadAllText(file));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
