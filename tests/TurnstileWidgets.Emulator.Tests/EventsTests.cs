using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>POST /__emulator/events: validation, defaults, aggregation, reset, and seeding thousands of widgets.</summary>
    public sealed class EventsTests : AnalyticsTestBase
    {
        [Fact]
        public async Task Events_are_recorded_with_defaults_and_summed()
        {
            ApiAnswer answer = await SeedEventsAsync("""
                [{"sitekey": "sk-1", "event_type": "challenge_issued"},
                 {"sitekey": "sk-1", "event_type": "challenge_issued", "count": 4, "country_code": "de"},
                 {"sitekey": "sk-1", "event_type": "some_future_type", "count": 2, "datetime": "2026-11-30T08:00:00+02:00", "action": "login", "hostname": "example.com"}]
                """);

            Assert.Equal(3, answer.Body.GetProperty("recorded").GetInt32());
            Assert.Equal(7, answer.Body.GetProperty("count").GetInt64());
            JsonElement[] rows = await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}, orderBy: [eventType_ASC, countryCode_ASC]", "count dimensions { eventType countryCode datetime action hostname }");
            Assert.Equal(3, rows.Length);
            Assert.Equal(("challenge_issued", "", "2026-12-01T12:00:00Z", 1L), (Dim(rows[0], "eventType"), Dim(rows[0], "countryCode"), Dim(rows[0], "datetime"), Count(rows[0])));
            Assert.Equal(("challenge_issued", "DE", 4L), (Dim(rows[1], "eventType"), Dim(rows[1], "countryCode"), Count(rows[1])));
            Assert.Equal(("some_future_type", "2026-11-30T06:00:00Z", "login", "example.com", 2L),
                (Dim(rows[2], "eventType"), Dim(rows[2], "datetime"), Dim(rows[2], "action"), Dim(rows[2], "hostname"), Count(rows[2])));

            await SeedEventsAsync("""[{"sitekey": "sk-1", "event_type": "challenge_issued", "count": 10, "country_code": "DE"}]""");
            Assert.Equal(14, Count((await GroupsAsync($"limit: 10, filter: {{{LastWeek}, countryCode: \"DE\"}}", "count"))[0]));
        }

        [Theory]
        [InlineData("{}", "Send {\"events\"")]
        [InlineData("{\"events\": {}}", "Send {\"events\"")]
        [InlineData("{\"events\": [1]}", "events[0] must be an object")]
        [InlineData("{\"events\": [{\"event_type\": \"challenge_issued\"}]}", "events[0].sitekey is required")]
        [InlineData("{\"events\": [{\"sitekey\": \"\", \"event_type\": \"challenge_issued\"}]}", "events[0].sitekey is required")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\"}]}", "events[0].event_type is required")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": 3}]}", "events[0].event_type must be a string")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"count\": 0}]}", "events[0].count must be a whole number")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"count\": 1.5}]}", "events[0].count must be a whole number")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"count\": \"2\"}]}", "events[0].count must be a whole number")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"datetime\": \"2026-11-30\"}]}", "events[0].datetime must be an RFC 3339")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"datetime\": \"2026-11-30T10:00:00\"}]}", "events[0].datetime must be an RFC 3339")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"country_code\": \"DEU\"}]}", "events[0].country_code must be two letters")]
        [InlineData("{\"events\": [{\"sitekey\": \"a\", \"event_type\": \"x\", \"colour\": \"red\"}]}", "events[0].colour is not an event field")]
        [InlineData("{\"account_id\": \"ffffffffffffffffffffffffffffffff\", \"events\": []}", "This emulator does not serve account")]
        public async Task Bad_events_are_refused_whole_and_named(string body, string start)
        {
            string withValidFirst = body.Contains("\"events\": [{", StringComparison.Ordinal)
                ? body.Replace("\"events\": [{", "\"events\": [{\"sitekey\": \"ok\", \"event_type\": \"challenge_issued\"}, {", StringComparison.Ordinal).Replace("events[0]", "events[1]", StringComparison.Ordinal)
                : body;
            string expected = body.Contains("\"events\": [{", StringComparison.Ordinal) ? start.Replace("events[0]", "events[1]", StringComparison.Ordinal) : start;

            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "events", withValidFirst);

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.StartsWith(expected, answer.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Empty(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count"));
        }

        [Fact]
        public async Task Reset_drops_the_events()
        {
            await SeedEventsAsync("""[{"sitekey": "sk-1", "event_type": "challenge_issued"}]""");
            Assert.Single(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count"));

            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "reset")).Status);

            Assert.Empty(await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}", "count"));
        }

        [Fact]
        public async Task Seeded_events_for_3000_widgets_over_a_week_page_by_sitekey_with_few_queries()
        {
            Assert.Equal(HttpStatusCode.OK, (await ControlAsync(HttpMethod.Post, "seed", "{\"count\": 3000, \"name_prefix\": \"busy-\"}")).Status);
            string[] sitekeys = await AllSitekeysAsync();
            Assert.Equal(3000, sitekeys.Length);

            // Every widget but each tenth gets issued and solved events on each of 7 days: 2,700 x 7 x 2 cells, in batches under 1 MB.
            var events = new List<string>();
            for (int w = 0; w < sitekeys.Length; w++)
            {
                if (w % 10 == 0)
                {
                    continue;
                }

                for (int day = 0; day < 7; day++)
                {
                    string at = new DateTimeOffset(2026, 11, 24 + day, 13, 0, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                    events.Add(Event(sitekeys[w], "challenge_issued", 3, at));
                    events.Add(Event(sitekeys[w], "challenge_non_interactive_solved", 2, at));
                }
            }

            foreach (string[] batch in events.Chunk(4000))
            {
                await SeedEventsAsync("[" + string.Join(",", batch) + "]");
            }

            long before = (await ControlAsync(HttpMethod.Get, "stats")).Body.GetProperty("graphql_requests").GetInt64();
            var totals = new Dictionary<string, long>();
            string? last = null;
            while (true)
            {
                string after = last is null ? "" : $", siteKey_gt: \"{last}\"";
                JsonElement[] page = await GroupsAsync(
                    $"limit: 10000, filter: {{datetime_geq: \"2026-11-24T12:00:00Z\", datetime_lt: \"2026-12-01T12:00:00Z\", eventType: \"challenge_issued\"{after}}}, orderBy: [siteKey_ASC]",
                    "count dimensions { siteKey }");
                foreach (JsonElement row in page)
                {
                    totals.Add(Dim(row, "siteKey"), Count(row));
                }

                if (page.Length < 10000)
                {
                    break;
                }

                last = Dim(page[^1], "siteKey");
            }

            long queries = (await ControlAsync(HttpMethod.Get, "stats")).Body.GetProperty("graphql_requests").GetInt64() - before;
            Assert.Equal(1, queries);
            Assert.Equal(2700, totals.Count);
            Assert.All(totals.Values, v => Assert.Equal(21, v));
            Assert.DoesNotContain(sitekeys[0], totals.Keys);

            // One day by sitekey: one row per active widget.
            JsonElement[] oneDay = await GroupsAsync("limit: 10000, filter: {date: \"2026-11-27\", eventType: \"challenge_issued\"}, orderBy: [siteKey_ASC]", "count dimensions { siteKey date }");
            Assert.Equal(2700, oneDay.Length);
        }

        private async Task<string[]> AllSitekeysAsync()
        {
            var keys = new List<string>();
            for (int page = 1; ; page++)
            {
                ApiAnswer answer = await GetAsync($"{WidgetsPath}?per_page=1000&page={page}");
                JsonElement[] items = answer.Result.EnumerateArray().ToArray();
                keys.AddRange(items.Select(w => w.GetProperty("sitekey").GetString()!));
                if (items.Length < 1000)
                {
                    return keys.ToArray();
                }
            }
        }
    }
}
