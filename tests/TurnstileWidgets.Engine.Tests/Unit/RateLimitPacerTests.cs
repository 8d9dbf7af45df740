using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Transport;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class RateLimitPacerTests
{
    private static HttpResponseMessage Answer(string? limit, string? policy = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (limit != null)
        {
            response.Headers.TryAddWithoutValidation("Ratelimit", limit);
        }
        if (policy != null)
        {
            response.Headers.TryAddWithoutValidation("Ratelimit-Policy", policy);
        }
        return response;
    }

    [Fact]
    public void Reads_cloudflares_header_format()
    {
        RateLimitReport report = RateLimitReport.Read(Answer("\"default\";r=50;t=30", "\"burst\";q=100;w=60"))!.Value;
        Assert.Equal(50, report.Remaining);
        Assert.Equal(30, report.ResetSeconds);
        Assert.Equal(100, report.Quota);
        Assert.Equal(60, report.WindowSeconds);
    }

    [Fact]
    public void The_most_restrictive_of_several_limits_governs_and_bad_items_are_skipped()
    {
        RateLimitReport report = RateLimitReport.Read(Answer("\"a\";r=900;t=200, \"b\";r=7;t=4, \"c\";r=x;t=1, \"d\";t=9"))!.Value;
        Assert.Equal(7, report.Remaining);
        Assert.Equal(4, report.ResetSeconds);
        Assert.Null(report.Quota);
        Assert.Null(RateLimitReport.Read(Answer(null)));
        Assert.Null(RateLimitReport.Read(Answer("\"default\";q=5")));
    }

    [Fact]
    public void Fingerprints_name_one_budget_per_credential_and_api_and_hold_no_secret()
    {
        var api = new Uri("https://api.cloudflare.com/client/v4/");
        string a = TestSecrets.Token("token-value-one").BudgetFingerprint(api);
        Assert.Equal(a, TestSecrets.Token("token-value-one").BudgetFingerprint(new Uri("https://API.cloudflare.com/client/v4")));
        Assert.NotEqual(a, TestSecrets.Token("token-value-two").BudgetFingerprint(api));
        Assert.NotEqual(a, TestSecrets.Token("token-value-one").BudgetFingerprint(new Uri("http://127.0.0.1:5000/client/v4/")));
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.DoesNotContain("token-value-one", a);

        string key = TurnstileCredential.FromApiKey("User@Example.com", TestSecrets.Secure("key-1")).BudgetFingerprint(api);
        Assert.Equal(key, TurnstileCredential.FromApiKey("user@example.com", TestSecrets.Secure("key-1")).BudgetFingerprint(api));
        Assert.NotEqual(key, TurnstileCredential.FromApiKey("user@example.com", TestSecrets.Secure("key-2")).BudgetFingerprint(api));
    }

    [Fact]
    public void Defaults_cover_cloudflares_five_minute_block()
    {
        var options = new RateLimitOptions();
        Assert.True(options.Pace);
        Assert.True(options.MaxBlockWait > TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(6), options.MaxBlockWait);
        Assert.NotNull(new TurnstileClientOptions().RateLimit);
    }
}

/// <summary>The pacer alone, with a fake clock that only the recorded delays move.</summary>
public class RateLimitPacerSpreadTests
{
    private DateTimeOffset now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> delays = new();

    private PacingContext Context() => Context(TimeSpan.FromMinutes(6));

    private PacingContext Context(TimeSpan maxBlockWait) => new(() => now, (delay, _) =>
    {
        delays.Add(delay);
        now += delay;
        return Task.CompletedTask;
    }, maxBlockWait);

    private static HttpResponseMessage Budget(int r, int t, HttpStatusCode status = HttpStatusCode.OK, string? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("Ratelimit", $"\"default\";r={r};t={t}");
        response.Headers.TryAddWithoutValidation("Ratelimit-Policy", "\"burst\";q=10;w=10");
        if (retryAfter != null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }
        return response;
    }

    private static RequestInfo Info() => new("DELETE", "/accounts/a/challenges/widgets/x", TurnstileOperation.DeleteWidget);

