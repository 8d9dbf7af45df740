using System;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class RotationTests : EmulatorTestBase
    {
        private async Task<(string Sitekey, string Secret)> NewWidgetAsync()
        {
            JsonElement w = await CreateWidgetAsync();
            return (w.GetProperty("sitekey").GetString()!, w.GetProperty("secret").GetString()!);
        }

        private Task<ApiAnswer> RotateAsync(string sitekey, string? body) =>
            SendAsync(HttpMethod.Post, $"{WidgetsPath}/{sitekey}/rotate_secret", body);

        [Theory]
        [InlineData(null)]
        [InlineData("{}")]
        [InlineData("{\"invalidate_immediately\":false}")]
        public async Task Rotation_keeps_the_old_secret_valid_for_two_hours(string? body)
        {
            (string sitekey, string oldSecret) = await NewWidgetAsync();

            ApiAnswer answer = await RotateAsync(sitekey, body);

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            string newSecret = answer.Result.GetProperty("secret").GetString()!;
            Assert.NotEqual(oldSecret, newSecret);
            Assert.Equal(sitekey, answer.Result.GetProperty("sitekey").GetString());
            Assert.True(Server.IsSecretValid(newSecret));
            Assert.True(Server.IsSecretValid(oldSecret));
            Assert.Equal(newSecret, (await GetAsync($"{WidgetsPath}/{sitekey}")).Result.GetProperty("secret").GetString());

            Server.AdvanceClock(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
            Assert.True(Server.IsSecretValid(oldSecret));
            Server.AdvanceClock(TimeSpan.FromSeconds(1));
            Assert.False(Server.IsSecretValid(oldSecret));
            Assert.True(Server.IsSecretValid(newSecret));
        }

        [Fact]
        public async Task A_second_rotation_inside_the_grace_period_is_refused_and_allowed_after_it()
        {
            (string sitekey, _) = await NewWidgetAsync();
            Assert.Equal(HttpStatusCode.OK, (await RotateAsync(sitekey, null)).Status);

            ApiAnswer refused = await RotateAsync(sitekey, null);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(10005, refused.ErrorCode);
            Assert.Contains("grace period", refused.ErrorMessage, StringComparison.Ordinal);

            ApiAnswer refusedImmediate = await RotateAsync(sitekey, "{\"invalidate_immediately\":true}");
            Assert.Equal(HttpStatusCode.BadRequest, refusedImmediate.Status);

            Server.AdvanceClock(TimeSpan.FromHours(2));
            Assert.Equal(HttpStatusCode.OK, (await RotateAsync(sitekey, null)).Status);
        }

        [Fact]
        public async Task Invalidate_immediately_kills_the_old_secret_and_allows_another_rotation_at_once()
        {
            (string sitekey, string oldSecret) = await NewWidgetAsync();

            ApiAnswer first = await RotateAsync(sitekey, "{\"invalidate_immediately\":true}");
            Assert.Equal(HttpStatusCode.OK, first.Status);
            string secondSecret = first.Result.GetProperty("secret").GetString()!;
            Assert.False(Server.IsSecretValid(oldSecret));
            Assert.True(Server.IsSecretValid(secondSecret));

            ApiAnswer second = await RotateAsync(sitekey, "{\"invalidate_immediately\":true}");
            Assert.Equal(HttpStatusCode.OK, second.Status);
            Assert.False(Server.IsSecretValid(secondSecret));
            Assert.NotEqual(secondSecret, second.Result.GetProperty("secret").GetString());
        }

        [Theory]
        [InlineData("{\"invalidate_immediately\":\"yes\"}", 10001)]
        [InlineData("{\"invalidate_immediately\":1}", 10001)]
        [InlineData("[true]", 10002)]
        [InlineData("{bad", 10002)]
        public async Task Rotation_body_is_validated(string body, int code)
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            ApiAnswer answer = await RotateAsync(sitekey, body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(code, answer.ErrorCode);
            Assert.Equal(secret, (await GetAsync($"{WidgetsPath}/{sitekey}")).Result.GetProperty("secret").GetString());
        }

        [Fact]
        public async Task Control_endpoint_reports_which_secret_is_valid()
        {
            (string sitekey, string oldSecret) = await NewWidgetAsync();
            await RotateAsync(sitekey, null);

            ApiAnswer previous = await ControlAsync(HttpMethod.Post, "secrets/check", JsonSerializer.Serialize(new { secret = oldSecret }));
            Assert.True(previous.Body.GetProperty("valid").GetBoolean());
            Assert.Equal("previous", previous.Body.GetProperty("which").GetString());
            Assert.Equal(sitekey, previous.Body.GetProperty("sitekey").GetString());

            ApiAnswer advanced = await ControlAsync(HttpMethod.Post, "clock/advance", "{\"seconds\": 7200}");
            Assert.Equal(HttpStatusCode.OK, advanced.Status);
            Assert.Equal(7200, advanced.Body.GetProperty("offset_seconds").GetDouble());

            ApiAnswer expired = await ControlAsync(HttpMethod.Post, "secrets/check", JsonSerializer.Serialize(new { secret = oldSecret }));
            Assert.False(expired.Body.GetProperty("valid").GetBoolean());
            ApiAnswer unknown = await ControlAsync(HttpMethod.Post, "secrets/check", "{\"secret\":\"0x4AAAAAAAnope\"}");
            Assert.False(unknown.Body.GetProperty("valid").GetBoolean());
        }

        [Fact]
        public async Task Deleting_a_widget_invalidates_its_secrets()
        {
            (string sitekey, string secret) = await NewWidgetAsync();
            await SendAsync(HttpMethod.Delete, $"{WidgetsPath}/{sitekey}");
            Assert.False(Server.IsSecretValid(secret));
        }
    }
}
