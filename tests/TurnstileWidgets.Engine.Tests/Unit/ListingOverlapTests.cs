using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

/// <summary>Pages that overlap or hold mostly widgets already returned, as another client's changes make them.</summary>
public class ListingOverlapTests
{
    private const string Account = "0123456789abcdef0123456789abcdef";

    private static TurnstileClient Client(ScriptedServer server) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token("scripted-token"),
        AccountId = Account,
        BaseUri = server.BaseUri,
        Retry = new RecordedDelays().Options(0),
    });

    private static int PageOf(SeenRequest request) => int.Parse(request.Target.Split("page=")[1].Split('&')[0]);

    [Fact]
    public async Task A_page_that_repeats_widgets_of_the_previous_one_returns_only_the_new_ones()
    {
        // As if another client created two widgets in front between the reads: page 2 starts two widgets early.
        await using var server = new ScriptedServer(request => PageOf(request) switch
        {
            1 => new ScriptedResponse(200, ScriptedServer.ListPage(0, 5, 1, 5, totalCount: 12)),
            2 => new ScriptedResponse(200, ScriptedServer.ListPage(3, 5, 2, 5, totalCount: 12)),
            _ => new ScriptedResponse(200, ScriptedServer.ListPage(8, 2, 3, 5, totalCount: 12)),
        });
        using var client = Client(server);
        var names = new List<string>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }))
        {
            names.Add(widget.Name);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "w" + i), names);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_page_with_less_than_half_a_page_of_new_widgets_is_followed_at_once()
    {
        // Page 2 repeats four of page 1's five widgets: the call reads page 3 too before returning.
        await using var server = new ScriptedServer(request => PageOf(request) switch
        {
            1 => new ScriptedResponse(200, ScriptedServer.ListPage(0, 5, 1, 5, totalCount: 100)),
            2 => new ScriptedResponse(200, ScriptedServer.ListPage(1, 5, 2, 5, totalCount: 100)),
            3 => new ScriptedResponse(200, ScriptedServer.ListPage(6, 5, 3, 5, totalCount: 100)),
            _ => new ScriptedResponse(200, ScriptedServer.ListPage(11, 1, 4, 5, totalCount: 100)),
        });
        using var client = Client(server);
        WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = 5 });
        WidgetPage? first = await listing.NextPageAsync();
        WidgetPage? second = await listing.NextPageAsync();
        Assert.Equal(5, first!.Widgets.Count);
        Assert.Equal(new[] { "w5", "w6", "w7", "w8", "w9", "w10" }, second!.Widgets.Select(w => w.Name));
        Assert.Equal(3, server.Requests.Count);
        WidgetPage? last = await listing.NextPageAsync();
        Assert.Equal("w11", Assert.Single(last!.Widgets).Name);
        Assert.Null(await listing.NextPageAsync());
        Assert.Equal(4, listing.PagesRead);
    }

    [Fact]
    public async Task A_total_that_shrinks_between_pages_makes_the_listing_read_the_earlier_page_again()
    {
        // As if another client deleted w0..w4 after page 1 was read: page 2 now holds w10..w14, and w5..w9 moved to page 1.
        int reads = 0;
        await using var server = new ScriptedServer(request =>
        {
            reads++;
            return (reads, PageOf(request)) switch
            {
                (1, 1) => new ScriptedResponse(200, ScriptedServer.ListPage(0, 5, 1, 5, totalCount: 15)),
                (_, 1) => new ScriptedResponse(200, ScriptedServer.ListPage(5, 5, 1, 5, totalCount: 10)),
                _ => new ScriptedResponse(200, ScriptedServer.ListPage(10, 5, 2, 5, totalCount: 10)),
            };
        });
        using var client = Client(server);
        var names = new List<string>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }))
        {
            names.Add(widget.Name);
        }
        Assert.Equal(Enumerable.Range(0, 15).Select(i => "w" + i).OrderBy(n => n), names.OrderBy(n => n));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task A_write_still_in_flight_when_a_page_was_read_counts_as_moving_widgets_after_it()
    {
        // The DELETE starts before page 1 is read and ends after: the server may have applied it after that read, so
        // the next read starts from the earliest place the listing can have shifted to (page 1 again), not from page 2.
        var deleteArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(false);
        const string deleted = """{"success":true,"errors":[],"messages":[],"result":{"sitekey":"0x4AAA00000099","name":"gone","domains":["example.com"],"mode":"managed","region":"world","clearance_level":"no_clearance","bot_fight_mode":false,"ephemeral_id":false,"offlabel":false,"created_on":"2014-01-01T05:20:00Z","modified_on":"2014-01-01T05:20:00Z"}}""";
        await using var server = new ScriptedServer(request =>
        {
            if (request.Method == "DELETE")
            {
                deleteArrived.TrySetResult();
                release.Wait(TimeSpan.FromSeconds(30));
                return new ScriptedResponse(200, deleted);
            }
            int page = PageOf(request);
            return new ScriptedResponse(200, ScriptedServer.ListPage((page - 1) * 5, page < 3 ? 5 : 2, page, 5, totalCount: 12));
        });
        using var client = Client(server);
        Task<Widget> delete = client.DeleteWidgetAsync("0x4AAA00000099");
        await deleteArrived.Task;
        WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = 5 });
        WidgetPage? first = await listing.NextPageAsync();
        release.Set();
        await delete;
        WidgetPage? second = await listing.NextPageAsync();

        Assert.Equal(5, first!.Widgets.Count);
        Assert.Equal(new[] { "w5", "w6", "w7", "w8", "w9" }, second!.Widgets.Select(w => w.Name));
        var lists = server.Requests.Where(r => r.Method == "GET").Select(PageOf).ToList();
        Assert.Equal(new[] { 1, 1, 2 }, lists);
    }
}
