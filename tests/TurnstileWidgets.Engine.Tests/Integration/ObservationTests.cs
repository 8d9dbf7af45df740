using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class ObservationTests : EmulatorTest
{
    public ObservationTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public async Task Records_cover_only_the_scope_and_nested_scopes_report_outward()
    {
        using var client = Fixture.Client();
        var outer = new RecordingObserver();
        var inner = new RecordingObserver();
        var created = await client.CreateWidgetAsync(Definition());
        using (client.Observe(outer))
        {
            await client.GetWidgetAsync(created.Sitekey);
            using (client.Observe(inner))
            {
                await client.DeleteWidgetAsync(created.Sitekey);
            }
            await client.VerifyTokenAsync();
        }
        await client.VerifyTokenAsync();

        Assert.Equal(new[] { "GET", "DELETE", "GET" }, outer.Records.Select(r => r.Method));
        var only = Assert.Single(inner.Records);
        Assert.Equal("DELETE", only.Method);
        Assert.Equal($"/accounts/{Emulator.AccountId}/challenges/widgets/{created.Sitekey}", only.Path);
        Assert.Equal(200, only.StatusCode);
        Assert.Equal(1, only.Attempt);
        Assert.True(only.Duration >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Concurrent_flows_do_not_see_each_others_requests()
    {
        using var client = Fixture.Client();
        var first = new RecordingObserver();
        var second = new RecordingObserver();
        async Task Run(RecordingObserver observer, int count)
        {
            using (client.Observe(observer))
            {
                for (int i = 0; i < count; i++)
                {
                    await client.VerifyTokenAsync();
                }
            }
        }
        await Task.WhenAll(Task.Run(() => Run(first, 3)), Task.Run(() => Run(second, 5)));
        Assert.Equal(3, first.Records.Count);
        Assert.Equal(5, second.Records.Count);
    }

    [Fact]
    public async Task A_throwing_observer_does_not_fail_the_request()
    {
        using var client = Fixture.Client();
        using (client.Observe(new ThrowingObserver()))
        {
            Assert.Equal("active", (await client.VerifyTokenAsync()).Status);
        }
    }

    [Fact]
    public async Task A_caller_supplied_primary_handler_is_used_and_not_disposed()
    {
        var handler = new CountingHandler();
        using (var client = new TurnstileClient(new TurnstileClientOptions { Credential = Fixture.TokenCredential, AccountId = Emulator.AccountId, BaseUri = Emulator.BaseUri, PrimaryHandler = handler }))
        {
            await client.VerifyTokenAsync();
            await client.VerifyTokenAsync();
        }
        Assert.Equal(2, handler.Count);
        // Still usable after the client is gone: the caller owns it.
        using var raw = new HttpClient(handler, disposeHandler: false);
        using var response = await raw.GetAsync(new Uri(Emulator.BaseUri, "user/tokens/verify"));
        Assert.Equal(3, handler.Count);
    }

    private sealed class ThrowingObserver : IRequestObserver
    {
        public void RequestCompleted(RequestRecord record) => throw new InvalidOperationException("observer broke");

        public void RetryScheduled(RetryNotice notice) => throw new InvalidOperationException("observer broke");
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public CountingHandler() : base(new SocketsHttpHandler())
        {
        }

        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
        {
            Count++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
