using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>The Ratelimit/Ratelimit-Policy headers, per-credential counting and the block, over real HTTP with the clock controlled.</summary>
    public sealed class RateLimitHeaderTests : EmulatorTestBase
    {
        protected override EmulatorOptions CreateOptions() => new() { RateLimit = "5/10", RateLimitBlockSeconds = 30 };

        internal static (int R, int T) Budget(HttpResponseHeaders headers)
        {
            string value = Assert.Single(headers.GetValues("Ratelimit"));
            Match m = Regex.Match(value, "^\"default\";r=(\\d+);t=(\\d+)$");
            Assert.True(m.Success, value);
            return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        [Fact]
        public async Task Every_answer_carries_the_budget_and_the_policy_success_and_error_alike()
        {
            ApiAnswer ok = await GetAsync(WidgetsPath);
            ApiAnswer notFound = await GetAsync(WidgetsPath + "/0x4AAAAAAAAAAAAAAAAAAAAA");
            ApiAnswer unrouted = await GetAsync("nowhere");
            ApiAnswer badBody = await SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"\"}");
            Server.ScriptFaults(new FaultStep { Status = 503 });
            ApiAnswer scripted = await GetAsync(WidgetsPath);

            Assert.Equal(HttpStatusCode.OK, ok.Status);
            Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
            Assert.Equal(HttpStatusCode.NotFound, unrouted.Status);
            Assert.Equal(HttpStatusCode.BadRequest, badBody.Status);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, scripted.Status);
            foreach (ApiAnswer answer in new[] { ok, notFound, unrouted, badBody, scripted })
            {
                Assert.Equal("\"burst\";q=5;w=10", Assert.Single(answer.Headers.GetValues("Ratelimit-Policy")));
                Assert.Null(answer.Headers.RetryAfter);
            }

            Assert.Equal((4, 10), Budget(ok.Headers));
            Assert.Equal(3, Budget(notFound.Headers).R);
            Assert.Equal(2, Budget(unrouted.Headers).R);
            Assert.Equal(1, Budget(badBody.Headers).R);
            // A scripted answer shows the budget but does not spend it.
            Assert.Equal(1, Budget(scripted.Headers).R);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }

        [Fact]
        public async Task T_counts_down_with_the_emulator_clock_and_the_window_reopens_full()
        {
            Assert.Equal((4, 10), Budget((await GetAsync(WidgetsPath)).Headers));
            Server.AdvanceClock(TimeSpan.FromSeconds(6.5));
            Assert.Equal((3, 4), Budget((await GetAsync(WidgetsPath)).Headers));
            Server.AdvanceClock(TimeSpan.FromSeconds(4));
            Assert.Equal((4, 10), Budget((await GetAsync(WidgetsPath)).Headers));
        }

        [Fact]
        public async Task Budgets_are_counted_per_credential_token_and_email_plus_key_apart()
        {
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            }

            using HttpClient keyClient = Emulator.NewApiClient(withToken: false);
            void Key(HttpRequestMessage r)
            {
                r.Headers.Add("X-Auth-Email", Server.Email.ToUpperInvariant());
                r.Headers.Add("X-Auth-Key", Server.ApiKey);
            }

            ApiAnswer byKey = await SendAsync(keyClient, HttpMethod.Get, WidgetsPath, configure: Key);
            Assert.Equal(HttpStatusCode.OK, byKey.Status);
            Assert.Equal(4, Budget(byKey.Headers).R);

            // Another token (not accepted here: 403) has its own budget too; the exhausted token's does not leak into it.
            using var other = new HttpClient { BaseAddress = Server.BaseUri };
            other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "another-token");
            ApiAnswer otherAnswer = await SendAsync(other, HttpMethod.Get, WidgetsPath);
            Assert.Equal(HttpStatusCode.Forbidden, otherAnswer.Status);
            Assert.Equal(4, Budget(otherAnswer.Headers).R);

            ApiAnswer refused = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(keyClient, HttpMethod.Get, WidgetsPath, configure: Key)).Status);
        }

        [Fact]
        public async Task A_refusal_blocks_the_credential_until_the_block_ends_then_a_fresh_window_opens()
        {
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            }

            ApiAnswer first = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
            Assert.Equal(971, first.ErrorCode);
            Assert.Equal(30, first.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
            Assert.Equal((0, 30), Budget(first.Headers));

            // The window would have reopened after 10 s; the block holds for 30.
            Server.AdvanceClock(TimeSpan.FromSeconds(12));
            ApiAnswer still = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, still.Status);
            Assert.Equal(971, still.ErrorCode);
            Assert.Equal(18, still.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
            Assert.Equal((0, 18), Budget(still.Headers));
            ApiAnswer create = await SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}");
            Assert.Equal(HttpStatusCode.TooManyRequests, create.Status);
            Assert.Equal(0, Server.WidgetCount);

            Server.AdvanceClock(TimeSpan.FromSeconds(18));
            ApiAnswer after = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, after.Status);
            Assert.Null(after.Headers.RetryAfter);
            Assert.Equal((4, 10), Budget(after.Headers));
            Assert.Equal(3, Server.Stats.RateLimitedResponses);
            Assert.Equal(1, (await ControlAsync(HttpMethod.Get, "faults")).Body.GetProperty("rate_limit_blocks").GetInt64());
        }

        [Fact]
        public async Task The_block_is_settable_at_run_time_and_null_turns_it_off_and_lifts_it()
        {
            ApiAnswer set = await ControlAsync(HttpMethod.Post, "faults", "{\"rate_limit_block\":300}");
            Assert.Equal(HttpStatusCode.OK, set.Status);
            Assert.Equal(300, set.Body.GetProperty("rate_limit_block").GetInt32());
            Assert.Equal("5/10", set.Body.GetProperty("rate_limit").GetString());
            for (int i = 0; i < 5; i++)
            {
                await GetAsync(WidgetsPath);
            }

            ApiAnswer blocked = await GetAsync(WidgetsPath);
            Assert.Equal(300, blocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds);

            ApiAnswer off = await ControlAsync(HttpMethod.Post, "faults", "{\"rate_limit_block\":null}");
            Assert.Equal(JsonValueKindNull, off.Body.GetProperty("rate_limit_block").ValueKind);
            // Lifted: the window alone applies again (its quota is still spent until it ends).
            ApiAnswer windowOnly = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, windowOnly.Status);
            Assert.Equal((4, 10), Budget(windowOnly.Headers));

            for (int i = 0; i < 4; i++)
            {
                await GetAsync(WidgetsPath);
            }

            ApiAnswer refused = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 10);
            Server.AdvanceClock(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }

        [Theory]
        [InlineData("{\"rate_limit_block\":0}")]
        [InlineData("{\"rate_limit_block\":\"long\"}")]
        [InlineData("{\"rate_limit_block\":100000}")]
        public async Task A_bad_block_is_refused_with_400(string body)
        {
            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "faults", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(30, (await ControlAsync(HttpMethod.Get, "faults")).Body.GetProperty("rate_limit_block").GetInt32());
        }

        [Fact]
        public async Task Reset_clears_budgets_and_blocks()
        {
            for (int i = 0; i < 6; i++)
            {
                await GetAsync(WidgetsPath);
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(WidgetsPath)).Status);
            await ControlAsync(HttpMethod.Post, "reset");
            ApiAnswer answer = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(4, Budget(answer.Headers).R);
        }

        private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
    }

    public sealed class NoRateLimitHeaderTests : EmulatorTestBase
    {
        [Fact]
        public async Task Without_a_rate_limit_no_budget_headers_are_sent()
        {
            ApiAnswer answer = await GetAsync(WidgetsPath);
            Assert.False(answer.Headers.Contains("Ratelimit"));
            Assert.False(answer.Headers.Contains("Ratelimit-Policy"));
        }

        [Fact]
        public void The_block_option_parses_and_is_range_checked()
        {
            Assert.Equal(300, Program.ParseArguments(new[] { "--rate-limit", "1200/300", "--rate-limit-block", "300" })!.RateLimitBlockSeconds);
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--rate-limit-block", "0" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--rate-limit-block", "soon" }));
            Assert.Contains("--rate-limit-block", Program.Usage, StringComparison.Ordinal);
        }
    }
}
