using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>
/// Listings that the caller changes as it goes (issue 9), at sizes that cross at least three pages, over loopback
/// HTTP. Widgets are seeded through POST /__emulator/seed; the emulator's counters witness what was sent.
/// </summary>
public class ExactListingTests : EmulatorTest
{
    private const int Matching = 2500;
    private const int Others = 300;

    public ExactListingTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    private static int ListBound(int n) => 2 * (int)Math.Ceiling(n / 1000.0) + 2;

    private async Task SeedAsync(int count, string namePrefix)
    {
        using var http = new HttpClient();
        string body = "{\"count\":" + count + ",\"name_prefix\":\"" + namePrefix + "\"}";
        using var response = await http.PostAsync(new Uri(Emulator.ControlUri, "seed"), new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private async Task SetRandomFaultsAsync(double errorRate, double dropRate, int seed)
    {
        using var http = new HttpClient();
        string body = FormattableString.Invariant($"{{\"error_rate\":{errorRate},\"drop_rate\":{dropRate},\"seed\":{seed}}}");
        using var response = await http.PostAsync(new Uri(Emulator.ControlUri, "faults"), new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Counts matches with one smallest page; read after the counters that matter were taken.</summary>
    private static async Task<long> CountAsync(TurnstileClient client, string filter)
    {
        WidgetPage page = await client.GetWidgetPageAsync(new WidgetListQuery { Filter = filter, PerPage = 5 }, 1);
        return page.TotalCount ?? -1;
    }

    private static async Task<List<Widget>> ListAllAsync(TurnstileClient client, WidgetListQuery query)
    {
        var all = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(query))
        {
            all.Add(widget);
        }
        return all;
    }

    private static WidgetDefinition Renamed(Widget widget, string name, WidgetMode? mode = null) => new()
    {
        Name = name,
        Domains = widget.Domains.ToList(),
        Mode = mode ?? widget.Mode,
    };

    private static void AssertEachOnce(IEnumerable<Widget> emitted, int expected)
    {
        var sitekeys = emitted.Select(w => w.Sitekey).ToList();
        Assert.Equal(sitekeys.Count, sitekeys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected, sitekeys.Count);
    }

    [Fact]
    public async Task Deleting_each_widget_of_a_filtered_listing_as_it_arrives_removes_every_match_and_nothing_else()
    {
        await SeedAsync(Matching, "login-");
        await SeedAsync(Others, "other-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login" }))
        {
            emitted.Add(widget);
            await client.DeleteWidgetAsync(widget.Sitekey);
        }

        AssertEachOnce(emitted, Matching);
        Assert.All(emitted, w => Assert.StartsWith("login-", w.Name));
        Assert.Equal(Matching, (await Emulator.GetStatsAsync()).DeleteRequests);
        long lists = (await Emulator.GetStatsAsync()).ListRequests;
        Assert.InRange(lists, 3, ListBound(Matching));
        Assert.Equal(0, await CountAsync(client, "name:login"));
        Assert.Equal(Others, await CountAsync(client, "name:other"));
    }

    [Fact]
    public async Task Updating_each_widget_of_a_modified_on_listing_as_it_arrives_updates_each_once()
    {
        await SeedAsync(Matching, "login-");
        await SeedAsync(Others, "other-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login", Order = WidgetOrder.ModifiedOn }))
        {
            emitted.Add(widget);
            Assert.Equal(WidgetMode.Managed, widget.Mode);
            await client.UpdateWidgetAsync(widget.Sitekey, Renamed(widget, widget.Name, WidgetMode.NonInteractive));
        }

