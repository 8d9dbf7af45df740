using System;
using System.Linq;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class RetryTests : EmulatorTest
{
    public RetryTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Get_is_retried_after_a_server_error(int status)
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        var created = await client.CreateWidgetAsync(Definition());
        Server.ScriptFaults(new FaultStep { Status = status }, new FaultStep { Status = status });
        var fetched = await client.GetWidgetAsync(created.Sitekey);
        Assert.Equal(created.Sitekey, fetched.Sitekey);
        Assert.Equal(3, (await Emulator.GetStatsAsync()).GetRequests);
        // BaseDelay 100 ms doubling, no jitter.
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }, delays.Delays);
    }

    [Fact]
    public async Task Put_and_delete_are_retried_after_a_drop()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        var created = await client.CreateWidgetAsync(Definition());
        Server.ScriptFaults(new FaultStep { Drop = true, Method = "PUT" });
        var updated = await client.UpdateWidgetAsync(created.Sitekey, Definition("renamed"));
        Assert.Equal("renamed", updated.Name);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).UpdateRequests);

        Server.ScriptFaults(new FaultStep { Drop = true, Method = "DELETE" });
        await client.DeleteWidgetAsync(created.Sitekey);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).DeleteRequests);
        Assert.Equal(0, Server.WidgetCount);
        Assert.Equal(2, delays.Delays.Count);
    }

    [Fact]
    public async Task Create_is_not_repeated_after_a_dropped_connection()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        Server.ScriptFaults(new FaultStep { Drop = true });
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.CreateWidgetAsync(Definition()));
        Assert.True(ex.RequestMayHaveTakenEffect);
        Assert.False(ex.IsTimeout);
        Assert.Equal("POST", ex.Method);
        Assert.Equal($"/accounts/{Emulator.AccountId}/challenges/widgets", ex.Path);
        Assert.Contains("check", ex.Message);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).CreateRequests);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task Create_is_not_repeated_after_drop_after_commit_so_no_duplicate_appears()
    {
        using var client = Fixture.Client();
        Server.ScriptFaults(new FaultStep { DropAfterCommit = true });
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.CreateWidgetAsync(Definition()));
        Assert.True(ex.RequestMayHaveTakenEffect);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).CreateRequests);
        Assert.Equal(1, Server.WidgetCount);
    }

    [Fact]
    public async Task Rotation_is_not_repeated_after_drop_after_commit()
    {
        using var client = Fixture.Client();
        var created = await client.CreateWidgetAsync(Definition());
        Server.ScriptFaults(new FaultStep { DropAfterCommit = true });
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.RotateSecretAsync(created.Sitekey, false));
        Assert.True(ex.RequestMayHaveTakenEffect);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).RotateSecretRequests);
        // The rotation happened although no answer came: a second one is refused inside the grace period.
        var again = await Assert.ThrowsAsync<TurnstileApiException>(() => client.RotateSecretAsync(created.Sitekey, false));
        Assert.Equal(10005, Assert.Single(again.Errors).Code);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Create_is_not_repeated_after_a_server_error(int status)
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        Server.ScriptFaults(new FaultStep { Status = status });
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.CreateWidgetAsync(Definition()));
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).CreateRequests);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task Create_is_repeated_after_429_honouring_retry_after_seconds()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        var observer = new RecordingObserver();
        Server.ScriptFaults(new FaultStep { Status = 429, RetryAfter = "2" });
        using (client.Observe(observer))
        {
            await client.CreateWidgetAsync(Definition());
        }
        Assert.Equal(2, (await Emulator.GetStatsAsync()).CreateRequests);
        Assert.Equal(1, Server.WidgetCount);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2) }, delays.Delays);
        var notice = Assert.Single(observer.Notices);
        Assert.Equal("429 rate limited, Retry-After 2 s", notice.Reason);
        Assert.Equal(2, notice.NextAttempt);
        Assert.Equal(new int?[] { 429, 200 }, observer.Records.Select(r => r.StatusCode));
        Assert.Equal(new[] { 1, 2 }, observer.Records.Select(r => r.Attempt));
    }

    [Fact]
    public async Task Rotation_is_repeated_after_429_honouring_retry_after_ms()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        var created = await client.CreateWidgetAsync(Definition());
        Server.ScriptFaults(new FaultStep { Status = 429, RetryAfterMs = 250, RetryAfter = "1" });
        await client.RotateSecretAsync(created.Sitekey, true);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).RotateSecretRequests);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250) }, delays.Delays);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        Server.ScriptFaults(new FaultStep { Status = 429, RetryAfterDate = true });
        await client.GetWidgetPageAsync(new WidgetListQuery(), 1);
        Assert.Equal(2, (await Emulator.GetStatsAsync()).ListRequests);
        // Two seconds after the server's clock, in whole seconds on both sides (the Date header may lag a little);
        // far above the 100 ms backoff that would apply had the date been ignored.
        TimeSpan delay = Assert.Single(delays.Delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task X_should_retry_false_stops_a_retry()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        Server.ScriptFaults(new FaultStep { Status = 503, XShouldRetry = "false" });
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task X_should_retry_true_allows_repeating_a_post()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        var observer = new RecordingObserver();
        Server.ScriptFaults(new FaultStep { Status = 503, XShouldRetry = "true" });
        using (client.Observe(observer))
        {
            await client.CreateWidgetAsync(Definition());
        }
        Assert.Equal(2, (await Emulator.GetStatsAsync()).CreateRequests);
        Assert.Equal(1, Server.WidgetCount);
        Assert.Contains("x-should-retry: true", Assert.Single(observer.Notices).Reason);
    }

    [Fact]
    public async Task A_retry_after_beyond_max_block_wait_stops_and_says_how_long()
    {
        var delays = new RecordedDelays();
        // The default MaxBlockWait (6 min) covers Cloudflare's 5-minute block, not 10 minutes.
        using var client = Fixture.Client(delays, maxTotalWait: TimeSpan.FromMinutes(5));
        Server.ScriptFaults(new FaultStep { Status = 429, RetryAfter = "600" });
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(600), ex.RetryAfter);
        Assert.Contains("10 min", ex.Message);
        Assert.Equal(TurnstileApiErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TurnstileOperation.ListWidgets, ex.Operation);
        Assert.Contains("MaxBlockWait", ex.Message);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task Rate_limit_waits_add_up_to_at_most_max_block_wait()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, maxRetries: 10, rateLimit: new RateLimitOptions { MaxBlockWait = TimeSpan.FromSeconds(5) });
        Server.ScriptFaults(Enumerable.Range(0, 4).Select(_ => new FaultStep { Status = 429, RetryAfter = "2" }).ToArray());
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) }, delays.Delays);
        Assert.Equal(3, (await Emulator.GetStatsAsync()).ListRequests);
    }

    [Fact]
    public async Task Server_error_waits_add_up_to_at_most_max_total_wait()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, maxRetries: 10, maxTotalWait: TimeSpan.FromSeconds(5));
        Server.ScriptFaults(Enumerable.Range(0, 4).Select(_ => new FaultStep { Status = 503, RetryAfter = "2" }).ToArray());
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) }, delays.Delays);
        Assert.Equal(3, (await Emulator.GetStatsAsync()).ListRequests);
    }

    [Fact]
    public async Task Retries_stop_at_max_retries_and_the_message_says_so()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, maxRetries: 2);
        Server.ScriptFaults(Enumerable.Range(0, 5).Select(_ => new FaultStep { Status = 503 }).ToArray());
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal(503, ex.StatusCode);
        Assert.Contains("after 3 attempts", ex.Message);
        Assert.Equal(3, (await Emulator.GetStatsAsync()).ListRequests);
        Assert.Equal(2, delays.Delays.Count);
    }

    [Fact]
    public async Task A_listing_page_is_retried_without_repeating_widgets()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        await Emulator.SeedWidgetsAsync(12);
        Server.ScriptFaults(new FaultStep(), new FaultStep { Drop = true });
        var widgets = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }));
        Assert.Equal(12, widgets.Select(w => w.Sitekey).Distinct().Count());
        Assert.Equal(12, widgets.Count);
        Assert.Equal(4, (await Emulator.GetStatsAsync()).ListRequests);
    }
}
