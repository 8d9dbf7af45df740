using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>
/// Pacing against the emulator's rate limit, with no real sleeps: every wait goes through RetryOptions.Delay, which
/// records it and moves the emulator's clock forward by as much; the engine reads the same clock.
/// Each test has its own emulator and a fresh random token, so it has its own process-wide budget.
/// </summary>
public sealed class RateLimitPacingTests : IAsyncLifetime
{
    private InProcessEmulator emulator = null!;
    private readonly ConcurrentQueue<TimeSpan> waits = new();

    public async Task InitializeAsync()
    {
        emulator = await InProcessEmulator.StartAsync(new EmulatorOptions
        {
            ApiToken = "pacing-" + Guid.NewGuid().ToString("N"),
            RateLimit = "60/10",
            RateLimitBlockSeconds = 30,
        });
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    private TurnstileClient Client(RateLimitOptions? rateLimit = null, Func<TimeSpan, CancellationToken, Task>? delay = null) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token(emulator.ApiToken),
        AccountId = emulator.AccountId,
        BaseUri = emulator.BaseUri,
        RateLimit = rateLimit ?? new RateLimitOptions(),
        UtcNow = () => emulator.Server.UtcNow,
        Retry = new RetryOptions
        {
            UseJitter = false,
            Delay = delay ?? ((wait, cancellationToken) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                waits.Enqueue(wait);
                emulator.Server.AdvanceClock(wait);
                return Task.CompletedTask;
            }),
        },
    });

    private async Task<List<string>> SeedAsync(int count)
    {
        await emulator.SeedWidgetsAsync(count);
        using TurnstileClient lister = Client();
        var sitekeys = new List<string>();
        await foreach (Widget widget in lister.ListWidgetsAsync(new WidgetListQuery { PerPage = 1000 }))
        {
            sitekeys.Add(widget.Sitekey);
        }
        Assert.Equal(count, sitekeys.Count);
        return sitekeys;
    }

    /// <summary>Burns the quota with raw requests, as another tool on the same token would, until the block starts.</summary>
    private async Task BurnQuotaAsync()
    {
        using var raw = new HttpClient { BaseAddress = emulator.BaseUri };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.ApiToken);
        for (int i = 0; i <= 60; i++)
        {
            using HttpResponseMessage response = await raw.GetAsync($"accounts/{emulator.AccountId}/challenges/widgets?per_page=5");
            if ((int)response.StatusCode == 429)
            {
                break;
            }
        }
        Assert.Equal(1, (await emulator.GetStatsAsync()).RateLimitedResponses);
    }

    [Fact]
    public async Task A_bulk_run_under_60_per_10_s_gets_no_429_and_spreads_its_requests()
    {
        List<string> sitekeys = await SeedAsync(300);
        var observer = new RateLimitRecorder();
        using TurnstileClient client = Client();
        using (client.Observe(observer))
        {
            foreach (string sitekey in sitekeys)
            {
                await client.DeleteWidgetAsync(sitekey);
            }
        }

        Assert.Equal(0, (await emulator.GetStatsAsync()).RateLimitedResponses);
        Assert.Equal(0, emulator.Server.WidgetCount);
        Assert.Equal(300, (await emulator.GetStatsAsync()).DeleteRequests);
        // 301 requests at 60 per 10 s need at least 5 windows after the first: the waits moved the clock that far.
        TimeSpan advanced = TimeSpan.FromTicks(waits.Sum(w => w.Ticks));
        Assert.True(advanced >= TimeSpan.FromSeconds(40), advanced.ToString());
        // Spread, not burst: most requests waited for their turn, each for a fraction of the window.
        Assert.True(observer.Started.Count(w => w.Kind == RateLimitWaitKind.Pacing) > 250);
        Assert.All(observer.Started, w => Assert.Equal(60, w.Quota));
        Assert.All(observer.Started, w => Assert.Equal(TimeSpan.FromSeconds(10), w.Window));
        Assert.Equal(observer.Started.Count, observer.Ended.Count);
        Assert.DoesNotContain(observer.Started, w => w.Kind == RateLimitWaitKind.Block);
        Assert.Contains(observer.Started, w => w.Reason.StartsWith("pacing: ", StringComparison.Ordinal) && w.QuotaRemaining > 0);
    }

    [Fact]
    public async Task Three_concurrent_clients_on_one_credential_share_one_budget_and_get_no_429()
    {
        List<string> sitekeys = await SeedAsync(300);
        var clients = Enumerable.Range(0, 3).Select(_ => Client()).ToList();
        try
        {
            await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
            {
                for (int k = i; k < sitekeys.Count; k += 3)
                {
                    await client.DeleteWidgetAsync(sitekeys[k]);
                }
            })));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(0, (await emulator.GetStatsAsync()).RateLimitedResponses);
        Assert.Equal(0, emulator.Server.WidgetCount);
    }

    [Fact]
    public async Task The_budget_is_shared_by_client_instances_created_later()
    {
        List<string> sitekeys = await SeedAsync(10);
        using (TurnstileClient first = Client())
        {
            for (int i = 0; i < 5; i++)
            {
                await first.DeleteWidgetAsync(sitekeys[i]);
            }
        }

        using TurnstileClient second = Client();
        RateLimitStatus? status = second.GetRateLimitStatus();
        Assert.NotNull(status);
        // 1 listing + 5 deletes spent from 60.
        Assert.Equal(54, status!.QuotaRemaining);
        Assert.Equal(60, status.Quota);
        Assert.Equal(TimeSpan.FromSeconds(10), status.Window);

        await second.DeleteWidgetAsync(sitekeys[5]);
        Assert.Equal(53, second.GetRateLimitStatus()!.QuotaRemaining);
        using TurnstileClient unpaced = Client(new RateLimitOptions { Pace = false });
        Assert.Null(unpaced.GetRateLimitStatus());
    }

    [Fact]
    public async Task A_block_another_client_caused_is_waited_out_and_nothing_is_lost()
    {
        List<string> sitekeys = await SeedAsync(100);
        await BurnQuotaAsync();
        var observer = new RateLimitRecorder();
        using TurnstileClient client = Client();
        using (client.Observe(observer))
        {
            foreach (string sitekey in sitekeys)
            {
                await client.DeleteWidgetAsync(sitekey);
            }
        }

        Assert.Equal(0, emulator.Server.WidgetCount);
        // The raw client's refusal, and the one answer that told the engine about the block: nothing more.
        Assert.Equal(2, (await emulator.GetStatsAsync()).RateLimitedResponses);
        RateLimitWait block = Assert.Single(observer.Started, w => w.Kind == RateLimitWaitKind.Block);
        Assert.InRange(block.Delay, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30.2));
        Assert.Contains("429", block.Reason);
        Assert.Contains("429 rate limited", Assert.Single(observer.Retries).Reason);
        Assert.Same(block, observer.Ended.Single(w => w.Kind == RateLimitWaitKind.Block));
        Assert.False(block.Cancelled);
    }

    [Fact]
    public async Task Concurrent_requests_that_meet_a_block_all_wait_for_it_and_only_one_is_refused()
    {
        List<string> sitekeys = await SeedAsync(30);
        await BurnQuotaAsync();
        var observer = new RateLimitRecorder();
        var clients = Enumerable.Range(0, 3).Select(_ => Client()).ToList();
        try
        {
            using TurnstileClient first = clients[0];
            // One request learns of the block first; the others then meet it in the shared budget.
            using (first.Observe(observer))
            {
                await first.DeleteWidgetAsync(sitekeys[0]);
            }
            await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
            {
                for (int k = 1 + i; k < sitekeys.Count; k += 3)
                {
                    await client.DeleteWidgetAsync(sitekeys[k]);
                }
            })));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(0, emulator.Server.WidgetCount);
        Assert.Equal(2, (await emulator.GetStatsAsync()).RateLimitedResponses);
    }

    [Fact]
    public async Task A_known_block_longer_than_MaxBlockWait_fails_the_next_request_at_once_without_sending_it()
    {
        List<string> sitekeys = await SeedAsync(3);
        await BurnQuotaAsync();
        var observer = new RateLimitRecorder();
        using TurnstileClient client = Client(new RateLimitOptions { MaxBlockWait = TimeSpan.FromSeconds(2) });
        using (client.Observe(observer))
        {
            // The first request learns of the 30 s block from its own 429; 30 s is more than it may wait.
            var first = await Assert.ThrowsAsync<TurnstileApiException>(() => client.DeleteWidgetAsync(sitekeys[0]));
            Assert.Equal(TurnstileApiErrorKind.RateLimited, first.Kind);
            Assert.Equal(TimeSpan.FromSeconds(2), first.MaxBlockWait);
            long sent = (await emulator.GetStatsAsync()).TotalRequests;

            // The second knows the block is still on: refused before it is sent, nothing waited.
            var second = await Assert.ThrowsAsync<TurnstileApiException>(() => client.DeleteWidgetAsync(sitekeys[1]));

            Assert.Equal(sent, (await emulator.GetStatsAsync()).TotalRequests);
            Assert.Equal(TurnstileApiErrorKind.RateLimited, second.Kind);
            Assert.Equal(TurnstileOperation.DeleteWidget, second.Operation);
            Assert.Equal(TimeSpan.FromSeconds(2), second.MaxBlockWait);
            Assert.InRange(second.RetryAfter!.Value, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30.2));
            Assert.Contains("not sent", second.Message);
            Assert.Contains("MaxBlockWait", second.Message);
        }

        // The raw client's 429 and the first request's: no request was sent into the known block.
        Assert.Equal(2, (await emulator.GetStatsAsync()).RateLimitedResponses);
        Assert.Empty(waits);
        Assert.Empty(observer.Started);
        Assert.Equal(3, emulator.Server.WidgetCount);
    }

    [Fact]
    public async Task A_block_wait_ends_at_once_when_cancelled_and_says_so()
    {
        List<string> sitekeys = await SeedAsync(2);
        await BurnQuotaAsync();
        using var cancel = new CancellationTokenSource();
        var observer = new RateLimitRecorder { OnStarted = _ => cancel.Cancel() };
        // A delay that would never end by itself: only the token ends it.
        using TurnstileClient client = Client(delay: (wait, cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken));
        using (client.Observe(observer))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DeleteWidgetAsync(sitekeys[0], cancel.Token));
        }

        RateLimitWait wait = Assert.Single(observer.Ended);
        Assert.Equal(RateLimitWaitKind.Block, wait.Kind);
        Assert.True(wait.Cancelled);
        Assert.Equal(2, emulator.Server.WidgetCount);
    }

    [Fact]
    public async Task A_pacing_wait_for_a_spent_window_ends_at_once_when_cancelled()
    {
        emulator.Server.ConfigureRateLimit("3/300", blockSeconds: 30);
        List<string> sitekeys = await SeedAsync(5);
        using TurnstileClient client = Client();
        await client.DeleteWidgetAsync(sitekeys[0]);
        await client.DeleteWidgetAsync(sitekeys[1]);

        using var cancel = new CancellationTokenSource();
        var observer = new RateLimitRecorder { OnStarted = w => { if (w.Delay > TimeSpan.FromSeconds(100)) { cancel.Cancel(); } } };
        using TurnstileClient waiting = Client(delay: (wait, cancellationToken) => Task.Delay(wait > TimeSpan.FromSeconds(100) ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, cancellationToken));
        using (waiting.Observe(observer))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.DeleteWidgetAsync(sitekeys[2], cancel.Token));
        }

        RateLimitWait spent = observer.Ended.Single(w => w.Cancelled);
        Assert.Equal(RateLimitWaitKind.Pacing, spent.Kind);
        Assert.Equal(0, spent.QuotaRemaining);
        Assert.Contains("spent", spent.Reason);
        Assert.Equal(0, (await emulator.GetStatsAsync()).RateLimitedResponses);
        Assert.Equal(3, emulator.Server.WidgetCount);
    }

    [Fact]
    public async Task Without_pacing_the_client_only_reacts_to_429()
    {
        emulator.Server.ConfigureRateLimit("5/10");
        List<string> sitekeys = await SeedAsync(8);
        using TurnstileClient client = Client(new RateLimitOptions { Pace = false });
        foreach (string sitekey in sitekeys)
        {
            await client.DeleteWidgetAsync(sitekey);
        }
        Assert.Equal(0, emulator.Server.WidgetCount);
        Assert.True((await emulator.GetStatsAsync()).RateLimitedResponses >= 1);
    }

    [Fact]
    public async Task Against_an_api_without_the_headers_nothing_is_paced()
    {
        emulator.Server.ConfigureRateLimit(null);
        List<string> sitekeys = await SeedAsync(20);
        using TurnstileClient client = Client();
        foreach (string sitekey in sitekeys)
        {
            await client.DeleteWidgetAsync(sitekey);
        }
        Assert.Empty(waits);
        Assert.Null(client.GetRateLimitStatus());
    }

    private sealed class RateLimitRecorder : IRateLimitObserver
    {
        public ConcurrentQueue<RetryNotice> Retries { get; } = new();
        public List<RateLimitWait> Started { get; } = new();
        public List<RateLimitWait> Ended { get; } = new();
        public Action<RateLimitWait>? OnStarted { get; set; }

        public void RequestCompleted(RequestRecord record)
        {
        }

        public void RetryScheduled(RetryNotice notice) => Retries.Enqueue(notice);

        public void RateLimitWaitStarted(RateLimitWait wait)
        {
            lock (Started)
            {
                Started.Add(wait);
            }
            OnStarted?.Invoke(wait);
        }

        public void RateLimitWaitEnded(RateLimitWait wait)
        {
            lock (Ended)
            {
                Ended.Add(wait);
            }
        }
    }
}