    [Fact]
    public async Task The_remaining_quota_is_spread_evenly_over_the_window_then_one_probe_opens_the_next()
    {
        var pacer = new RateLimitPacer();
        PacingContext context = Context();
        RateLimitPacer.Ticket first = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.Empty(delays);
        pacer.Complete(first, Budget(9, 10), now);

        // 9 left over 10 s: about one a second, never a burst, and all inside the window.
        DateTimeOffset start = now;
        for (int i = 0; i < 9; i++)
        {
            RateLimitPacer.Ticket ticket = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
            int t = (int)Math.Ceiling(10 - (now - start).TotalSeconds);
            pacer.Complete(ticket, Budget(8 - i, t), now);
        }
        Assert.Equal(8, delays.Count);
        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 0.9, 1.2));
        Assert.True(now - start < TimeSpan.FromSeconds(10));

        // The quota is spent: the next request waits for the reset, and goes alone as the probe of the next window.
        delays.Clear();
        RateLimitPacer.Ticket probe = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.True(probe.IsProbe);
        TimeSpan waitedForReset = Assert.Single(delays);
        Assert.InRange(waitedForReset.TotalSeconds, 0.5, 1.5);
        Task<RateLimitPacer.Ticket> behind = pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.False(behind.IsCompleted);
        pacer.Complete(probe, Budget(9, 10), now);
        RateLimitPacer.Ticket next = await behind;
        Assert.False(next.IsProbe);
        Assert.Equal(9, pacer.Status(now)!.QuotaRemaining + 1);
    }

    [Fact]
    public async Task Requests_still_out_are_subtracted_from_what_an_answer_says_is_left()
    {
        var pacer = new RateLimitPacer();
        PacingContext context = Context();
        RateLimitPacer.Ticket a = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        RateLimitPacer.Ticket b = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        RateLimitPacer.Ticket c = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        // a's answer says 5 left, but b and c may not have been counted yet.
        pacer.Complete(a, Budget(5, 10), now);
        Assert.Equal(3, pacer.Status(now)!.QuotaRemaining);
        // Another tool spends the rest: a later answer lowers the count, never raises it within the window.
        pacer.Complete(b, Budget(0, 9), now);
        Assert.Equal(0, pacer.Status(now)!.QuotaRemaining);
        pacer.Complete(c, Budget(4, 9), now);
        Assert.Equal(0, pacer.Status(now)!.QuotaRemaining);
    }

    [Fact]
    public async Task A_429_with_the_budget_blocks_every_request_until_its_end_and_each_waits_once()
    {
        var pacer = new RateLimitPacer();
        PacingContext context = Context();
        RateLimitPacer.Ticket refused = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        DateTimeOffset? blockEnd = pacer.Complete(refused, Budget(0, 30, (HttpStatusCode)429, "30"), now);
        Assert.NotNull(blockEnd);
        Assert.Equal(TimeSpan.FromSeconds(30) + RateLimitPacer.Margin(TimeSpan.FromSeconds(30)), blockEnd!.Value - now);
        Assert.Equal(TimeSpan.FromSeconds(30.13), pacer.Status(now)!.BlockedFor);

        // Another request meets the block and waits it out once (then probes the new window).
        RateLimitPacer.Ticket other = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(30.13), Assert.Single(delays));
        Assert.True(other.IsProbe);

        // The refused request itself already waited (the retry handler did): it does not wait again.
        delays.Clear();
        var served = Info();
        served.BlockServedUntil = blockEnd.Value;
        now -= TimeSpan.FromSeconds(30.13);
        pacer.Complete(other, null, now);
        RateLimitPacer.Ticket retry = await pacer.AcquireAsync(context, served, CancellationToken.None);
        Assert.Empty(delays);
        Assert.True(retry.IsProbe);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task MaxBlockWait_never_shortens_pacing_neither_the_spread_nor_the_wait_for_a_spent_window(int maxBlockWaitSeconds)
    {
        var pacer = new RateLimitPacer();
        PacingContext context = Context(TimeSpan.FromSeconds(maxBlockWaitSeconds));
        RateLimitPacer.Ticket first = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        pacer.Complete(first, Budget(9, 10), now);

        DateTimeOffset start = now;
        for (int i = 0; i < 9; i++)
        {
            RateLimitPacer.Ticket ticket = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
            int t = (int)Math.Ceiling(10 - (now - start).TotalSeconds);
            pacer.Complete(ticket, Budget(8 - i, t), now);
        }

        // Spread as without a cap: about one a second (a cap of 0 used to send all nine at once).
        Assert.Equal(8, delays.Count);
        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 0.9, 1.2));

        // The window's quota is spent: the next request waits for the reset, however short the cap (it used to be
        // released after the cap, into the spent window).
        delays.Clear();
        DateTimeOffset windowEnd = start + TimeSpan.FromSeconds(10) + RateLimitPacer.Margin(TimeSpan.FromSeconds(10));
        RateLimitPacer.Ticket probe = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.True(probe.IsProbe);
        Assert.True(now >= windowEnd, $"released at {now:O}, before the window's reset at {windowEnd:O}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_known_block_longer_than_MaxBlockWait_fails_at_once_without_a_wait(int maxBlockWaitSeconds)
    {
        var pacer = new RateLimitPacer();
        PacingContext context = Context(TimeSpan.FromSeconds(maxBlockWaitSeconds));
        RateLimitPacer.Ticket refused = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        pacer.Complete(refused, Budget(0, 30, (HttpStatusCode)429, "30"), now);
        now += TimeSpan.FromSeconds(10);

        // It used to wait the cap (0 or 2 s) and then send the request into the block: a sure 429, which on Cloudflare
        // can extend the block. The request is refused before it is sent, saying how long the block still lasts.
        var error = await Assert.ThrowsAsync<TurnstileApiException>(() => pacer.AcquireAsync(context, Info(), CancellationToken.None));

        Assert.Empty(delays);
        Assert.Equal(TurnstileApiErrorKind.RateLimited, error.Kind);
        Assert.Equal(TurnstileOperation.DeleteWidget, error.Operation);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20.13), error.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(maxBlockWaitSeconds), error.MaxBlockWait);
        Assert.False(error.RequestMayHaveTakenEffect);
        Assert.Contains("DELETE /accounts/a/challenges/widgets/x was not sent", error.Message);
        Assert.Contains("20.1 s", error.Message);
        Assert.Contains("MaxBlockWait", error.Message);

        // Nothing is held: once the block is over, the next request goes (alone, as the probe of the next window).
        now += TimeSpan.FromSeconds(21);
        RateLimitPacer.Ticket after = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        Assert.True(after.IsProbe);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task A_block_within_MaxBlockWait_is_waited_in_full_margin_included()
    {
        // A Retry-After of exactly MaxBlockWait is allowed (the retry handler allows it too): the pacer's margin on top
        // of the block does not turn it into a refusal.
        var pacer = new RateLimitPacer();
        PacingContext context = Context(TimeSpan.FromSeconds(30));
        RateLimitPacer.Ticket refused = await pacer.AcquireAsync(context, Info(), CancellationToken.None);
        pacer.Complete(refused, Budget(0, 30, (HttpStatusCode)429, "30"), now);

        RateLimitPacer.Ticket next = await pacer.AcquireAsync(context, Info(), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(30.13), Assert.Single(delays));
        Assert.True(next.IsProbe);
    }

    [Fact]
    public async Task A_block_is_announced_once_however_many_requests_meet_it()
    {
        var pacer = new RateLimitPacer();
        RateLimitPacer.Ticket refused = await pacer.AcquireAsync(Context(), Info(), CancellationToken.None);
        DateTimeOffset blockEnd = pacer.Complete(refused, Budget(0, 30, (HttpStatusCode)429, "30"), now)!.Value;

        Assert.True(pacer.AnnounceBlock(blockEnd));
        Assert.False(pacer.AnnounceBlock(blockEnd));
        Assert.False(pacer.AnnounceBlock(blockEnd + TimeSpan.FromMilliseconds(300)));
        Assert.True(pacer.AnnounceBlock(blockEnd + TimeSpan.FromMinutes(5)));
    }
}
