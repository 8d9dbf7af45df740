using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>One emulator serving two accounts: each has its own widgets; the one token and the one key act on both.</summary>
    public sealed class MultiAccountTests : EmulatorTestBase
    {
        private const string Staging = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        private const string Prod = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

        protected override EmulatorOptions CreateOptions() => new() { AccountIds = new[] { Staging, Prod } };

        private static string Widgets(string account) => $"accounts/{account}/challenges/widgets";

        private Task<ApiAnswer> CreateInAsync(string account, string name) =>
            SendAsync(HttpMethod.Post, Widgets(account), $"{{\"name\":\"{name}\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}}");

        [Fact]
        public async Task Each_account_has_its_own_widgets()
        {
            ApiAnswer created = await CreateInAsync(Staging, "shop");
            Assert.Equal(HttpStatusCode.OK, created.Status);
            string sitekey = created.Result.GetProperty("sitekey").GetString()!;

            Assert.Equal(1, (await GetAsync(Widgets(Staging))).Body.GetProperty("result_info").GetProperty("total_count").GetInt32());
            Assert.Equal(0, (await GetAsync(Widgets(Prod))).Body.GetProperty("result_info").GetProperty("total_count").GetInt32());
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Widgets(Prod) + "/" + sitekey)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, Widgets(Prod) + "/" + sitekey)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(Widgets(Staging) + "/" + sitekey)).Status);
            Assert.Equal(1, Server.CountWidgets(Staging));
            Assert.Equal(0, Server.CountWidgets(Prod));
            Assert.Equal(1, Server.WidgetCount);
        }

        [Fact]
        public async Task The_key_acts_on_every_account_and_an_unserved_account_is_403()
        {
            using var http = Emulator.NewApiClient(withToken: false);
            http.DefaultRequestHeaders.Add("X-Auth-Email", Server.Email);
            http.DefaultRequestHeaders.Add("X-Auth-Key", Server.ApiKey);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, Widgets(Staging))).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, Widgets(Prod.ToUpperInvariant()))).Status);

            ApiAnswer other = await SendAsync(http, HttpMethod.Get, Widgets("cccccccccccccccccccccccccccccccc"));
            Assert.Equal(HttpStatusCode.Forbidden, other.Status);
            Assert.Equal(9109, other.ErrorCode);
        }

        [Fact]
        public async Task Stats_with_an_account_count_that_account_only()
        {
            await CreateInAsync(Staging, "a");
            await CreateInAsync(Prod, "b");
            await GetAsync(Widgets(Prod));

            JsonElement all = (await ControlAsync(HttpMethod.Get, "stats")).Body;
            JsonElement prod = (await ControlAsync(HttpMethod.Get, "stats?account_id=" + Prod)).Body;
            JsonElement staging = (await ControlAsync(HttpMethod.Get, "stats?account_id=" + Staging)).Body;
            Assert.Equal(3, all.GetProperty("total_requests").GetInt64());
            Assert.Equal(2, prod.GetProperty("total_requests").GetInt64());
            Assert.Equal(1, prod.GetProperty("create_requests").GetInt64());
            Assert.Equal(1, prod.GetProperty("list_requests").GetInt64());
            Assert.Equal(1, staging.GetProperty("create_requests").GetInt64());
            Assert.Equal(0, staging.GetProperty("list_requests").GetInt64());
            Assert.Equal(1, Server.StatsOf(Staging).CreateRequests);

            ApiAnswer unknown = await ControlAsync(HttpMethod.Get, "stats?account_id=cccccccccccccccccccccccccccccccc");
            Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        }

        [Fact]
        public async Task Seed_and_reset_take_an_optional_account()
        {
            ApiAnswer seeded = await ControlAsync(HttpMethod.Post, "seed", $"{{\"count\":5,\"account_id\":\"{Prod}\"}}");
            Assert.Equal(HttpStatusCode.OK, seeded.Status);
            Assert.Equal(5, seeded.Body.GetProperty("widget_count").GetInt32());
            await ControlAsync(HttpMethod.Post, "seed", "{\"count\":2}");
            Assert.Equal(2, Server.CountWidgets(Staging));
            Assert.Equal(5, Server.CountWidgets(Prod));

            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "reset", $"{{\"account_id\":\"{Prod}\"}}")).Status);
            Assert.Equal(2, Server.CountWidgets(Staging));
            Assert.Equal(0, Server.CountWidgets(Prod));

            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(HttpMethod.Post, "seed", "{\"count\":1,\"account_id\":\"nope\"}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "reset")).Status);
            Assert.Equal(0, Server.WidgetCount);
        }

        [Fact]
        public async Task Secrets_of_every_account_can_be_checked()
        {
            string secret = (await CreateInAsync(Prod, "p")).Result.GetProperty("secret").GetString()!;
            Assert.True(Server.IsSecretValid(secret));
        }

        [Fact]
        public async Task The_control_index_lists_every_account()
        {
            JsonElement info = (await ControlAsync(HttpMethod.Get, "")).Body;
            Assert.Equal(Staging, info.GetProperty("account_id").GetString());
            Assert.Equal(new[] { Staging, Prod }, info.GetProperty("account_ids").EnumerateArray().Select(e => e.GetString()).ToArray());
        }
    }

    public sealed class MultiAccountOptionTests
    {
        [Fact]
        public void Account_id_may_be_given_more_than_once()
        {
            EmulatorOptions options = Program.ParseArguments(new[] { "--account-id", new string('a', 32), "--account-id=" + new string('b', 32) })!;
            Assert.Equal(new[] { new string('a', 32), new string('b', 32) }, options.AccountIds);
            Assert.Equal(new string('a', 32), options.AccountId);
            Assert.Contains("give it again", Program.Usage, StringComparison.Ordinal);
        }

        [Fact]
        public async Task The_same_account_twice_or_a_bad_one_refuses_to_start()
        {
            await Assert.ThrowsAsync<EmulatorStartupException>(() =>
                InProcessEmulator.StartAsync(new EmulatorOptions { AccountIds = new[] { new string('a', 32), new string('A', 32) } }));
            await Assert.ThrowsAsync<EmulatorStartupException>(() =>
                InProcessEmulator.StartAsync(new EmulatorOptions { AccountIds = new[] { new string('a', 32), "short" } }));
        }

        [Fact]
        public async Task Each_account_keeps_its_state_in_its_own_file()
        {
            string directory = Directory.CreateTempSubdirectory("turnstile-accounts-").FullName;
            try
            {
                string data = Path.Combine(directory, "state.json");
                var options = new EmulatorOptions { AccountIds = new[] { new string('a', 32), new string('b', 32) }, DataFile = data };
                await using (InProcessEmulator first = await InProcessEmulator.StartAsync(options))
                {
                    await first.SeedWidgetsAsync(3, "s-", new string('b', 32));
                }

                Assert.True(File.Exists(Path.Combine(directory, "state." + new string('b', 32) + ".json")));
                await using InProcessEmulator second = await InProcessEmulator.StartAsync(options);
                Assert.Equal(3, second.Server.CountWidgets(new string('b', 32)));
                Assert.Equal(0, second.Server.CountWidgets(new string('a', 32)));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
