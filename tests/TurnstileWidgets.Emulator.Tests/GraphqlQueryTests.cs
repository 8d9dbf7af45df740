using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>POST /client/v4/graphql: filters, grouping, orderBy, limit, paging, settings, variables, accounts.</summary>
    public sealed class GraphqlQueryTests : AnalyticsTestBase
    {
        private Task SeedAsync() => SeedEventsAsync("[" + string.Join(",",
            Event("sk-a", "challenge_issued", 10, "2026-11-28T01:00:00Z", "login", "a.example", "DE"),
            Event("sk-a", "challenge_non_interactive_solved", 8, "2026-11-28T01:00:00Z", "login", "a.example", "DE"),
            Event("sk-b", "challenge_issued", 5, "2026-11-29T02:30:00Z", "signup", "b.example", "US"),
            Event("sk-b", "challenge_issued", 3, "2026-11-30T10:00:00Z", "login", "b.example", "US"),
            Event("sk-c", "challenge_issued", 1, "2026-11-30T23:59:59Z", "", "c.example", "FR")) + "]");

        private async Task<(string Sitekey, long Count)[]> IssuedBySitekeyAsync(string filter, string order = "[siteKey_ASC]", int limit = 100)
        {
            JsonElement[] rows = await GroupsAsync($"limit: {limit}, filter: {{{LastWeek}, AND: [{{{filter}}}]}}, orderBy: {order}", "count dimensions { siteKey }");
            return rows.Select(r => (Dim(r, "siteKey"), Count(r))).ToArray();
        }

        [Fact]
        public async Task Groups_by_the_selected_dimensions_and_sums_counts()
        {
            await SeedAsync();

            JsonElement[] rows = await GroupsAsync($"limit: 100, filter: {{{LastWeek}}}, orderBy: [siteKey_ASC, eventType_ASC]", "count avg { sampleInterval } dimensions { siteKey eventType }");

            Assert.Equal(
                new[] { ("sk-a", "challenge_issued", 10L), ("sk-a", "challenge_non_interactive_solved", 8L), ("sk-b", "challenge_issued", 8L), ("sk-c", "challenge_issued", 1L) },
                rows.Select(r => (Dim(r, "siteKey"), Dim(r, "eventType"), Count(r))).ToArray());
            Assert.All(rows, r => Assert.Equal(1, r.GetProperty("avg").GetProperty("sampleInterval").GetDouble()));
        }

        [Fact]
        public async Task Without_dimensions_one_row_holds_the_total_and_no_events_give_no_rows()
        {
            Assert.Empty(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count"));

            await SeedAsync();
            JsonElement[] rows = await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count");

            Assert.Equal(27, Count(Assert.Single(rows)));
        }

        [Fact]
        public async Task Time_dimensions_are_truncated_and_formatted_as_the_schema_says()
        {
            await SeedAsync();

            JsonElement[] rows = await GroupsAsync(
                $"limit: 10, filter: {{{LastWeek}, siteKey: \"sk-b\", action: \"signup\"}}",
                "count dimensions { date datetime datetimeMinute datetimeFiveMinutes datetimeFifteenMinutes datetimeHalfOfHour datetimeHour datetimeDay action hostname countryCode }");

            JsonElement d = Assert.Single(rows).GetProperty("dimensions");
            Assert.Equal("2026-11-29", d.GetProperty("date").GetString());
            Assert.Equal("2026-11-29T02:30:00Z", d.GetProperty("datetime").GetString());
            Assert.Equal("2026-11-29T02:30:00Z", d.GetProperty("datetimeMinute").GetString());
            Assert.Equal("2026-11-29T02:30:00Z", d.GetProperty("datetimeFiveMinutes").GetString());
            Assert.Equal("2026-11-29T02:30:00Z", d.GetProperty("datetimeFifteenMinutes").GetString());
            Assert.Equal("2026-11-29T02:30:00Z", d.GetProperty("datetimeHalfOfHour").GetString());
            Assert.Equal("2026-11-29T02:00:00Z", d.GetProperty("datetimeHour").GetString());
            Assert.Equal("2026-11-29T00:00:00Z", d.GetProperty("datetimeDay").GetString());
            Assert.Equal("signup", d.GetProperty("action").GetString());
            Assert.Equal("b.example", d.GetProperty("hostname").GetString());
            Assert.Equal("US", d.GetProperty("countryCode").GetString());
        }

        [Theory]
        [InlineData("siteKey: \"sk-b\"", "sk-b:8")]
        [InlineData("siteKey_in: [\"sk-a\", \"sk-c\"]", "sk-a:18 sk-c:1")]
        [InlineData("siteKey_notin: [\"sk-a\", \"sk-c\"]", "sk-b:8")]
        [InlineData("siteKey_neq: \"sk-a\"", "sk-b:8 sk-c:1")]
        [InlineData("siteKey_gt: \"sk-a\"", "sk-b:8 sk-c:1")]
        [InlineData("siteKey_geq: \"sk-b\"", "sk-b:8 sk-c:1")]
        [InlineData("siteKey_lt: \"sk-b\"", "sk-a:18")]
        [InlineData("siteKey_leq: \"sk-b\"", "sk-a:18 sk-b:8")]
        [InlineData("hostname_like: \"%.example\", action_notlike: \"log%\"", "sk-b:5 sk-c:1")]
        [InlineData("hostname_like: \"_-example\"", "")]
        [InlineData("eventType_neq: \"challenge_issued\"", "sk-a:8")]
        [InlineData("countryCode_in: [\"DE\", \"FR\"]", "sk-a:18 sk-c:1")]
        [InlineData("action: \"\"", "sk-c:1")]
        [InlineData("date: \"2026-11-30\"", "sk-b:3 sk-c:1")]
        [InlineData("date_geq: \"2026-11-29\", date_lt: \"2026-11-30\"", "sk-b:5")]
        [InlineData("date_gt: \"2026-11-28\"", "sk-b:8 sk-c:1")]
        [InlineData("date_leq: \"2026-11-28\"", "sk-a:18")]
        [InlineData("datetime_gt: \"2026-11-28T01:00:00Z\"", "sk-b:8 sk-c:1")]
        [InlineData("datetime_geq: \"2026-11-28T01:00:00Z\"", "sk-a:18 sk-b:8 sk-c:1")]
        [InlineData("datetime_lt: \"2026-11-29T02:30:00Z\"", "sk-a:18")]
        [InlineData("datetime_leq: \"2026-11-29T02:30:00Z\"", "sk-a:18 sk-b:5")]
        [InlineData("datetime_geq: \"2026-11-30T00:59:59+01:00\"", "sk-b:3 sk-c:1")]
        [InlineData("datetimeHour_in: [\"2026-11-29T02:00:00Z\"]", "sk-b:5")]
        [InlineData("datetimeDay_neq: \"2026-11-30T00:00:00Z\"", "sk-a:18 sk-b:5")]
        public async Task Each_filter_operator_selects_the_rows_it_names(string filter, string expected)
        {
            await SeedAsync();

            (string Sitekey, long Count)[] rows = await IssuedBySitekeyAsync(filter);

            Assert.Equal(expected, string.Join(" ", rows.Select(r => $"{r.Sitekey}:{r.Count}")));
        }

        [Fact]
        public async Task AND_and_OR_nest()
        {
            await SeedAsync();

            Assert.Equal("sk-a:18 sk-c:1", Text(await IssuedBySitekeyAsync("OR: [{siteKey: \"sk-a\"}, {countryCode: \"FR\"}]")));
            Assert.Equal("sk-b:3", Text(await IssuedBySitekeyAsync("AND: [{siteKey: \"sk-b\"}, {OR: [{action: \"login\"}, {action: \"nothing\"}]}]")));
            Assert.Equal("sk-a:10 sk-b:3", Text(await IssuedBySitekeyAsync("action: \"login\", OR: [{eventType: \"challenge_issued\"}], AND: [{siteKey_neq: \"sk-c\"}]")));
            Assert.Equal("sk-a:18 sk-b:8 sk-c:1", Text(await IssuedBySitekeyAsync("OR: []")));

            static string Text((string Sitekey, long Count)[] rows) => string.Join(" ", rows.Select(r => $"{r.Sitekey}:{r.Count}"));
        }

        [Fact]
        public async Task OrderBy_count_and_dimensions_in_both_directions_and_ties_break_by_dimensions()
        {
            await SeedAsync();
            await SeedEventsAsync("[" + Event("sk-d", "challenge_issued", 1, "2026-11-30T01:00:00Z") + "]");

            Assert.Equal(new[] { "sk-a", "sk-b", "sk-c", "sk-d" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[count_DESC]")).Select(r => r.Sitekey));
            Assert.Equal(new[] { "sk-c", "sk-d", "sk-b", "sk-a" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[count_ASC]")).Select(r => r.Sitekey));
            Assert.Equal(new[] { "sk-d", "sk-c", "sk-b", "sk-a" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[siteKey_DESC]")).Select(r => r.Sitekey));
            Assert.Equal(new[] { "sk-d", "sk-c", "sk-b", "sk-a" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[count_ASC, siteKey_DESC]")).Select(r => r.Sitekey));
            Assert.Equal(new[] { "sk-a", "sk-b", "sk-c", "sk-d" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "siteKey_ASC")).Select(r => r.Sitekey));

            JsonElement[] byDate = await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}, orderBy: [date_DESC]", "count dimensions { date }");
            Assert.Equal(new[] { "2026-11-30", "2026-11-29", "2026-11-28" }, byDate.Select(r => Dim(r, "date")));
        }

        [Fact]
        public async Task Limit_cuts_the_ordered_rows()
        {
            await SeedAsync();

            Assert.Equal(new[] { "sk-a", "sk-b" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[count_DESC]", limit: 2)).Select(r => r.Sitekey));
            Assert.Equal(new[] { "sk-a" }, (await IssuedBySitekeyAsync("siteKey_neq: \"\"", "[siteKey_ASC]", limit: 1)).Select(r => r.Sitekey));
        }

        [Fact]
        public async Task Pages_without_cursors_by_repeating_limit_and_orderBy_with_a_moving_filter()
        {
            string events = "[" + string.Join(",", Enumerable.Range(0, 25).Select(i => Event($"page-{i:D2}", "challenge_issued", i + 1, "2026-11-30T00:00:00Z"))) + "]";
            await SeedEventsAsync(events);

            var seen = new System.Collections.Generic.List<(string, long)>();
            string? last = null;
            int pages = 0;
            while (true)
            {
                string after = last is null ? "" : $", siteKey_gt: \"{last}\"";
                JsonElement[] page = await GroupsAsync($"limit: 10, filter: {{{LastWeek}{after}}}, orderBy: [siteKey_ASC]", "count dimensions { siteKey }");
                pages++;
                seen.AddRange(page.Select(r => (Dim(r, "siteKey"), Count(r))));
                if (page.Length < 10)
                {
                    break;
                }

                last = Dim(page[^1], "siteKey");
            }

            Assert.Equal(3, pages);
            Assert.Equal(Enumerable.Range(0, 25).Select(i => ($"page-{i:D2}", (long)i + 1)), seen);
        }

        [Fact]
        public async Task Variables_aliases_typename_and_operationName_work()
        {
            await SeedAsync();
            const string Query = """
                query Other { viewer { __typename } }
                query Usage($account: string!, $filter: AccountTurnstileAdaptiveGroupsFilter_InputObject!, $limit: uint64! = 5, $order: [AccountTurnstileAdaptiveGroupsOrderBy!]) {
                  __typename
                  viewer {
                    accounts(filter: {accountTag: $account}) {
                      top: turnstileAdaptiveGroups(limit: $limit, filter: $filter, orderBy: $order) {
                        __typename
                        n: count
                        dimensions { key: siteKey }
                      }
                    }
                  }
                }
                """;

            ApiAnswer answer = await SendAsync(HttpMethod.Post, "graphql", JsonSerializer.Serialize(new
            {
                query = Query,
                operationName = "Usage",
                variables = new { account = Server.AccountId, filter = new { datetime_geq = "2026-11-24T12:00:00Z", siteKey_in = new[] { "sk-a", "sk-b" } }, order = new[] { "count_ASC" } },
            }));

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            JsonElement data = answer.Body.GetProperty("data");
            Assert.Equal("Query", data.GetProperty("__typename").GetString());
            JsonElement[] rows = data.GetProperty("viewer").GetProperty("accounts")[0].GetProperty("top").EnumerateArray().ToArray();
            Assert.Equal(new[] { ("sk-b", 8L), ("sk-a", 18L) }, rows.Select(r => (r.GetProperty("dimensions").GetProperty("key").GetString()!, r.GetProperty("n").GetInt64())));
            Assert.Equal("AccountTurnstileAdaptiveGroups", rows[0].GetProperty("__typename").GetString());
        }

        [Fact]
        public async Task Settings_node_reports_the_limits_in_force()
        {
            ApiAnswer answer = await GraphqlAsync($$"""
                { viewer { accounts(filter: {accountTag: "{{Server.AccountId}}"}) { settings { turnstileAdaptiveGroups {
                  enabled availableFields maxPageSize maxNumberOfFields maxDuration notOlderThan } } } } }
                """);

            JsonElement s = answer.Body.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("settings").GetProperty("turnstileAdaptiveGroups");
            Assert.True(s.GetProperty("enabled").GetBoolean());
            Assert.Equal(10000, s.GetProperty("maxPageSize").GetInt64());
            Assert.Equal(30, s.GetProperty("maxNumberOfFields").GetInt64());
            Assert.Equal(2678400, s.GetProperty("maxDuration").GetInt64());
            Assert.Equal(7776000, s.GetProperty("notOlderThan").GetInt64());
            string[] fields = s.GetProperty("availableFields").EnumerateArray().Select(f => f.GetString()!).ToArray();
            Assert.Contains("count", fields);
            Assert.Contains("dimensions_siteKey", fields);
            Assert.Contains("dimensions_datetimeHour", fields);
            Assert.DoesNotContain("dimensions_asn", fields);
        }

        [Fact]
        public async Task Graphql_requests_are_their_own_kind_in_stats()
        {
            await GroupsAsync($"limit: 1, filter: {{{LastWeek}}}", "count");
            await GraphqlAsync("{ nosuch }");

            ApiAnswer stats = await ControlAsync(HttpMethod.Get, "stats");
            Assert.Equal(2, stats.Body.GetProperty("graphql_requests").GetInt64());
            Assert.Equal(2, stats.Body.GetProperty("requests_by_kind").GetProperty("graphql").GetInt64());
            Assert.Equal(0, stats.Body.GetProperty("unrouted_requests").GetInt64());
        }
    }

    /// <summary>Events, tokens, siteverify and queries with several accounts: each account sees its own events only.</summary>
    public sealed class GraphqlMultiAccountTests : AnalyticsTestBase
    {
        private const string Second = "fedcba9876543210fedcba9876543210";

        protected override EmulatorOptions Configure(EmulatorOptions options)
        {
            options.AccountIds = new[] { EmulatorOptions.DefaultAccountId, Second };
            return options;
        }

        // A widget of the second account is not in the first (the default of the control endpoints).
        private static void ControlAsyncFails(ApiAnswer answer)
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.StartsWith("No widget", answer.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Each_account_answers_its_own_events_and_an_account_not_served_is_refused()
        {
            await SeedEventsAsync("[" + Event("first", "challenge_issued", 2, "2026-11-30T00:00:00Z") + "]");
            await SeedEventsAsync("[" + Event("second", "challenge_issued", 3, "2026-11-30T00:00:00Z") + "]", Second);

            Assert.Equal("first", Dim(Assert.Single(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count dimensions { siteKey }")), "siteKey"));
            JsonElement other = Assert.Single(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count dimensions { siteKey }", Second));
            Assert.Equal(("second", 3L), (Dim(other, "siteKey"), Count(other)));

            JsonElement error = SingleError(await GraphqlAsync($"{{ viewer {{ accounts(filter: {{accountTag: \"00000000000000000000000000000000\"}}) {{ turnstileAdaptiveGroups(limit: 1, filter: {{{LastWeek}}}) {{ count }} }} }} }}"));
            Assert.Equal("not authorized for that account", error.GetProperty("message").GetString());
            Assert.Equal("authz", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.Equal(new[] { "viewer", "accounts" }, error.GetProperty("path").EnumerateArray().Select(p => p.GetString()));

            // Tokens and siteverify work for a widget of the second account, and its events land there.
            ApiAnswer created = await SendAsync(HttpMethod.Post, $"accounts/{Second}/challenges/widgets", "{\"name\": \"second\", \"mode\": \"managed\", \"domains\": [\"second.example\"]}");
            string sitekey = created.Result.GetProperty("sitekey").GetString()!;
            string token = await MintAsync(sitekey, $", \"account_id\": \"{Second}\"");
            JsonElement verified = await VerifyAsync(created.Result.GetProperty("secret").GetString(), token);
            Assert.True(verified.GetProperty("success").GetBoolean(), verified.ToString());
            Assert.Equal("second.example", verified.GetProperty("hostname").GetString());
            Assert.Equal(3, (await GroupsAsync($"limit: 10, filter: {{{LastWeek}, siteKey: \"{sitekey}\"}}", "count", Second)).Sum(Count));
            Assert.Empty(await GroupsAsync($"limit: 10, filter: {{{LastWeek}, siteKey: \"{sitekey}\"}}", "count"));
            ControlAsyncFails(await ControlAsync(HttpMethod.Post, "tokens", $"{{\"sitekey\": \"{sitekey}\"}}"));

            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "reset", $"{{\"account_id\": \"{Second}\"}}")).Status);
            Assert.Empty(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count", Second));
            Assert.Single(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count"));
        }
    }
}