        AssertEachOnce(emitted, Matching);
        Assert.Equal(Matching, (await Emulator.GetStatsAsync()).UpdateRequests);
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests, 3, ListBound(Matching));
        var after = await ListAllAsync(client, new WidgetListQuery { Filter = "name:login" });
        Assert.All(after, w => Assert.Equal(WidgetMode.NonInteractive, w.Mode));
        Assert.Equal(Matching, after.Count);
    }

    [Theory]
    [InlineData("zzz-", false)]
    [InlineData("aaa-", false)]
    [InlineData("aaa-", true)]
    [InlineData("zzz-", true)]
    public async Task Renames_that_move_widgets_across_a_name_order_rename_each_once(string prefix, bool descending)
    {
        await SeedAsync(Matching, "login-");
        using var client = Fixture.Client();
        var query = new WidgetListQuery { Order = WidgetOrder.Name, Direction = descending ? OrderDirection.Descending : OrderDirection.Ascending };
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(query))
        {
            emitted.Add(widget);
            await client.UpdateWidgetAsync(widget.Sitekey, Renamed(widget, prefix + widget.Name));
        }

        AssertEachOnce(emitted, Matching);
        Assert.All(emitted, w => Assert.StartsWith("login-", w.Name));
        Assert.Equal(Matching, (await Emulator.GetStatsAsync()).UpdateRequests);
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests, 3, ListBound(Matching));
        Assert.Equal(Matching, await CountAsync(client, "name:" + prefix + "login-"));
        Assert.Equal(0, await CountAsync(client, "name:" + prefix + prefix));
    }

    [Fact]
    public async Task Renames_that_send_widgets_both_ways_across_a_name_order_rename_each_once()
    {
        await SeedAsync(Matching, "m-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        int i = 0;
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Order = WidgetOrder.Name }))
        {
            emitted.Add(widget);
            string prefix = i++ % 2 == 0 ? "a-" : "z-";
            await client.UpdateWidgetAsync(widget.Sitekey, Renamed(widget, prefix + widget.Name));
        }

        AssertEachOnce(emitted, Matching);
        Assert.All(emitted, w => Assert.StartsWith("m-", w.Name));
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests, 3, ListBound(Matching));
        Assert.Equal(0, await CountAsync(client, "name:a-a-"));
        Assert.Equal(0, await CountAsync(client, "name:z-z-"));
        Assert.Equal(Matching, await CountAsync(client, "name:-m-"));
    }

    [Fact]
    public async Task Renaming_each_widget_out_of_the_filter_as_it_arrives_renames_every_match()
    {
        await SeedAsync(Matching, "login-");
        await SeedAsync(Others, "other-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login" }))
        {
            emitted.Add(widget);
            await client.UpdateWidgetAsync(widget.Sitekey, Renamed(widget, widget.Name.Replace("login", "moved", StringComparison.Ordinal)));
        }

        AssertEachOnce(emitted, Matching);
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests, 3, ListBound(Matching));
        Assert.Equal(0, await CountAsync(client, "name:login"));
        Assert.Equal(Matching, await CountAsync(client, "name:moved-"));
        Assert.Equal(Others, await CountAsync(client, "name:other-"));
    }

    [Theory]
    [InlineData(2500, 3)]
    [InlineData(3000, 3)]
    [InlineData(10000, 10)]
    public async Task An_undisturbed_listing_sends_one_request_per_page(int count, int requests)
    {
        await SeedAsync(count, "w-");
        using var client = Fixture.Client();
        var emitted = await ListAllAsync(client, new WidgetListQuery());
        AssertEachOnce(emitted, count);
        Assert.Equal(requests, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.Equal(requests, (await Emulator.GetStatsAsync()).TotalRequests);
    }

    [Fact]
    public async Task The_first_call_returns_the_first_page_after_one_request()
    {
        await SeedAsync(Matching, "w-");
        using var client = Fixture.Client();
        WidgetListing listing = client.ListWidgets(new WidgetListQuery());
        WidgetPage? first = await listing.NextPageAsync();
        Assert.NotNull(first);
        Assert.Equal(1000, first!.Widgets.Count);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.Equal(Matching, first.TotalCount);
    }

    [Fact]
    public async Task Writes_to_widgets_outside_the_listing_leave_it_exact()
    {
        await SeedAsync(Matching, "login-");
        await SeedAsync(Others, "other-");
        using var client = Fixture.Client();
        var others = await ListAllAsync(client, new WidgetListQuery { Filter = "name:other" });
        int before = (int)(await Emulator.GetStatsAsync()).ListRequests;
        var emitted = new List<Widget>();
        int i = 0;
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login" }))
        {
            emitted.Add(widget);
            if (i++ % 10 == 0)
            {
                Widget other = others[i % others.Count];
                await client.UpdateWidgetAsync(other.Sitekey, Renamed(other, other.Name + "x"));
            }
        }

        AssertEachOnce(emitted, Matching);
        // Each write makes the listing re-read the page it came from once; it finds nothing new there and reads on.
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests - before, 3, ListBound(Matching));
    }

    [Fact]
    public async Task Deleting_some_of_what_is_listed_costs_about_a_request_per_page()
    {
        await SeedAsync(Matching, "login-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        int i = 0;
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery()))
        {
            emitted.Add(widget);
            if (i++ % 3 == 0)
            {
                await client.DeleteWidgetAsync(widget.Sitekey);
            }
        }

        AssertEachOnce(emitted, Matching);
        Assert.Equal(834, (await Emulator.GetStatsAsync()).DeleteRequests);
        Assert.InRange((await Emulator.GetStatsAsync()).ListRequests, 3, ListBound(Matching));
        Assert.Equal(Matching - 834, await CountAsync(client, "name:login"));
    }

    [Fact]
    public async Task A_first_disturbance_after_many_pages_still_recognises_every_widget_listed_before()
    {
        // Small pages, so the first write comes long after the pages the listing keeps in its small set.
        int count = (EmittedSitekeysWindows + 5) * 2 * 5;
        await SeedAsync(count, "m-");
        using var client = Fixture.Client();
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Order = WidgetOrder.Name, PerPage = 5 }))
        {
            emitted.Add(widget);
            if (emitted.Count == count / 2)
            {
                // Move every widget listed so far, the oldest first, to the end of the order, where the listing reaches them again.
                foreach (Widget old in emitted)
                {
                    await client.UpdateWidgetAsync(old.Sitekey, Renamed(old, "z-" + old.Name));
                }
            }
        }

        AssertEachOnce(emitted, count);
        Assert.All(emitted, w => Assert.StartsWith("m-", w.Name));
    }

    private static int EmittedSitekeysWindows => TurnstileWidgets.Engine.Internal.EmittedSitekeys.RecentWindows;

    [Fact]
    public async Task Deletions_by_another_client_are_covered_by_the_shrinking_total()
    {
        await SeedAsync(Matching, "login-");
        using var lister = Fixture.Client();
        using var other = Fixture.Client();
        var emitted = new List<Widget>();
        await foreach (Widget widget in lister.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login" }))
        {
            emitted.Add(widget);
            // Not this client's write: the listing only sees it in result_info.total_count.
            await other.DeleteWidgetAsync(widget.Sitekey);
        }

        AssertEachOnce(emitted, Matching);
        Assert.Equal(0, await CountAsync(lister, "name:login"));
    }

    [Fact]
    public async Task Under_random_faults_deleting_as_listed_removes_every_match_and_nothing_else()
    {
        const int count = 1500;
        await SeedAsync(count, "login-");
        await SeedAsync(Others, "other-");
        await SetRandomFaultsAsync(0.05, 0.03, seed: 9);
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, maxRetries: 10);
        var emitted = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:login" }))
        {
            emitted.Add(widget);
            await client.DeleteWidgetAsync(widget.Sitekey);
        }
        long faults = (await Emulator.GetStatsAsync()).InjectedServerErrors + (await Emulator.GetStatsAsync()).DroppedConnections;
        await SetRandomFaultsAsync(0, 0, seed: 9);

        AssertEachOnce(emitted, count);
        Assert.True(faults > 0, "the fault settings injected no fault");
        Assert.NotEmpty(delays.Delays);
        Assert.Equal(0, await CountAsync(client, "name:login"));
        Assert.Equal(Others, await CountAsync(client, "name:other"));
    }

    [Fact]
    public async Task A_delete_retried_after_a_drop_after_commit_that_finds_the_widget_gone_counts_as_removed()
    {
        using var client = Fixture.Client();
        Widget created = await client.CreateWidgetAsync(Definition("doomed"));
        Server.ScriptFaults(new FaultStep { DropAfterCommit = true, Method = "DELETE" });
        Widget removed = await client.DeleteWidgetAsync(created.Sitekey);
        Assert.Equal(created.Sitekey, removed.Sitekey);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).DeleteRequests);
        Assert.Equal(0, Server.WidgetCount);
    }

    [Fact]
    public async Task A_delete_that_finds_no_widget_on_its_first_attempt_is_still_an_error()
    {
        using var client = Fixture.Client();
        Widget created = await client.CreateWidgetAsync(Definition("doomed"));
        await client.DeleteWidgetAsync(created.Sitekey);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.DeleteWidgetAsync(created.Sitekey));
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task A_delete_retried_after_a_rate_limit_that_finds_no_widget_is_still_an_error()
    {
        // A 429 proves the first attempt did nothing, so the 404 is about the widget, not about a lost answer.
        using var client = Fixture.Client();
        Widget created = await client.CreateWidgetAsync(Definition("doomed"));
        await client.DeleteWidgetAsync(created.Sitekey);
        Server.ScriptFaults(new FaultStep { Status = 429, RetryAfter = "1", Method = "DELETE" });
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.DeleteWidgetAsync(created.Sitekey));
        Assert.Equal(404, ex.StatusCode);
    }
}
