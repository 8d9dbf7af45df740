using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class AuthAndRoutingTests : EmulatorTestBase
    {
        public static TheoryData<string, string> Routes => new()
        {
            { "GET", "accounts/{a}/challenges/widgets" },
            { "POST", "accounts/{a}/challenges/widgets" },
            { "GET", "accounts/{a}/challenges/widgets/0x4AAAAAAAx" },
            { "PUT", "accounts/{a}/challenges/widgets/0x4AAAAAAAx" },
            { "DELETE", "accounts/{a}/challenges/widgets/0x4AAAAAAAx" },
            { "POST", "accounts/{a}/challenges/widgets/0x4AAAAAAAx/rotate_secret" },
            { "GET", "user/tokens/verify" },
        };

        private string Fill(string path) => path.Replace("{a}", Server.AccountId, System.StringComparison.Ordinal);

        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Missing_credentials_are_403_authentication_error(string method, string path)
        {
            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            ApiAnswer answer = await SendAsync(anonymous, new HttpMethod(method), Fill(path), "{}");

            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.Equal(10000, answer.ErrorCode);
            Assert.Equal("Authentication error", answer.ErrorMessage);
            Assert.False(answer.Body.GetProperty("success").GetBoolean());
            Assert.Equal(JsonValueKind.Null, answer.Result.ValueKind);
        }

        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Wrong_token_is_403(string method, string path)
        {
            ApiAnswer answer = await SendAsync(new HttpMethod(method), Fill(path), "{}",
                r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token"));
            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.Equal(10000, answer.ErrorCode);
            Assert.DoesNotContain("not-the-token", answer.Raw, System.StringComparison.Ordinal);
        }

        [Fact]
        public async Task Wrong_api_key_or_email_is_403()
        {
            using HttpClient legacy = Emulator.NewApiClient(withToken: false);
            legacy.DefaultRequestHeaders.Add("X-Auth-Email", Server.Email);
            legacy.DefaultRequestHeaders.Add("X-Auth-Key", "wrong");
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(legacy, HttpMethod.Get, Fill("accounts/{a}/challenges/widgets"))).Status);

            using HttpClient otherEmail = Emulator.NewApiClient(withToken: false);
            otherEmail.DefaultRequestHeaders.Add("X-Auth-Email", "someone@example.com");
            otherEmail.DefaultRequestHeaders.Add("X-Auth-Key", Server.ApiKey);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(otherEmail, HttpMethod.Get, Fill("accounts/{a}/challenges/widgets"))).Status);
        }

        [Theory]
        [InlineData("GET", "accounts/ffffffffffffffffffffffffffffffff/challenges/widgets")]
        [InlineData("POST", "accounts/ffffffffffffffffffffffffffffffff/challenges/widgets")]
        [InlineData("GET", "accounts/not-an-account/challenges/widgets/0x4AAAAAAAx")]
        public async Task Valid_credential_for_another_account_is_403_not_authorised(string method, string path)
        {
            ApiAnswer answer = await SendAsync(new HttpMethod(method), path, "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}");
            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.Equal(9109, answer.ErrorCode);
            Assert.Contains("not authorised for account", answer.ErrorMessage, System.StringComparison.Ordinal);
            Assert.Equal(0, Server.WidgetCount);
        }

        [Fact]
        public async Task Account_id_in_upper_case_is_the_same_account()
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync($"accounts/{Server.AccountId.ToUpperInvariant()}/challenges/widgets")).Status);
        }

        [Theory]
        [InlineData("GET", "accounts/{a}/challenges")]
        [InlineData("GET", "accounts/{a}/challenges/widgets/0x4AAAAAAAx/extra")]
        [InlineData("PATCH", "accounts/{a}/challenges/widgets/0x4AAAAAAAx")]
        [InlineData("DELETE", "accounts/{a}/challenges/widgets")]
        [InlineData("PUT", "accounts/{a}/challenges/widgets")]
        [InlineData("GET", "accounts/{a}/challenges/widgets/0x4AAAAAAAx/rotate_secret")]
        [InlineData("POST", "user/tokens/verify")]
        [InlineData("GET", "zones")]
        [InlineData("GET", "")]
        public async Task Unknown_route_or_method_is_404_code_7003(string method, string path)
        {
            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            ApiAnswer answer = await SendAsync(anonymous, new HttpMethod(method), Fill(path));

            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal(7003, answer.ErrorCode);
            Assert.Equal("No route for the URI", answer.ErrorMessage);
            Assert.Equal(1, Server.Stats.UnroutedRequests);
        }

        [Fact]
        public async Task Paths_outside_the_api_are_404_too()
        {
            ApiAnswer answer = await SendAsync(Http, HttpMethod.Get, new System.Uri(Server.BaseUri, "/elsewhere").ToString());
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal(7003, answer.ErrorCode);
        }
    }
}
