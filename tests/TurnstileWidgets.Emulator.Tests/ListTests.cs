using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class ListTests : EmulatorTestBase
    {
        private async Task<List<string>> CreateNamedAsync(params string[] names)
        {
            var sitekeys = new List<string>();
            foreach (string name in names)
            {
                sitekeys.Add((await CreateWidgetAsync(name)).GetProperty("sitekey").GetString()!);
                Server.AdvanceClock(TimeSpan.FromMilliseconds(1));
            }

            return sitekeys;
        }

        private static string[] Names(ApiAnswer answer) =>
            answer.Result.EnumerateArray().Select(w => w.GetProperty("name").GetString()!).ToArray();

        private static JsonElement Info(ApiAnswer answer) => answer.Body.GetProperty("result_info");

        [Fact]
        public async Task Default_page_is_1_per_page_25_in_creation_order()
        {
            await Emulator.SeedWidgetsAsync(30, "w");
            ApiAnswer answer = await GetAsync(WidgetsPath);

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(25, answer.Result.GetArrayLength());
            Assert.Equal(1, Info(answer).GetProperty("page").GetInt32());
            Assert.Equal(25, Info(answer).GetProperty("per_page").GetInt32());
            Assert.Equal(25, Info(answer).GetProperty("count").GetInt32());
            Assert.Equal(30, Info(answer).GetProperty("total_count").GetInt32());
            Assert.Equal(Enumerable.Range(1, 25).Select(i => "w" + i), Names(answer));
        }

        [Fact]
        public async Task Pages_cover_every_widget_once_and_a_page_past_the_end_is_empty()
        {
            await Emulator.SeedWidgetsAsync(12, "w");
            var seen = new List<string>();
            for (int page = 1; ; page++)
            {
                ApiAnswer answer = await GetAsync($"{WidgetsPath}?page={page}&per_page=5");
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                Assert.True(answer.Body.GetProperty("success").GetBoolean());
                Assert.Equal(12, Info(answer).GetProperty("total_count").GetInt32());
                Assert.Equal(answer.Result.GetArrayLength(), Info(answer).GetProperty("count").GetInt32());
                if (answer.Result.GetArrayLength() == 0)
                {
                    Assert.Equal(4, page);
                    Assert.Equal("[]", answer.Result.GetRawText());
                    break;
                }

                seen.AddRange(Names(answer));
            }

            Assert.Equal(Enumerable.Range(1, 12).Select(i => "w" + i), seen);
            ApiAnswer far = await GetAsync($"{WidgetsPath}?page=999999&per_page=1000");
            Assert.Equal(HttpStatusCode.OK, far.Status);
            Assert.Equal(0, far.Result.GetArrayLength());
        }

        [Fact]
        public async Task Empty_account_lists_an_empty_page()
        {
            ApiAnswer answer = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(0, answer.Result.GetArrayLength());
            Assert.Equal(0, Info(answer).GetProperty("total_count").GetInt32());
        }

        [Theory]
        [InlineData("per_page=4", "per_page")]
        [InlineData("per_page=1001", "per_page")]
        [InlineData("per_page=ten", "per_page")]
        [InlineData("per_page=5.5", "per_page")]
        [InlineData("page=0", "page")]
        [InlineData("page=-1", "page")]
        [InlineData("page=x", "page")]
        [InlineData("order=colour", "order")]
        [InlineData("order=NAME", "order")]
        [InlineData("direction=up", "direction")]
        [InlineData("filter=name", "field:value")]
        [InlineData("filter=mode:managed", "not supported")]
        [InlineData("filter=domains:example", "not supported")]
        public async Task Bad_query_parameters_are_400(string query, string messagePart)
        {
            ApiAnswer answer = await GetAsync(WidgetsPath + "?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(10003, answer.ErrorCode);
            Assert.Contains(messagePart, answer.ErrorMessage, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("per_page=5")]
        [InlineData("per_page=1000")]
        [InlineData("per_page=50.0&page=1")]
        [InlineData("order=id&direction=asc")]
        [InlineData("filter=")]
        [InlineData("filter=name:")]
        public async Task Boundary_query_parameters_are_accepted(string query)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath + "?" + query)).Status);
        }

        [Fact]
        public async Task Order_and_direction_sort_by_each_field()
        {
            List<string> keys = await CreateNamedAsync("bravo", "alpha", "charlie");

            Assert.Equal(new[] { "alpha", "bravo", "charlie" }, Names(await GetAsync(WidgetsPath + "?order=name")));
            Assert.Equal(new[] { "charlie", "bravo", "alpha" }, Names(await GetAsync(WidgetsPath + "?order=name&direction=desc")));
            Assert.Equal(new[] { "bravo", "alpha", "charlie" }, Names(await GetAsync(WidgetsPath + "?order=id")));
            Assert.Equal(new[] { "charlie", "alpha", "bravo" }, Names(await GetAsync(WidgetsPath + "?order=id&direction=desc")));
            Assert.Equal(new[] { "charlie", "alpha", "bravo" }, Names(await GetAsync(WidgetsPath + "?direction=desc")));
            Assert.Equal(new[] { "bravo", "alpha", "charlie" }, Names(await GetAsync(WidgetsPath + "?order=created_on")));

            ApiAnswer bySitekey = await GetAsync(WidgetsPath + "?order=sitekey");
            string[] sitekeys = bySitekey.Result.EnumerateArray().Select(w => w.GetProperty("sitekey").GetString()!).ToArray();
            Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), sitekeys);

            // Touch "alpha" last: it moves to the end of modified_on order.
            Server.AdvanceClock(TimeSpan.FromSeconds(1));
            await SendAsync(HttpMethod.Put, WidgetsPath + "/" + keys[1], "{\"name\":\"alpha\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}");
            Assert.Equal(new[] { "bravo", "charlie", "alpha" }, Names(await GetAsync(WidgetsPath + "?order=modified_on")));
            Assert.Equal(new[] { "alpha", "charlie", "bravo" }, Names(await GetAsync(WidgetsPath + "?order=modified_on&direction=desc")));
        }

        [Fact]
        public async Task Filter_matches_case_insensitive_substrings_of_name_or_sitekey()
        {
            List<string> keys = await CreateNamedAsync("Login Form", "signup form", "checkout");

            ApiAnswer byName = await GetAsync(WidgetsPath + "?filter=name:FORM");
            Assert.Equal(new[] { "Login Form", "signup form" }, Names(byName));
            Assert.Equal(2, Info(byName).GetProperty("total_count").GetInt32());

            string fragment = keys[2].Substring(12, 8).ToLowerInvariant();
            ApiAnswer bySitekey = await GetAsync(WidgetsPath + "?filter=sitekey:" + Uri.EscapeDataString(fragment));
            Assert.Contains("checkout", Names(bySitekey));

            Assert.Equal(3, (await GetAsync(WidgetsPath + "?filter=name:")).Result.GetArrayLength());
            Assert.Empty(Names(await GetAsync(WidgetsPath + "?filter=name:nothing-like-this")));
            Assert.Equal(new[] { "signup form", "Login Form" }, Names(await GetAsync(WidgetsPath + "?filter=name:form&direction=desc")));
        }

        [Fact]
        public async Task Deletes_and_updates_keep_creation_order_for_the_default_listing()
        {
            List<string> keys = await CreateNamedAsync("a", "b", "c", "d", "e");
            await SendAsync(HttpMethod.Delete, WidgetsPath + "/" + keys[1]);
            await SendAsync(HttpMethod.Put, WidgetsPath + "/" + keys[3], "{\"name\":\"D\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}");
            await CreateNamedAsync("f");

            Assert.Equal(new[] { "a", "c", "D", "e", "f" }, Names(await GetAsync(WidgetsPath)));
        }

        [Fact]
        public async Task Large_store_pages_at_1000()
        {
            await Emulator.SeedWidgetsAsync(2500, "bench-");
            ApiAnswer last = await GetAsync(WidgetsPath + "?page=3&per_page=1000");
            Assert.Equal(500, last.Result.GetArrayLength());
            Assert.Equal("bench-2001", last.Result[0].GetProperty("name").GetString());
            Assert.Equal(2500, Info(last).GetProperty("total_count").GetInt32());
        }
    }
}
