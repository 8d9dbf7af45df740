using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// How many rate-limit budgets the emulator holds (issue 16: one per distinct Authorization value, forever, took it
    /// from 57 to over 200 MB under 20,000 random 2 KB tokens). The witness is the count the emulator reports in
    /// GET /__emulator/faults (rate_limit_budgets), not process memory.
    /// </summary>
    public sealed class RateLimitBudgetTests : EmulatorTestBase
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        protected override EmulatorOptions CreateOptions() => new() { RateLimit = "5/10" };

        private async Task<int> BudgetsAsync()
        {
            ApiAnswer faults = await ControlAsync(HttpMethod.Get, "faults");
            return faults.Body.GetProperty("rate_limit_budgets").GetInt32();
        }

        [Fact]
        public async Task Twenty_thousand_random_2KB_tokens_leave_one_budget_and_spend_nothing_of_the_real_tokens()
        {
            // A limit the flood never reaches, so every request gets as far as authentication.
            Server.ConfigureRateLimit("100000/300");
            const int Requests = 20_000;
            const int Workers = 4;
            int forbidden = 0;

            await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
            {
                using HttpClient http = Emulator.NewApiClient(withToken: false);
                for (int i = 0; i < Requests / Workers; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, WidgetsPath);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RandomNumberGenerator.GetString(Alphabet, 2048));
                    using HttpResponseMessage response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Forbidden)
                    {
                        System.Threading.Interlocked.Increment(ref forbidden);
                    }
                }
            }));

            Assert.Equal(Requests, forbidden);
            Assert.Equal(Requests, Server.Stats.TotalRequests);
            // Tokens the emulator does not accept belong to no user: all of them share one budget.
            Assert.Equal(1, await BudgetsAsync());

            ApiAnswer real = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, real.Status);
            Assert.Equal(99_999, RateLimitHeaderTests.Budget(real.Headers).R);
            Assert.Equal(2, await BudgetsAsync());
        }

        [Fact]
        public async Task Unaccepted_credentials_share_one_budget_and_run_out_together()
        {
            for (int i = 0; i < 5; i++)
            {
                ApiAnswer answer = await SendAsync(HttpMethod.Get, WidgetsPath,
                    configure: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-" + i));
                Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
                Assert.Equal(4 - i, RateLimitHeaderTests.Budget(answer.Headers).R);
            }

            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            ApiAnswer refused = await SendAsync(anonymous, HttpMethod.Get, WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);

            // The accepted token's budget is its own and untouched.
            ApiAnswer real = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, real.Status);
            Assert.Equal(4, RateLimitHeaderTests.Budget(real.Headers).R);
        }

        [Fact]
        public async Task One_user_is_one_budget_however_the_credential_is_spelled()
        {
            await SendAsync(HttpMethod.Get, WidgetsPath, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "bearer   " + Server.ApiToken + "  "));
            await GetAsync(WidgetsPath);
            using HttpClient keyClient = Emulator.NewApiClient(withToken: false);
            foreach (string email in new[] { Server.Email, Server.Email.ToUpperInvariant(), " " + Server.Email })
            {
                ApiAnswer byKey = await SendAsync(keyClient, HttpMethod.Get, WidgetsPath, configure: r =>
                {
                    r.Headers.TryAddWithoutValidation("X-Auth-Email", email);
                    r.Headers.TryAddWithoutValidation("X-Auth-Key", Server.ApiKey + " ");
                });
                Assert.Equal(HttpStatusCode.OK, byKey.Status);
            }

            ApiAnswer last = await GetAsync(WidgetsPath);
            Assert.Equal(2, RateLimitHeaderTests.Budget(last.Headers).R);
            Assert.Equal(2, await BudgetsAsync());
        }

        [Fact]
        public async Task Budgets_whose_window_has_ended_are_dropped()
        {
            await GetAsync(WidgetsPath);
            using HttpClient keyClient = Emulator.NewApiClient(withToken: false);
            keyClient.DefaultRequestHeaders.Add("X-Auth-Email", Server.Email);
            keyClient.DefaultRequestHeaders.Add("X-Auth-Key", Server.ApiKey);
            await SendAsync(keyClient, HttpMethod.Get, WidgetsPath);
            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            await SendAsync(anonymous, HttpMethod.Get, WidgetsPath);
            Assert.Equal(3, await BudgetsAsync());

            // Inside the window nothing is dropped: the budgets still hold what was spent.
            Server.AdvanceClock(TimeSpan.FromSeconds(5));
            Assert.Equal(3, RateLimitHeaderTests.Budget((await GetAsync(WidgetsPath)).Headers).R);
            Assert.Equal(3, await BudgetsAsync());

            // Once every window has ended, the next request finds only its own (new) budget.
            Server.AdvanceClock(TimeSpan.FromSeconds(11));
            ApiAnswer fresh = await GetAsync(WidgetsPath);
            Assert.Equal(4, RateLimitHeaderTests.Budget(fresh.Headers).R);
            Assert.Equal(1, await BudgetsAsync());
        }

        [Fact]
        public async Task A_blocked_credential_is_kept_until_its_block_ends()
        {
            Server.ConfigureRateLimit("1/1", blockSeconds: 60);
            await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(WidgetsPath)).Status);

            // The window ended long ago, the block has not: another credential's request sweeps, the block stays.
            Server.AdvanceClock(TimeSpan.FromSeconds(30));
            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            await SendAsync(anonymous, HttpMethod.Get, WidgetsPath);
            Assert.Equal(2, await BudgetsAsync());
            ApiAnswer stillBlocked = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, stillBlocked.Status);
            Assert.Equal(30, stillBlocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds);

            Server.AdvanceClock(TimeSpan.FromSeconds(31));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(1, await BudgetsAsync());
        }
    }
}
