using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class ValidationTests : EmulatorTestBase
    {
        private const string D = "\"domains\":[\"example.com\"]";

        [Theory]
        [InlineData("{\"mode\":\"managed\"," + D + "}", 10001, "missing field `name`")]
        [InlineData("{\"name\":\"x\"," + D + "}", 10001, "missing field `mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"}", 10001, "missing field `domains`")]
        [InlineData("{\"name\":\"\",\"mode\":\"managed\"," + D + "}", 10001, "`name` must be 1 to 254")]
        [InlineData("{\"name\":\"NAME255\",\"mode\":\"managed\"," + D + "}", 10001, "`name` must be 1 to 254")]
        [InlineData("{\"name\":5,\"mode\":\"managed\"," + D + "}", 10001, "invalid type: a number, expected a string for field `name`")]
        [InlineData("{\"name\":null,\"mode\":\"managed\"," + D + "}", 10001, "invalid type: null, expected a string for field `name`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"sometimes\"," + D + "}", 10001, "unknown variant `sometimes` for field `mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"Managed\"," + D + "}", 10001, "for field `mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":true," + D + "}", 10001, "expected a string for field `mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"region\":\"mars\"}", 10001, "unknown variant `mars` for field `region`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"clearance_level\":\"high\"}", 10001, "unknown variant `high` for field `clearance_level`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"bot_fight_mode\":\"yes\"}", 10001, "expected a boolean for field `bot_fight_mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"ephemeral_id\":1}", 10001, "expected a boolean for field `ephemeral_id`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"offlabel\":\"false\"}", 10001, "expected a boolean for field `offlabel`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":\"example.com\"}", 10001, "expected an array of strings for field `domains`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[7]}", 10001, "expected an array of strings for field `domains`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[]}", 10001, "`domains` must hold 1 to 10 entries")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"a1.com\",\"a2.com\",\"a3.com\",\"a4.com\",\"a5.com\",\"a6.com\",\"a7.com\",\"a8.com\",\"a9.com\",\"a10.com\",\"a11.com\"]}", 10001, "`domains` must hold 1 to 10 entries")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"https://example.com\"]}", 10001, "remove the scheme")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com:8443\"]}", 10001, "remove the port")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"[2001:db8::1]:443\"]}", 10001, "remove the port")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"example.com/login\"]}", 10001, "remove the path")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"*.example.com\"]}", 10001, "wildcards are not allowed")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"\"]}", 10001, "it is empty")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"exa mple.com\"]}", 10001, "not a valid hostname")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"-bad.example.com\"]}", 10001, "not a valid hostname")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"a..example.com\"]}", 10001, "not a valid hostname")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"256.1.1.1\"]}", 10001, "not a valid IPv4 address")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"2001:db8:::1:zz\"]}", 10001, "not a valid IPv6 address")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D, 10002, "not valid JSON")]
        [InlineData("not json", 10002, "not valid JSON")]
        [InlineData("", 10002, "body is empty")]
        [InlineData("[1,2]", 10002, "must be a JSON object")]
        public async Task Create_refuses_invalid_bodies_with_400(string body, int code, string messagePart)
        {
            body = body.Replace("NAME255", new string('n', 255), System.StringComparison.Ordinal);
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath, body);

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.False(answer.Body.GetProperty("success").GetBoolean());
            Assert.Equal(code, answer.ErrorCode);
            Assert.Contains(messagePart, answer.ErrorMessage, System.StringComparison.Ordinal);
            Assert.Equal(0, answer.Body.GetProperty("messages").GetArrayLength());
            Assert.Equal(0, Server.WidgetCount);
        }

        [Theory]
        [InlineData("localhost")]
        [InlineData("xn--bcher-kva.example")]
        [InlineData("203.0.113.1")]
        [InlineData("::1")]
        [InlineData("2001:DB8::1")]
        [InlineData("a-b.c-d.example.co.uk")]
        public async Task Create_accepts_hostnames_and_ip_addresses(string domain)
        {
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath, $"{{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"{domain}\"]}}");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(domain.ToLowerInvariant(), answer.Result.GetProperty("domains")[0].GetString());
        }

        [Fact]
        public async Task Name_of_254_characters_is_accepted_and_unknown_fields_are_ignored()
        {
            string name = new string('n', 254);
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath,
                $"{{\"name\":\"{name}\",\"mode\":\"managed\",\"domains\":[\"example.com\"],\"colour\":\"blue\",\"region\":null}}");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(name, answer.Result.GetProperty("name").GetString());
            Assert.Equal("world", answer.Result.GetProperty("region").GetString());
        }

        [Fact]
        public async Task Duplicate_domains_collapse_to_one()
        {
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"Example.com\",\"example.com\"]}");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(1, answer.Result.GetProperty("domains").GetArrayLength());
        }

        [Theory]
        [InlineData("{\"mode\":\"managed\"," + D + "}", "missing field `name`")]
        [InlineData("{\"name\":\"x\"," + D + "}", "missing field `mode`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"}", "missing field `domains`")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"http://a.com\"]}", "remove the scheme")]
        [InlineData("{\"name\":\"x\",\"mode\":\"managed\"," + D + ",\"offlabel\":\"no\"}", "expected a boolean")]
        public async Task Put_validates_like_create(string body, string messagePart)
        {
            JsonElementHolder created = new(await CreateWidgetAsync("before"));
            ApiAnswer answer = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + created.Sitekey, body);

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(10001, answer.ErrorCode);
            Assert.Contains(messagePart, answer.ErrorMessage, System.StringComparison.Ordinal);
            Assert.Equal("before", (await GetAsync(WidgetsPath + "/" + created.Sitekey)).Result.GetProperty("name").GetString());
        }

        private sealed record JsonElementHolder(System.Text.Json.JsonElement Widget)
        {
            public string Sitekey => Widget.GetProperty("sitekey").GetString()!;
        }
    }
}
