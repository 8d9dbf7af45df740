using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// --max-domains (issue 17): the domain limit is the account plan's (Free 15, Enterprise up to 200), so the emulator
    /// takes it as an option, defaults to the OpenAPI spec's 10, and refuses more with the API's envelope naming the limit.
    /// </summary>
    public sealed class MaxDomainsTests
    {
        private static string Domains(int count) =>
            "[" + string.Join(",", Enumerable.Range(1, count).Select(i => $"\"host{i}.example.com\"")) + "]";

        private static string Body(int count) => $"{{\"name\":\"plan\",\"mode\":\"managed\",\"domains\":{Domains(count)}}}";

        [Theory]
        [InlineData(null, 10)]
        [InlineData(15, 15)]
        [InlineData(200, 200)]
        public async Task Creates_and_updates_up_to_the_limit_and_refuses_one_more_naming_it(int? maxDomains, int limit)
        {
            var options = new EmulatorOptions();
            if (maxDomains is int max)
            {
                options.MaxDomains = max;
            }

            await using InProcessEmulator server = await InProcessEmulator.StartAsync(options);
            using HttpClient http = server.NewApiClient();
            string widgets = $"accounts/{server.AccountId}/challenges/widgets";

            ApiAnswer created = await EmulatorTestBase.SendAsync(http, HttpMethod.Post, widgets, Body(limit));
            Assert.Equal(HttpStatusCode.OK, created.Status);
            Assert.Equal(limit, created.Result.GetProperty("domains").GetArrayLength());
            string sitekey = created.Result.GetProperty("sitekey").GetString()!;

            foreach (ApiAnswer refused in new[]
            {
                await EmulatorTestBase.SendAsync(http, HttpMethod.Post, widgets, Body(limit + 1)),
                await EmulatorTestBase.SendAsync(http, HttpMethod.Put, widgets + "/" + sitekey, Body(limit + 1)),
            })
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
                Assert.False(refused.Body.GetProperty("success").GetBoolean());
                Assert.Equal(10001, refused.ErrorCode);
                Assert.Contains($"must hold 1 to {limit} entries, not {limit + 1}", refused.ErrorMessage, StringComparison.Ordinal);
                Assert.Contains($"at most {limit} domains per widget", refused.ErrorMessage, StringComparison.Ordinal);
            }

            Assert.Equal(1, server.Server.WidgetCount);
            ApiAnswer info = await EmulatorTestBase.SendAsync(http, HttpMethod.Get, server.ControlUri.ToString());
            Assert.Equal(limit, info.Body.GetProperty("max_domains").GetInt32());
        }

        [Fact]
        public async Task A_state_file_written_under_a_larger_limit_still_loads_under_a_smaller_one()
        {
            string folder = Directory.CreateTempSubdirectory("tw-emulator-").FullName;
            try
            {
                string file = Path.Combine(folder, "state.json");
                await using (InProcessEmulator enterprise = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = file, MaxDomains = 20 }))
                {
                    using HttpClient http = enterprise.NewApiClient();
                    Assert.Equal(HttpStatusCode.OK, (await EmulatorTestBase.SendAsync(http, HttpMethod.Post, $"accounts/{enterprise.AccountId}/challenges/widgets", Body(20))).Status);
                }

                // What the API already holds stays; only new writes meet the smaller limit (as after a plan downgrade).
                await using InProcessEmulator free = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = file });
                Assert.Equal(1, free.Server.WidgetCount);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Theory]
        [InlineData("0")]
        [InlineData("1001")]
        [InlineData("-5")]
        [InlineData("many")]
        public async Task An_out_of_range_value_is_a_bad_command_line(string value)
        {
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--max-domains", value }));
            (int exitCode, string[] errors) = await EmulatorCommandLine.RunToExitAsync("--max-domains", value);
            Assert.Equal(2, exitCode);
            Assert.Contains("--max-domains", errors[0], StringComparison.Ordinal);
        }

        [Fact]
        public async Task Started_in_process_with_an_out_of_range_value_it_refuses_to_start()
        {
            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { MaxDomains = 0 }));
            Assert.Contains("1 to 1000", refused.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_command_line_takes_it_and_help_documents_it()
        {
            Assert.Equal(15, Program.ParseArguments(new[] { "--max-domains", "15" })!.MaxDomains);
            Assert.Equal(200, Program.ParseArguments(new[] { "--max-domains=200" })!.MaxDomains);
            Assert.Equal(EmulatorOptions.DefaultMaxDomains, Program.ParseArguments(Array.Empty<string>())!.MaxDomains);
            Assert.Contains("--max-domains <n>", Program.Usage, StringComparison.Ordinal);
        }
    }
}
