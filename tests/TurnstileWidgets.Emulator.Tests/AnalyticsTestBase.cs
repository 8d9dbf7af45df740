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
    /// <summary>A clock that reads one fixed instant, so dates, ranges and token lifetimes are the same on every run.</summary>
    internal sealed class FixedTimeProvider : TimeProvider
    {
        public FixedTimeProvider(DateTimeOffset now) => Now = now;

        public DateTimeOffset Now { get; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>An emulator on a fixed clock (2026-12-01T12:00:00Z) with helpers for events, GraphQL and siteverify.</summary>
    public abstract class AnalyticsTestBase : EmulatorTestBase
    {
        protected static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        /// <summary>A filter that covers the last week, inside the default limits.</summary>
        protected const string LastWeek = "datetime_geq: \"2026-11-24T12:00:00Z\", datetime_leq: \"2026-12-01T12:00:00Z\"";

        protected override EmulatorOptions CreateOptions() => Configure(new EmulatorOptions { TimeProvider = new FixedTimeProvider(Now) });

        protected virtual EmulatorOptions Configure(EmulatorOptions options) => options;

        protected Task<ApiAnswer> GraphqlAsync(string query, object? variables = null, HttpClient? http = null) =>
            SendAsync(http ?? Http, HttpMethod.Post, "graphql", JsonSerializer.Serialize(new { query, variables }));

        /// <summary>The rows of one turnstileAdaptiveGroups query; fails the test when the answer has errors.</summary>
        protected async Task<JsonElement[]> GroupsAsync(string arguments, string selection, string? accountId = null)
        {
            ApiAnswer answer = await GraphqlAsync(
                $"{{ viewer {{ accounts(filter: {{accountTag: \"{accountId ?? Server.AccountId}\"}}) {{ turnstileAdaptiveGroups({arguments}) {{ {selection} }} }} }} }}");
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
            Assert.True(answer.Body.GetProperty("errors").ValueKind == JsonValueKind.Null, answer.Raw);
            return answer.Body.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("turnstileAdaptiveGroups").EnumerateArray().ToArray();
        }

        /// <summary>The one error of a GraphQL answer (HTTP 200, data null).</summary>
        protected static JsonElement SingleError(ApiAnswer answer)
        {
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
            Assert.Equal(JsonValueKind.Null, answer.Body.GetProperty("data").ValueKind);
            JsonElement[] errors = answer.Body.GetProperty("errors").EnumerateArray().ToArray();
            Assert.Single(errors);
            return errors[0];
        }

        protected async Task<ApiAnswer> SeedEventsAsync(string eventsJson, string? accountId = null)
        {
            string account = accountId is null ? "" : $"\"account_id\": \"{accountId}\", ";
            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "events", $"{{{account}\"events\": {eventsJson}}}");
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
            return answer;
        }

        protected static string Event(string sitekey, string eventType, long count, string datetime, string action = "", string hostname = "", string country = "") =>
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["sitekey"] = sitekey,
                ["event_type"] = eventType,
                ["count"] = count,
                ["datetime"] = datetime,
                ["action"] = action,
                ["hostname"] = hostname,
                ["country_code"] = country,
            });

        protected static string Dim(JsonElement row, string name) => row.GetProperty("dimensions").GetProperty(name).GetString()!;

        protected static long Count(JsonElement row) => row.GetProperty("count").GetInt64();

        protected async Task<string> MintAsync(string sitekey, string extra = "")
        {
            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "tokens", $"{{\"sitekey\": \"{sitekey}\"{extra}}}");
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
            return answer.Body.GetProperty("token").GetString()!;
        }

        /// <summary>Siteverify with a form body, as most servers send it.</summary>
        protected async Task<JsonElement> VerifyAsync(string? secret, string? response, string? idempotencyKey = null)
        {
            var fields = new List<KeyValuePair<string, string>>();
            if (secret is not null)
            {
                fields.Add(new("secret", secret));
            }

            if (response is not null)
            {
                fields.Add(new("response", response));
            }

            if (idempotencyKey is not null)
            {
                fields.Add(new("idempotency_key", idempotencyKey));
            }

            using var content = new FormUrlEncodedContent(fields);
            return await PostSiteverifyAsync(content);
        }

        protected async Task<JsonElement> PostSiteverifyAsync(HttpContent content)
        {
            using var http = new HttpClient();
            using HttpResponseMessage response = await http.PostAsync(new Uri(Server.BaseUri, "/turnstile/v0/siteverify"), content);
            string raw = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
            return JsonDocument.Parse(raw).RootElement.Clone();
        }

        protected static string[] ErrorCodes(JsonElement answer) =>
            answer.GetProperty("error-codes").EnumerateArray().Select(e => e.GetString()!).ToArray();

        protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
    }
}
