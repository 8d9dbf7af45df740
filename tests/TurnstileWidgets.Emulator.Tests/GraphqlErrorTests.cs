using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>GraphQL errors: HTTP 200, data null, one error worded as Cloudflare words it, with path and locations.</summary>
    public sealed class GraphqlErrorTests : AnalyticsTestBase
    {
        private string Groups(string arguments, string selection = "count") =>
            $"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ turnstileAdaptiveGroups({arguments}) {{ {selection} }} }} }} }}";

        private static string Message(JsonElement error) => error.GetProperty("message").GetString()!;

        private static string[] PathOf(JsonElement error) => error.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToArray();

        [Fact]
        public async Task An_unknown_field_is_named_with_its_path_and_location()
        {
            string query = $"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{\n  turnstileAdaptiveGroups(limit: 1, filter: {{{LastWeek}}}) {{\n    count\n    dimensions {{ siteKey clientIP }}\n  }}\n}} }} }}";

            JsonElement error = SingleError(await GraphqlAsync(query));

            Assert.Equal("unknown field \"clientIP\"", Message(error));
            Assert.Equal(new[] { "viewer", "accounts", "0", "turnstileAdaptiveGroups", "dimensions", "clientIP" }, PathOf(error));
            JsonElement location = Assert.Single(error.GetProperty("locations").EnumerateArray());
            Assert.Equal(4, location.GetProperty("line").GetInt32());
            Assert.Equal(26, location.GetProperty("column").GetInt32());
            Assert.True(DateTimeOffset.TryParse(error.GetProperty("extensions").GetProperty("timestamp").GetString(), out _));
        }

        [Theory]
        [InlineData("{ nosuch }", "nosuch")]
        [InlineData("{ viewer { zones { x } } }", "zones")]
        [InlineData("{ viewer { accounts(filter: {accountTag: \"0123456789abcdef0123456789abcdef\"}) { firewallEventsAdaptive(limit: 1) { count } } } }", "firewallEventsAdaptive")]
        [InlineData("{ viewer { accounts(filter: {accountTag: \"0123456789abcdef0123456789abcdef\"}) { settings { httpRequestsAdaptiveGroups { enabled } } } } }", "httpRequestsAdaptiveGroups")]
        [InlineData("{ viewer { accounts(filter: {accountTag: \"0123456789abcdef0123456789abcdef\"}) { settings { turnstileAdaptiveGroups { maxRows } } } } }", "maxRows")]
        [InlineData("{ viewer { accounts(filter: {accountTag: \"0123456789abcdef0123456789abcdef\"}) { turnstileAdaptiveGroups(limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}) { sum { count } } } } }", "sum")]
        [InlineData("{ viewer { accounts(filter: {accountTag: \"0123456789abcdef0123456789abcdef\"}) { turnstileAdaptiveGroups(limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}) { avg { count } } } } }", "count")]
        public async Task Unknown_fields_anywhere_are_named(string query, string field)
        {
            JsonElement error = SingleError(await GraphqlAsync(query));

            Assert.Equal($"unknown field \"{field}\"", Message(error));
            Assert.Equal(field, PathOf(error)[^1]);
        }

        [Theory]
        [InlineData("dimensions { asn }", "asn")]
        [InlineData("dimensions { userAgent }", "userAgent")]
        [InlineData("confidence(level: 0.95) { level }", "confidence")]
        public async Task Schema_fields_the_emulator_does_not_record_are_named(string selection, string field)
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups($"limit: 1, filter: {{{LastWeek}}}", selection)));

            Assert.StartsWith($"the emulator does not record \"{field}\"", Message(error), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("siteKey_contains: \"x\"", "error parsing args: unknown field \"siteKey_contains\"")]
        [InlineData("datetime_like: \"2026%\"", "error parsing args: unknown field \"datetime_like\"")]
        [InlineData("asn: 13335", "the emulator does not record \"asn\"")]
        [InlineData("datetime_lt: \"yesterday\"", "error parsing args: datetime_lt must be a Time")]
        [InlineData("date_geq: \"2026-11-30T00:00:00Z\"", "error parsing args: date_geq must be a Date")]
        [InlineData("siteKey_in: [1]", "error parsing args: siteKey_in must be a string")]
        public async Task Bad_filter_fields_and_values_are_named(string filter, string start)
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups($"limit: 1, filter: {{{LastWeek}, {filter}}}")));

            Assert.StartsWith(start, Message(error), StringComparison.Ordinal);
            Assert.Equal(new[] { "viewer", "accounts", "0", "turnstileAdaptiveGroups" }, PathOf(error));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(10001)]
        public async Task A_limit_out_of_range_is_refused_as_Cloudflare_words_it(int limit)
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups($"limit: {limit}, filter: {{{LastWeek}}}")));

            Assert.Equal("limit must be positive number and not greater than 10000", Message(error));
        }

        [Fact]
        public async Task A_time_range_wider_than_maxDuration_is_refused()
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups("limit: 1, filter: {datetime_geq: \"2026-10-01T00:00:00Z\", datetime_lt: \"2026-11-01T00:00:01Z\"}")));

            Assert.Equal("query time range is too large, the maximum is 2678400s", Message(error));

            // Exactly maxDuration (31 days) is allowed, whether bounded by datetime or by whole dates.
            Assert.Empty(await GroupsAsync("limit: 1, filter: {datetime_geq: \"2026-10-01T00:00:00Z\", datetime_lt: \"2026-11-01T00:00:00Z\"}", "count"));
            Assert.Empty(await GroupsAsync("limit: 1, filter: {date_geq: \"2026-10-01\", date_leq: \"2026-10-31\"}", "count"));
            Assert.Equal("query time range is too large, the maximum is 2678400s",
                Message(SingleError(await GraphqlAsync(Groups("limit: 1, filter: {date_geq: \"2026-10-01\", date_leq: \"2026-11-01\"}")))));
        }

        [Fact]
        public async Task A_filter_without_a_lower_time_bound_asks_for_too_large_a_range()
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups("limit: 1, filter: {siteKey: \"x\"}")));

            Assert.Equal("query time range is too large, the maximum is 2678400s", Message(error));
        }

        [Fact]
        public async Task Bounds_inside_OR_do_not_narrow_the_range()
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups("limit: 1, filter: {OR: [{datetime_geq: \"2026-11-30T00:00:00Z\"}]}")));

            Assert.Equal("query time range is too large, the maximum is 2678400s", Message(error));
        }

        [Fact]
        public async Task Data_older_than_notOlderThan_is_refused()
        {
            // Now is 2026-12-01T12:00:00Z; notOlderThan is 90 days.
            JsonElement error = SingleError(await GraphqlAsync(Groups("limit: 1, filter: {datetime_geq: \"2026-09-01T00:00:00Z\", datetime_lt: \"2026-09-02T00:00:00Z\"}")));

            Assert.Equal("cannot request data older than 7776000s", Message(error));
            Assert.Empty(await GroupsAsync("limit: 1, filter: {datetime_geq: \"2026-09-02T12:00:00Z\", datetime_lt: \"2026-09-03T00:00:00Z\"}", "count"));
        }

        [Fact]
        public async Task More_fields_than_maxNumberOfFields_are_refused()
        {
            string many = "count avg { sampleInterval } dimensions { " + string.Join(" ", Enumerable.Range(0, 29).Select(i => $"f{i}: siteKey")) + " }";

            JsonElement error = SingleError(await GraphqlAsync(Groups($"limit: 1, filter: {{{LastWeek}}}", many)));

            Assert.Equal("number of fields can't be more than 30", Message(error));
        }

        [Theory]
        [InlineData("limit: 1", "error parsing args: turnstileAdaptiveGroups needs a filter")]
        [InlineData("filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}", "error parsing args: turnstileAdaptiveGroups needs a limit")]
        [InlineData("limit: \"ten\", filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}", "error parsing args: limit must be a whole number")]
        [InlineData("limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}, orderBy: [siteKey_UP]", "error parsing args: orderBy value")]
        [InlineData("limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}, orderBy: [hostname_ASC]", "error parsing args: orderBy hostname_ASC needs dimensions { hostname }")]
        [InlineData("limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\"}, first: 3", "error parsing args: unknown argument \"first\"")]
        [InlineData("limit: 1, filter: {datetime_geq: \"2026-11-30T00:00:00Z\", datetime_geq: \"2026-11-29T00:00:00Z\"}", "error parsing args: input field \"datetime_geq\" is given twice")]
        public async Task Bad_arguments_are_refused_with_error_parsing_args(string arguments, string start)
        {
            JsonElement error = SingleError(await GraphqlAsync(Groups(arguments)));

            Assert.StartsWith(start, Message(error), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("{ viewer { accounts", "error parsing query: ")]
        [InlineData("mutation { viewer { __typename } }", "unknown field \"mutation\"")]
        [InlineData("{ viewer }", "object field must have selections")]
        [InlineData("{ __typename { x } }", "scalar fields must have no selections")]
        [InlineData("{ viewer { ...F } } fragment F on viewer { __typename }", "the emulator does not support fragment")]
        [InlineData("query($a: string!) { viewer { __typename } }", "error parsing args: variable \"$a\" is required")]
        [InlineData("{ viewer { accounts(filter: {accountTag: $nope}) { __typename } } }", "error parsing args: variable \"$nope\" is not defined")]
        [InlineData("{ viewer { accounts { __typename } } }", "error parsing args: accounts needs filter")]
        public async Task Malformed_queries_are_refused(string query, string start)
        {
            JsonElement error = SingleError(await GraphqlAsync(query));

            Assert.StartsWith(start, Message(error), StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_syntax_error_has_its_location()
        {
            JsonElement error = SingleError(await GraphqlAsync("{\n  viewer {\n    accounts(filter: {accountTag: }) { x }\n  }\n}"));

            Assert.StartsWith("error parsing query: ", Message(error), StringComparison.Ordinal);
            Assert.Equal(3, error.GetProperty("locations")[0].GetProperty("line").GetInt32());
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("[]")]
        [InlineData("{\"variables\": {}}")]
        [InlineData("{\"query\": \"{ viewer { __typename } }\", \"variables\": [1]}")]
        public async Task A_body_that_is_no_GraphQL_request_is_refused_in_the_envelope(string body)
        {
            JsonElement error = SingleError(await SendAsync(HttpMethod.Post, "graphql", body));

            Assert.StartsWith("error parsing request: ", Message(error), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Missing_or_wrong_credentials_answer_401_Unauthorized_in_the_envelope()
        {
            using HttpClient anonymous = Emulator.NewApiClient(withToken: false);
            ApiAnswer answer = await GraphqlAsync("{ viewer { __typename } }", http: anonymous);

            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Equal("Unauthorized", answer.Body.GetProperty("errors")[0].GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, answer.Body.GetProperty("data").ValueKind);

            ApiAnswer withKey = await SendAsync(anonymous, HttpMethod.Post, "graphql", "{\"query\": \"{ viewer { __typename } }\"}", r =>
            {
                r.Headers.Add("X-Auth-Email", Server.Email);
                r.Headers.Add("X-Auth-Key", Server.ApiKey);
            });
            Assert.Equal(HttpStatusCode.OK, withKey.Status);
            Assert.Equal("viewer", withKey.Body.GetProperty("data").GetProperty("viewer").GetProperty("__typename").GetString());
        }
    }

    /// <summary>The GraphQL budget: its own window per credential, apart from the REST rate limit, with Cloudflare's error.</summary>
    public sealed class GraphqlBudgetTests : AnalyticsTestBase
    {
        protected override EmulatorOptions Configure(EmulatorOptions options)
        {
            options.GraphqlRateLimit = "3/300";
            options.RateLimit = "2/300";
            return options;
        }

        [Fact]
        public async Task The_budget_is_spent_per_credential_answers_Cloudflares_error_and_refills_after_the_window()
        {
            const string Query = "{ viewer { __typename } }";
            for (int i = 0; i < 3; i++)
            {
                ApiAnswer ok = await GraphqlAsync(Query);
                Assert.Equal(JsonValueKind.Null, ok.Body.GetProperty("errors").ValueKind);
                Assert.False(ok.Headers.Contains("Ratelimit"), "GraphQL answers carry no REST Ratelimit header");
            }

            JsonElement error = SingleError(await GraphqlAsync(Query));
            Assert.Equal("rate limiter budget depleted, try again after 5 minutes", error.GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, error.GetProperty("path").ValueKind);

            // Another credential has its own budget; the REST budget was not touched by GraphQL.
            using HttpClient keyUser = Emulator.NewApiClient(withToken: false);
            keyUser.DefaultRequestHeaders.Add("X-Auth-Email", Server.Email);
            keyUser.DefaultRequestHeaders.Add("X-Auth-Key", Server.ApiKey);
            Assert.Equal(JsonValueKind.Null, (await GraphqlAsync(Query, http: keyUser)).Body.GetProperty("errors").ValueKind);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(WidgetsPath)).Status);

            // REST refusals do not spend the GraphQL budget either, and the window ends on the emulator clock.
            SingleError(await GraphqlAsync(Query));
            Server.AdvanceClock(TimeSpan.FromSeconds(300));
            Assert.Equal(JsonValueKind.Null, (await GraphqlAsync(Query)).Body.GetProperty("errors").ValueKind);
        }

        [Fact]
        public async Task One_token_is_one_budget_however_its_header_is_spelled()
        {
            for (int i = 0; i < 3; i++)
            {
                await GraphqlAsync("{ viewer { __typename } }");
            }

            using HttpClient respelled = Emulator.NewApiClient(withToken: false);
            respelled.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer   " + Server.ApiToken + " ");
            Assert.Equal("rate limiter budget depleted, try again after 5 minutes",
                SingleError(await GraphqlAsync("{ viewer { __typename } }", http: respelled)).GetProperty("message").GetString());
        }

        [Fact]
        public async Task Reset_refills_the_budget()
        {
            for (int i = 0; i < 3; i++)
            {
                await GraphqlAsync("{ viewer { __typename } }");
            }

            SingleError(await GraphqlAsync("{ viewer { __typename } }"));
            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "reset")).Status);
            Assert.Equal(JsonValueKind.Null, (await GraphqlAsync("{ viewer { __typename } }")).Body.GetProperty("errors").ValueKind);
        }
    }

    /// <summary>The node limits come from options, and the settings node follows them.</summary>
    public sealed class GraphqlLimitOptionsTests : AnalyticsTestBase
    {
        protected override EmulatorOptions Configure(EmulatorOptions options)
        {
            options.GraphqlMaxPageSize = 50;
            options.GraphqlMaxDurationSeconds = 86_400;
            options.GraphqlNotOlderThanSeconds = 604_800;
            return options;
        }

        [Fact]
        public async Task Lowered_limits_are_reported_and_enforced()
        {
            ApiAnswer settings = await GraphqlAsync($"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ settings {{ turnstileAdaptiveGroups {{ maxPageSize maxDuration notOlderThan }} }} }} }} }}");
            JsonElement s = settings.Body.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("settings").GetProperty("turnstileAdaptiveGroups");
            Assert.Equal((50L, 86400L, 604800L), (s.GetProperty("maxPageSize").GetInt64(), s.GetProperty("maxDuration").GetInt64(), s.GetProperty("notOlderThan").GetInt64()));

            string Groups(string args) => $"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ turnstileAdaptiveGroups({args}) {{ count }} }} }} }}";
            Assert.Equal("limit must be positive number and not greater than 50",
                SingleError(await GraphqlAsync(Groups("limit: 51, filter: {datetime_geq: \"2026-12-01T00:00:00Z\"}"))).GetProperty("message").GetString());
            Assert.Equal("query time range is too large, the maximum is 86400s",
                SingleError(await GraphqlAsync(Groups("limit: 50, filter: {datetime_geq: \"2026-11-29T00:00:00Z\", datetime_lt: \"2026-11-30T00:00:01Z\"}"))).GetProperty("message").GetString());
            Assert.Equal("cannot request data older than 604800s",
                SingleError(await GraphqlAsync(Groups("limit: 50, filter: {date: \"2026-11-20\"}"))).GetProperty("message").GetString());
            Assert.Empty(await GroupsAsync("limit: 50, filter: {date: \"2026-11-30\"}", "count"));
        }
    }
}

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>With --graphql-error-status documented: the same GraphQL bodies with the statuses Cloudflare's errors page lists.</summary>
    public sealed class GraphqlDocumentedStatusTests : AnalyticsTestBase
    {
        protected override EmulatorOptions Configure(EmulatorOptions options)
        {
            options.GraphqlDocumentedErrorStatuses = true;
            options.GraphqlRateLimit = "4/300";
            return options;
        }

        [Fact]
        public async Task Errors_carry_400_403_and_429_and_answers_200()
        {
            ApiAnswer ok = await GraphqlAsync("{ viewer { __typename } }");
            ApiAnswer unknown = await GraphqlAsync("{ nosuch }");
            ApiAnswer tooOld = await GraphqlAsync($"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ turnstileAdaptiveGroups(limit: 1, filter: {{date: \"2020-01-01\"}}) {{ count }} }} }} }}");
            ApiAnswer authz = await GraphqlAsync("{ viewer { accounts(filter: {accountTag: \"00000000000000000000000000000000\"}) { __typename } } }");
            ApiAnswer budget = await GraphqlAsync("{ viewer { __typename } }");

            Assert.Equal(HttpStatusCode.OK, ok.Status);
            Assert.Equal((HttpStatusCode.BadRequest, "unknown field \"nosuch\""), (unknown.Status, unknown.Body.GetProperty("errors")[0].GetProperty("message").GetString()));
            Assert.Equal((HttpStatusCode.BadRequest, "cannot request data older than 7776000s"), (tooOld.Status, tooOld.Body.GetProperty("errors")[0].GetProperty("message").GetString()));
            Assert.Equal((HttpStatusCode.Forbidden, "not authorized for that account"), (authz.Status, authz.Body.GetProperty("errors")[0].GetProperty("message").GetString()));
            Assert.Equal((HttpStatusCode.TooManyRequests, "rate limiter budget depleted, try again after 5 minutes"), (budget.Status, budget.Body.GetProperty("errors")[0].GetProperty("message").GetString()));
            Assert.All(new[] { unknown, tooOld, authz, budget }, a => Assert.Equal(JsonValueKind.Null, a.Body.GetProperty("data").ValueKind));
        }
    }
}
