using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class ListingTests : EmulatorTest
{
    public ListingTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    private async Task<List<Widget>> CreateAsync(TurnstileClient client, params string[] names)
    {
        var widgets = new List<Widget>();
        foreach (string name in names)
        {
            widgets.Add(await client.CreateWidgetAsync(Definition(name)));
        }
        return widgets;
    }

    [Fact]
    public async Task Order_and_direction_are_passed_through()
    {
        using var client = Fixture.Client();
        await CreateAsync(client, "bravo", "alpha", "charlie");
        var ascending = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Order = WidgetOrder.Name, Direction = OrderDirection.Ascending }));
        Assert.Equal(new[] { "alpha", "bravo", "charlie" }, ascending.Select(w => w.Name));
        var descending = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Order = WidgetOrder.Name, Direction = OrderDirection.Descending }));
        Assert.Equal(new[] { "charlie", "bravo", "alpha" }, descending.Select(w => w.Name));
        var bySitekey = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Order = WidgetOrder.Sitekey }));
        Assert.Equal(bySitekey.Select(w => w.Sitekey).OrderBy(s => s, StringComparer.Ordinal), bySitekey.Select(w => w.Sitekey));
    }

    [Fact]
    public async Task Filter_is_passed_through()
    {
        using var client = Fixture.Client();
        var widgets = await CreateAsync(client, "Login Form", "signup form", "checkout");
        var byName = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:FORM", Order = WidgetOrder.Name }));
        Assert.Equal(new[] { "Login Form", "signup form" }, byName.Select(w => w.Name));
        var bySitekey = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Filter = "sitekey:" + widgets[2].Sitekey }));
        Assert.Equal("checkout", Assert.Single(bySitekey).Name);
        var all = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:" }));
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task Per_page_sets_the_page_size_and_a_short_page_ends_the_listing()
    {
        using var client = Fixture.Client();
        await Emulator.SeedWidgetsAsync(12);
        var observer = new RecordingObserver();
        List<Widget> widgets;
        using (client.Observe(observer))
        {
            widgets = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }));
        }
        Assert.Equal(12, widgets.Select(w => w.Sitekey).Distinct().Count());
        Assert.Equal(new[] { 1, 2, 3 }, observer.Records.Select(r => int.Parse(r.Path.Split("page=")[1].Split('&')[0])));
        Assert.All(observer.Records, r => Assert.Contains("per_page=5", r.Path));
        Assert.Equal(3, (await Emulator.GetStatsAsync()).ListRequests);
    }

    [Fact]
    public async Task An_exact_multiple_of_per_page_ends_on_the_reported_total_without_an_empty_page()
    {
        using var client = Fixture.Client();
        await Emulator.SeedWidgetsAsync(10);
        var widgets = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }));
        Assert.Equal(10, widgets.Select(w => w.Sitekey).Distinct().Count());
        Assert.Equal(2, (await Emulator.GetStatsAsync()).ListRequests);
    }

    [Fact]
    public async Task Page_by_page_listing_reports_pages_and_total()
    {
        using var client = Fixture.Client();
        await Emulator.SeedWidgetsAsync(7);
        var listing = client.ListWidgets(new WidgetListQuery { PerPage = 5, StartPage = 1 });
        var first = await listing.NextPageAsync();
        Assert.Equal(5, first!.Widgets.Count);
        Assert.Equal(1, first.Page);
        Assert.Equal(5, first.PerPage);
        Assert.Equal(7, listing.TotalCount);
        var second = await listing.NextPageAsync();
        Assert.Equal(2, second!.Widgets.Count);
        Assert.Null(await listing.NextPageAsync());
        Assert.Equal(2, listing.PagesRead);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).ListRequests);

        var page2 = await client.GetWidgetPageAsync(new WidgetListQuery { PerPage = 5 }, 2);
        Assert.Equal(second.Widgets.Select(w => w.Sitekey), page2.Widgets.Select(w => w.Sitekey));
        var fromStart2 = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5, StartPage = 2 }));
        Assert.Equal(2, fromStart2.Count);
    }

    [Fact]
    public async Task Ten_thousand_widgets_stream_one_page_per_request()
    {
        using var client = Fixture.Client();
        await Emulator.SeedWidgetsAsync(10_000);
        var observer = new RecordingObserver();
        int requestsAtFirstWidget = -1;
        int count = 0;
        var sitekeys = new HashSet<string>(StringComparer.Ordinal);
        using (client.Observe(observer))
        {
            await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery()))
            {
                if (count == 0)
                {
                    requestsAtFirstWidget = observer.Records.Count;
                }
                count++;
                sitekeys.Add(widget.Sitekey);
                Assert.Null(widget.Secret);
            }
        }
        Assert.Equal(1, requestsAtFirstWidget);
        Assert.Equal(10_000, count);
        Assert.Equal(10_000, sitekeys.Count);
        // Ten full pages of 1000; the tenth reaches total_count, so no empty page is asked for.
        Assert.Equal(10, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.All(observer.Records, r => Assert.Contains("per_page=1000", r.Path));
    }

    [Fact]
    public async Task A_listing_can_be_cancelled_between_pages()
    {
        using var client = Fixture.Client();
        await Emulator.SeedWidgetsAsync(20);
        using var cancellation = new System.Threading.CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }, cancellation.Token))
            {
                if (++seen == 5)
                {
                    cancellation.Cancel();
                }
            }
        });
        Assert.Equal(1, (await Emulator.GetStatsAsync()).ListRequests);
    }
}
