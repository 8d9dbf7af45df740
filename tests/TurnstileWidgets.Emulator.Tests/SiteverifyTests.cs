using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>POST /turnstile/v0/siteverify and POST /__emulator/tokens: Cloudflare's answers, every error code, the events they record.</summary>
    public sealed class SiteverifyTests : AnalyticsTestBase
    {
        private const string Dummy = "XXXX.DUMMY.TOKEN.XXXX";

        private async Task<(string Sitekey, string Secret)> NewWidgetAsync(string extra = "")
        {
            JsonElement w = await CreateWidgetAsync(domains: "[\"shop.example\", \"example.com\"]", extra: extra);
            return (w.GetProperty("sitekey").GetString()!, w.GetProperty("secret").GetString()!);
        }

        [Fact]
        public async Task A_minted_token_verifies_once_with_Cloudflares_fields()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string token = await MintAsync(sitekey, ", \"action\": \"login\", \"cdata\": \"session-42\"");

            JsonElement ok = await VerifyAsync(secret, token);

            Assert.True(ok.GetProperty("success").GetBoolean());
            Assert.Empty(ErrorCodes(ok));
            Assert.Equal("2026-12-01T12:00:00.000Z", ok.GetProperty("challenge_ts").GetString());
            Assert.Equal("example.com", ok.GetProperty("hostname").GetString()); // the first of the domains as the API lists them (sorted)
            Assert.Equal("login", ok.GetProperty("action").GetString());
            Assert.Equal("session-42", ok.GetProperty("cdata").GetString());
            Assert.Equal(JsonValueKind.Object, ok.GetProperty("metadata").ValueKind);
            Assert.False(ok.GetProperty("metadata").TryGetProperty("ephemeral_id", out _));

            JsonElement again = await VerifyAsync(secret, token);
            Assert.False(again.GetProperty("success").GetBoolean());
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(again));
            Assert.Equal(0, again.GetProperty("messages").GetArrayLength());
        }

        [Fact]
        public async Task A_token_expires_after_300_seconds_on_the_emulator_clock()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string early = await MintAsync(sitekey);
            string late = await MintAsync(sitekey);

            Server.AdvanceClock(TimeSpan.FromSeconds(299));
            Assert.True((await VerifyAsync(secret, early)).GetProperty("success").GetBoolean());

            Server.AdvanceClock(TimeSpan.FromSeconds(1));
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(await VerifyAsync(secret, late)));
        }

        [Fact]
        public async Task A_retry_with_the_same_idempotency_key_gets_the_success_again_and_others_do_not()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string token = await MintAsync(sitekey, ", \"action\": \"pay\"");
            string key = Guid.NewGuid().ToString();

            JsonElement first = await VerifyAsync(secret, token, key);
            JsonElement retry = await VerifyAsync(secret, token, "{" + key.ToUpperInvariant() + "}");

            Assert.True(first.GetProperty("success").GetBoolean());
            Assert.Equal(first.ToString(), retry.ToString());
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(await VerifyAsync(secret, token, Guid.NewGuid().ToString())));
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(await VerifyAsync(secret, token)));

            string unkeyed = await MintAsync(sitekey);
            Assert.True((await VerifyAsync(secret, unkeyed)).GetProperty("success").GetBoolean());
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(await VerifyAsync(secret, unkeyed, key)));
        }

        [Fact]
        public async Task Concurrent_redemptions_of_one_token_succeed_exactly_once()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string token = await MintAsync(sitekey);

            JsonElement[] answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => VerifyAsync(secret, token)));

            Assert.Single(answers, a => a.GetProperty("success").GetBoolean());
            Assert.All(answers.Where(a => !a.GetProperty("success").GetBoolean()), a => Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(a)));
        }

        [Fact]
        public async Task A_wrong_secret_or_another_widgets_secret_is_refused()
        {
            (string sitekey, _) = await NewWidgetAsync();
            (_, string otherSecret) = await NewWidgetAsync();
            string token = await MintAsync(sitekey);

            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync("0x4AAAAAAAnotasecret", token)));
            Assert.Equal(new[] { "invalid-input-response" }, ErrorCodes(await VerifyAsync(otherSecret, token)));
        }

        [Fact]
        public async Task After_a_rotation_the_previous_secret_works_during_the_grace_period_only()
        {
            (string sitekey, string oldSecret) = await NewWidgetAsync();
            ApiAnswer rotated = await SendAsync(HttpMethod.Post, $"{WidgetsPath}/{sitekey}/rotate_secret", "{}");
            string newSecret = rotated.Result.GetProperty("secret").GetString()!;

            Assert.True((await VerifyAsync(newSecret, await MintAsync(sitekey))).GetProperty("success").GetBoolean());
            Assert.True((await VerifyAsync(oldSecret, await MintAsync(sitekey))).GetProperty("success").GetBoolean());

            Server.AdvanceClock(TimeSpan.FromHours(2));
            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync(oldSecret, await MintAsync(sitekey))));
            Assert.True((await VerifyAsync(newSecret, await MintAsync(sitekey))).GetProperty("success").GetBoolean());
        }

        [Fact]
        public async Task A_rotation_with_invalidate_immediately_refuses_the_old_secret_at_once()
        {
            (string sitekey, string oldSecret) = await NewWidgetAsync();
            await SendAsync(HttpMethod.Post, $"{WidgetsPath}/{sitekey}/rotate_secret", "{\"invalidate_immediately\": true}");

            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync(oldSecret, await MintAsync(sitekey))));
        }

        [Theory]
        [InlineData("1x0000000000000000000000000000000AA", true, null)]
        [InlineData("2x0000000000000000000000000000000AA", false, "invalid-input-response")]
        [InlineData("3x0000000000000000000000000000000AA", false, "timeout-or-duplicate")]
        public async Task Test_secrets_answer_as_documented_with_the_dummy_token(string secret, bool success, string? code)
        {
            JsonElement answer = await VerifyAsync(secret, Dummy);

            Assert.Equal(success, answer.GetProperty("success").GetBoolean());
            Assert.Equal(code is null ? Array.Empty<string>() : new[] { code }, ErrorCodes(answer));
            Assert.True(answer.GetProperty("metadata").GetProperty("result_with_testing_key").GetBoolean());
            if (success)
            {
                Assert.Equal("example.com", answer.GetProperty("hostname").GetString());
            }

            // Test secrets accept only the dummy token.
            (string sitekey, _) = await NewWidgetAsync();
            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync(secret, await MintAsync(sitekey))));
        }

        [Fact]
        public async Task The_siteverify_url_is_published_in_process_and_by_the_control_info()
        {
            Assert.Equal(new Uri(Server.BaseUri, "/turnstile/v0/siteverify"), Server.SiteverifyUri);
            ApiAnswer info = await ControlAsync(HttpMethod.Get, "");
            Assert.Equal(Server.SiteverifyUri.ToString(), info.Body.GetProperty("siteverify_url").GetString());
        }

        [Fact]
        public async Task A_real_secret_refuses_the_dummy_token()
        {
            (_, string secret) = await NewWidgetAsync();

            Assert.Equal(new[] { "invalid-input-response" }, ErrorCodes(await VerifyAsync(secret, Dummy)));
        }

        [Fact]
        public async Task Every_documented_error_code_is_reachable()
        {
            (string sitekey, string secret) = await NewWidgetAsync();

            Assert.Equal(new[] { "missing-input-secret", "missing-input-response" }, ErrorCodes(await VerifyAsync(null, null)));
            Assert.Equal(new[] { "missing-input-secret" }, ErrorCodes(await VerifyAsync("", "x")));
            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync("nope", "x")));
            Assert.Equal(new[] { "missing-input-response" }, ErrorCodes(await VerifyAsync(secret, null)));
            Assert.Equal(new[] { "invalid-input-response" }, ErrorCodes(await VerifyAsync(secret, "0.not-a-token.at-all")));
            Assert.Equal(new[] { "invalid-input-response" }, ErrorCodes(await VerifyAsync(secret, Tampered(await MintAsync(sitekey)))));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await VerifyAsync(secret, await MintAsync(sitekey), "not-a-uuid")));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await VerifyAsync(secret, new string('a', 2049))));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await PostSiteverifyAsync(Json("{\"secret\": \"x\""))));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await PostSiteverifyAsync(Json("[\"x\"]"))));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await PostSiteverifyAsync(Json("{\"secret\": 5, \"response\": \"x\"}"))));
            Assert.Equal(new[] { "bad-request" }, ErrorCodes(await PostSiteverifyAsync(new StringContent("secret=x", Encoding.UTF8, "text/plain"))));

            string token = await MintAsync(sitekey);
            Assert.True((await VerifyAsync(secret, token)).GetProperty("success").GetBoolean());
            Assert.Equal(new[] { "timeout-or-duplicate" }, ErrorCodes(await VerifyAsync(secret, token)));

            ApiAnswer queued = await ControlAsync(HttpMethod.Post, "siteverify/faults", "{\"internal_errors\": 2}");
            Assert.Equal(2, queued.Body.GetProperty("internal_errors").GetInt32());
            string fresh = await MintAsync(sitekey);
            Assert.Equal(new[] { "internal-error" }, ErrorCodes(await VerifyAsync(secret, fresh)));
            Assert.Equal(new[] { "internal-error" }, ErrorCodes(await VerifyAsync(secret, fresh)));
            Assert.True((await VerifyAsync(secret, fresh)).GetProperty("success").GetBoolean()); // an internal error does not spend the token

            static string Tampered(string token)
            {
                char[] chars = token.ToCharArray();
                int i = token.IndexOf('.', 2) - 3;
                chars[i] = chars[i] == 'A' ? 'B' : 'A';
                return new string(chars);
            }
        }

        [Fact]
        public async Task Json_and_multipart_bodies_work_like_forms()
        {
            (string sitekey, string secret) = await NewWidgetAsync();

            JsonElement json = await PostSiteverifyAsync(Json(JsonSerializer.Serialize(new { secret, response = await MintAsync(sitekey), remoteip = "203.0.113.7", idempotency_key = Guid.NewGuid() })));
            Assert.True(json.GetProperty("success").GetBoolean());

            using var multipart = new MultipartFormDataContent { { new StringContent(secret), "secret" }, { new StringContent(await MintAsync(sitekey)), "response" } };
            Assert.True((await PostSiteverifyAsync(multipart)).GetProperty("success").GetBoolean());
        }

        [Fact]
        public async Task An_ephemeral_id_widget_answers_metadata_ephemeral_id()
        {
            (string sitekey, string secret) = await NewWidgetAsync(", \"ephemeral_id\": true");

            JsonElement answer = await VerifyAsync(secret, await MintAsync(sitekey));

            Assert.StartsWith("x:", answer.GetProperty("metadata").GetProperty("ephemeral_id").GetString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Minting_and_siteverify_record_the_events_and_requests_are_counted()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string solved = await MintAsync(sitekey, ", \"action\": \"login\", \"country_code\": \"CH\"");
            string interactive = await MintAsync(sitekey, ", \"interactive\": true");
            string expired = await MintAsync(sitekey);
            await VerifyAsync(secret, solved);
            await VerifyAsync(secret, solved);
            await VerifyAsync(secret, "garbage");
            await VerifyAsync(secret, interactive);
            Server.AdvanceClock(TimeSpan.FromSeconds(301));
            await VerifyAsync(secret, expired);
            await VerifyAsync("unknown-secret", expired);

            JsonElement[] rows = await GroupsAsync($"limit: 100, filter: {{datetime_geq: \"2026-12-01T00:00:00Z\", siteKey: \"{sitekey}\"}}, orderBy: [eventType_ASC]", "count dimensions { eventType }");
            Assert.Equal(new Dictionary<string, long>
            {
                ["challenge_interactive_siteverify_solved"] = 1,
                ["challenge_interactive_solved"] = 1,
                ["challenge_issued"] = 3,
                ["challenge_non_interactive_siteverify_solved"] = 1,
                ["challenge_non_interactive_solved"] = 2,
                ["challenge_siteverify_failed_double_redemption"] = 1,
                ["challenge_siteverify_failed_invalid_token"] = 1,
                ["challenge_siteverify_failed_other"] = 1,
            }, rows.ToDictionary(r => Dim(r, "eventType"), Count));

            JsonElement login = Assert.Single(await GroupsAsync($"limit: 10, filter: {{datetime_geq: \"2026-12-01T00:00:00Z\", action: \"login\", eventType: \"challenge_non_interactive_siteverify_solved\"}}", "count dimensions { hostname countryCode }"));
            Assert.Equal(("example.com", "CH"), (Dim(login, "hostname"), Dim(login, "countryCode")));

            ApiAnswer stats = await ControlAsync(HttpMethod.Get, "stats");
            Assert.Equal(6, stats.Body.GetProperty("siteverify_requests").GetInt64());
            Assert.Equal(6, stats.Body.GetProperty("requests_by_kind").GetProperty("siteverify").GetInt64());
        }

        [Theory]
        [InlineData("{\"sitekey\": \"0x4AAAAAAAnosuchwidget\"}", "No widget '0x4AAAAAAAnosuchwidget'")]
        [InlineData("{}", "sitekey is required")]
        [InlineData("{\"sitekey\": \"$KEY\", \"action\": \"has space\"}", "action must be at most 32")]
        [InlineData("{\"sitekey\": \"$KEY\", \"cdata\": 7}", "cdata must be a string")]
        [InlineData("{\"sitekey\": \"$KEY\", \"interactive\": \"yes\"}", "interactive must be true or false")]
        [InlineData("{\"sitekey\": \"$KEY\", \"account_id\": \"ffffffffffffffffffffffffffffffff\"}", "This emulator does not serve account")]
        public async Task Bad_token_requests_are_refused(string body, string start)
        {
            (string sitekey, _) = await NewWidgetAsync();

            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "tokens", body.Replace("$KEY", sitekey, StringComparison.Ordinal));

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.StartsWith(start, answer.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Reset_removes_the_widgets_their_secrets_and_queued_faults()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            string token = await MintAsync(sitekey);
            await VerifyAsync(secret, token);
            await ControlAsync(HttpMethod.Post, "siteverify/faults", "{\"internal_errors\": 5}");

            await ControlAsync(HttpMethod.Post, "reset");

            // The widget is gone with the reset, so its secret is no longer valid; no internal-error is left queued.
            Assert.Equal(new[] { "invalid-input-secret" }, ErrorCodes(await VerifyAsync(secret, token)));
        }
    }
}
