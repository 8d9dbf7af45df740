using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class TransportTests : EmulatorTest
{
    public TransportTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    /// <summary>A loopback port that was just free: bound by the OS, then released, so nothing listens there.</summary>
    private static Uri RefusingBaseUri()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/client/v4/");
    }

    [Fact]
    public async Task A_refused_connection_is_retried_even_for_create_and_then_reported()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, maxRetries: 2, baseUri: RefusingBaseUri());
        var observer = new RecordingObserver();
        TurnstileTransportException ex;
        using (client.Observe(observer))
        {
            ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.CreateWidgetAsync(Definition()));
        }
        Assert.False(ex.IsTimeout);
        Assert.False(ex.RequestMayHaveTakenEffect);
        Assert.Contains("refused", ex.Message);
        Assert.Equal(2, delays.Delays.Count);
        Assert.Equal(new[] { 1, 2, 3 }, observer.Records.Select(r => r.Attempt));
        Assert.All(observer.Records, r => Assert.Null(r.StatusCode));
        Assert.All(observer.Notices, n => Assert.Equal("connection refused", n.Reason));
        Assert.All(observer.Records, r => Assert.DoesNotContain("127.0.0.1", r.Path));
    }

    [Fact]
    public async Task A_refused_connection_on_get_is_not_a_timeout()
    {
        using var client = Fixture.Client(maxRetries: 0, baseUri: RefusingBaseUri());
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.False(ex.IsTimeout);
        Assert.False(ex.RequestMayHaveTakenEffect);
        Assert.Equal("GET", ex.Method);
    }

    [Fact]
    public async Task A_slow_answer_times_out_per_attempt()
    {
        using var client = Fixture.Client(maxRetries: 0, requestTimeout: TimeSpan.FromSeconds(1));
        Server.ScriptFaults(new FaultStep { DelayMs = 30_000 });
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.True(ex.IsTimeout);
        Assert.Contains("timed out", ex.Message);
        Assert.Contains("RequestTimeout", ex.Message);
    }

    [Fact]
    public async Task A_timed_out_get_is_retried_and_succeeds()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, requestTimeout: TimeSpan.FromSeconds(1));
        var observer = new RecordingObserver();
        Server.ScriptFaults(new FaultStep { DelayMs = 30_000 });
        using (client.Observe(observer))
        {
            await client.GetWidgetPageAsync(new WidgetListQuery(), 1);
        }
        Assert.Equal(new int?[] { null, 200 }, observer.Records.Select(r => r.StatusCode));
        Assert.Equal("timed out", Assert.Single(observer.Notices).Reason);
    }

    [Fact]
    public async Task A_timed_out_create_is_not_repeated_and_may_have_taken_effect()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays, requestTimeout: TimeSpan.FromSeconds(1));
        Server.ScriptFaults(new FaultStep { DelayMs = 30_000 });
        var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.CreateWidgetAsync(Definition()));
        Assert.True(ex.IsTimeout);
        Assert.True(ex.RequestMayHaveTakenEffect);
        Assert.Empty(delays.Delays);
        Assert.Equal(1, (await Emulator.GetStatsAsync()).CreateRequests);
    }

    [Fact]
    public async Task Caller_cancellation_is_an_operation_canceled_exception_not_a_timeout()
    {
        using var client = Fixture.Client(requestTimeout: TimeSpan.FromSeconds(60));
        Server.ScriptFaults(new FaultStep { DelayMs = 30_000 });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var ex = await Record.ExceptionAsync(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1, cancellation.Token));
        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    [Fact]
    public async Task Caller_cancellation_during_a_retry_wait_is_honoured()
    {
        using var cancellation = new CancellationTokenSource();
        var retry = new RetryOptions
        {
            BaseDelay = TimeSpan.FromMilliseconds(1),
            UseJitter = false,
            Delay = (delay, token) =>
            {
                cancellation.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = Fixture.TokenCredential, AccountId = Emulator.AccountId, BaseUri = Emulator.BaseUri, Retry = retry });
        Server.ScriptFaults(new FaultStep { Status = 503 });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1, cancellation.Token));
        Assert.Equal(1, (await Emulator.GetStatsAsync()).ListRequests);
    }
}
