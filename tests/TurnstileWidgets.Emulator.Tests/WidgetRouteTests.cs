using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class WidgetRouteTests : EmulatorTestBase
    {
        private static readonly string[] DetailFields =
        {
            "sitekey", "secret", "name", "domains", "mode", "region", "clearance_level", "bot_fight_mode",
            "ephemeral_id", "offlabel", "created_on", "modified_on",
        };

        [Fact]
        public async Task Create_answers_200_with_envelope_defaults_and_realistic_keys()
        {
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath,
                "{\"name\":\"blog login\",\"mode\":\"invisible\",\"domains\":[\"Blog.Example.com\",\"203.0.113.1\",\"cloudflare.com\",\"2001:db8::1\"]}");

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.True(answer.Body.GetProperty("success").GetBoolean());
            Assert.Equal(0, answer.Body.GetProperty("errors").GetArrayLength());
            Assert.Equal(0, answer.Body.GetProperty("messages").GetArrayLength());
            JsonElement w = answer.Result;
            foreach (string field in DetailFields)
            {
                Assert.True(w.TryGetProperty(field, out _), "missing " + field);
            }

            Assert.Equal("world", w.GetProperty("region").GetString());
            Assert.Equal("no_clearance", w.GetProperty("clearance_level").GetString());
            Assert.False(w.GetProperty("bot_fight_mode").GetBoolean());
            Assert.False(w.GetProperty("ephemeral_id").GetBoolean());
            Assert.False(w.GetProperty("offlabel").GetBoolean());
            Assert.Equal("invisible", w.GetProperty("mode").GetString());
            Assert.Equal(new[] { "2001:db8::1", "203.0.113.1", "blog.example.com", "cloudflare.com" },
                w.GetProperty("domains").EnumerateArray().Select(d => d.GetString()).ToArray());

            string sitekey = w.GetProperty("sitekey").GetString()!;
            string secret = w.GetProperty("secret").GetString()!;
            Assert.Matches("^0x4AAAAAAA[A-Za-z0-9_-]+$", sitekey);
            Assert.InRange(sitekey.Length, 24, 25);
            Assert.Matches("^0x4AAAAAAA[A-Za-z0-9_-]{25}$", secret);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", w.GetProperty("created_on").GetString()!);
            Assert.Equal(w.GetProperty("created_on").GetString(), w.GetProperty("modified_on").GetString());
            Assert.Equal(1, Server.WidgetCount);
        }

        [Fact]
        public async Task Create_keeps_given_optional_fields()
        {
            JsonElement w = await CreateWidgetAsync(extra: ",\"region\":\"china\",\"clearance_level\":\"interactive\",\"bot_fight_mode\":true,\"ephemeral_id\":true,\"offlabel\":true");
            Assert.Equal("china", w.GetProperty("region").GetString());
            Assert.Equal("interactive", w.GetProperty("clearance_level").GetString());
            Assert.True(w.GetProperty("bot_fight_mode").GetBoolean());
            Assert.True(w.GetProperty("ephemeral_id").GetBoolean());
            Assert.True(w.GetProperty("offlabel").GetBoolean());
        }

        [Fact]
        public async Task Sitekeys_and_secrets_are_unique()
        {
            var keys = new System.Collections.Generic.HashSet<string>();
            for (int i = 0; i < 20; i++)
            {
                JsonElement w = await CreateWidgetAsync("w" + i);
                Assert.True(keys.Add(w.GetProperty("sitekey").GetString()!));
                Assert.True(keys.Add(w.GetProperty("secret").GetString()!));
            }
        }

        [Fact]
        public async Task Get_returns_the_widget_with_its_secret()
        {
            JsonElement created = await CreateWidgetAsync();
            ApiAnswer answer = await GetAsync(WidgetsPath + "/" + created.GetProperty("sitekey").GetString());

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(created.GetProperty("secret").GetString(), answer.Result.GetProperty("secret").GetString());
            Assert.Equal(created.GetProperty("name").GetString(), answer.Result.GetProperty("name").GetString());
        }

        [Fact]
        public async Task List_items_carry_no_secret()
        {
            await CreateWidgetAsync("one");
            await CreateWidgetAsync("two");
            ApiAnswer answer = await GetAsync(WidgetsPath);

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(2, answer.Result.GetArrayLength());
            foreach (JsonElement item in answer.Result.EnumerateArray())
            {
                Assert.False(item.TryGetProperty("secret", out _));
                Assert.True(item.TryGetProperty("sitekey", out _));
            }

            Assert.DoesNotContain("\"secret\"", answer.Raw, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Put_replaces_required_fields_and_keeps_omitted_optional_ones()
        {
            JsonElement created = await CreateWidgetAsync(extra: ",\"clearance_level\":\"managed\",\"bot_fight_mode\":true,\"offlabel\":true,\"region\":\"china\"");
            string sitekey = created.GetProperty("sitekey").GetString()!;
            Server.AdvanceClock(TimeSpan.FromSeconds(5));

            ApiAnswer answer = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + sitekey,
                "{\"name\":\"renamed\",\"mode\":\"non-interactive\",\"domains\":[\"b.example\",\"a.example\"],\"ephemeral_id\":true}");

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            JsonElement w = answer.Result;
            Assert.Equal("renamed", w.GetProperty("name").GetString());
            Assert.Equal("non-interactive", w.GetProperty("mode").GetString());
            Assert.Equal(new[] { "a.example", "b.example" }, w.GetProperty("domains").EnumerateArray().Select(d => d.GetString()).ToArray());
            Assert.Equal("managed", w.GetProperty("clearance_level").GetString());
            Assert.True(w.GetProperty("bot_fight_mode").GetBoolean());
            Assert.True(w.GetProperty("offlabel").GetBoolean());
            Assert.True(w.GetProperty("ephemeral_id").GetBoolean());
            Assert.Equal("china", w.GetProperty("region").GetString());
            Assert.Equal(created.GetProperty("secret").GetString(), w.GetProperty("secret").GetString());
            Assert.Equal(created.GetProperty("created_on").GetString(), w.GetProperty("created_on").GetString());
            Assert.NotEqual(created.GetProperty("modified_on").GetString(), w.GetProperty("modified_on").GetString());
        }

        [Fact]
        public async Task Put_refuses_a_region_change_but_accepts_the_same_region()
        {
            string sitekey = (await CreateWidgetAsync()).GetProperty("sitekey").GetString()!;

            ApiAnswer refused = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + sitekey,
                "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com\"],\"region\":\"china\"}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("you cannot change region", refused.ErrorMessage);
            Assert.False(refused.Body.GetProperty("success").GetBoolean());

            ApiAnswer same = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + sitekey,
                "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com\"],\"region\":\"world\"}");
            Assert.Equal(HttpStatusCode.OK, same.Status);
            Assert.Equal("x", same.Result.GetProperty("name").GetString());
        }

        [Fact]
        public async Task Delete_returns_the_widget_and_then_it_is_gone()
        {
            JsonElement created = await CreateWidgetAsync();
            string path = WidgetsPath + "/" + created.GetProperty("sitekey").GetString();

            ApiAnswer deleted = await SendAsync(HttpMethod.Delete, path);
            Assert.Equal(HttpStatusCode.OK, deleted.Status);
            Assert.Equal(created.GetProperty("sitekey").GetString(), deleted.Result.GetProperty("sitekey").GetString());
            Assert.True(deleted.Result.TryGetProperty("secret", out _));

            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(path)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, path)).Status);
            Assert.Equal(0, Server.WidgetCount);
        }

        [Theory]
        [InlineData("GET", null)]
        [InlineData("PUT", "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}")]
        [InlineData("DELETE", null)]
        [InlineData("POST", "{}")]
        public async Task Unknown_sitekey_is_404_widget_not_found(string method, string? body)
        {
            string path = WidgetsPath + "/0x4AAAAAAAdoesnotexist" + (method == "POST" ? "/rotate_secret" : "");
            ApiAnswer answer = await SendAsync(new HttpMethod(method), path, body);

            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal(10404, answer.ErrorCode);
            Assert.Equal("widget not found", answer.ErrorMessage);
            Assert.Equal(JsonValueKind.Null, answer.Result.ValueKind);
        }

        [Fact]
        public async Task Verify_token_reports_an_active_token()
        {
            ApiAnswer answer = await GetAsync("user/tokens/verify");

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("active", answer.Result.GetProperty("status").GetString());
            Assert.Matches("^[0-9a-f]{32}$", answer.Result.GetProperty("id").GetString()!);
            Assert.DoesNotContain(Server.ApiToken, answer.Raw, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Base_url_works_with_and_without_trailing_slash_and_trailing_path_slash()
        {
            await CreateWidgetAsync();
            string root = Server.BaseUri.ToString().TrimEnd('/');
            ApiAnswer noSlash = await SendAsync(HttpMethod.Get, root + "/" + WidgetsPath);
            ApiAnswer doubleSlash = await SendAsync(HttpMethod.Get, root + "//" + WidgetsPath + "/");

            Assert.Equal(HttpStatusCode.OK, noSlash.Status);
            Assert.Equal(HttpStatusCode.OK, doubleSlash.Status);
            Assert.Equal(1, doubleSlash.Result.GetArrayLength());
            Assert.EndsWith("/client/v4/", Server.BaseUri.ToString(), StringComparison.Ordinal);
            Assert.EndsWith("/__emulator/", Server.ControlUri.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Legacy_email_and_key_scheme_is_accepted_for_widget_routes()
        {
            using HttpClient legacy = Emulator.NewApiClient(withToken: false);
            legacy.DefaultRequestHeaders.Add("X-Auth-Email", "EMULATOR@example.com");
            legacy.DefaultRequestHeaders.Add("X-Auth-Key", Server.ApiKey);

            ApiAnswer list = await SendAsync(legacy, HttpMethod.Get, WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, list.Status);

            ApiAnswer verify = await SendAsync(legacy, HttpMethod.Get, "user/tokens/verify");
            Assert.Equal(HttpStatusCode.Forbidden, verify.Status);
            Assert.Equal(10000, verify.ErrorCode);
        }

        [Fact]
        public async Task Json_is_readable_without_escaped_quotes()
        {
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"x\",\"domains\":[\"example.com\"]}");
            Assert.Contains("missing field `mode`", answer.Raw, StringComparison.Ordinal);
            Assert.Contains("\"result\":null", answer.Raw, StringComparison.Ordinal);
        }
    }
}
