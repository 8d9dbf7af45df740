using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Tests.Unit;

/// <summary>The end of a chain under test: answers each attempt from a script, or throws, and remembers what it saw.</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> script = new();

    public int Calls;

    public ScriptedHandler Answer(HttpStatusCode status, Action<HttpResponseMessage>? headers = null)
    {
        script.Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent("{}") };
            headers?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public ScriptedHandler Throw(Exception exception)
    {
        script.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    /// <summary>Never answers: waits until the attempt's token is cancelled.</summary>
    public ScriptedHandler Hang()
    {
        script.Enqueue(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        Assert.True(script.TryDequeue(out var next), "The handler was called more often than scripted.");
        return next!(request, cancellationToken);
    }
}

internal static class Chain
{
    internal static HttpMessageInvoker Over(DelegatingHandler handler, HttpMessageHandler inner)
    {
        handler.InnerHandler = inner;
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    internal static HttpRequestMessage Request(string method = "GET", TurnstileOperation operation = TurnstileOperation.GetWidget, string path = "/accounts/a/challenges/widgets/0x4AAA")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1:1" + path);
        new RequestInfo(method, path, operation).AttachTo(request);
        return request;
    }

    internal static HttpRequestException Refused() =>
        new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
}

public class AttemptTimeoutHandlerTests
{
    [Fact]
    public async Task An_attempt_that_outlives_its_timeout_becomes_an_attempt_timeout()
    {
        using var invoker = Chain.Over(new AttemptTimeoutHandler(TimeSpan.FromMilliseconds(20)), new ScriptedHandler().Hang());

        await Assert.ThrowsAsync<AttemptTimeoutException>(() => invoker.SendAsync(Chain.Request(), CancellationToken.None));
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        using var invoker = Chain.Over(new AttemptTimeoutHandler(TimeSpan.FromHours(1)), new ScriptedHandler().Hang());
        using var cancellation = new CancellationTokenSource();

        Task<HttpResponseMessage> sending = invoker.SendAsync(Chain.Request(), cancellation.Token);
        cancellation.Cancel();

        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.IsNotType<AttemptTimeoutException>(error);
    }

    [Fact]
    public async Task An_answer_in_time_passes_through()
    {
        using var invoker = Chain.Over(new AttemptTimeoutHandler(TimeSpan.FromHours(1)), new ScriptedHandler().Answer(HttpStatusCode.NotFound));

        using HttpResponseMessage response = await invoker.SendAsync(Chain.Request(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public class ReportingHandlerTests
{
    [Fact]
    public async Task Each_answer_is_reported_with_the_state_headers_and_never_a_credential()
    {
        var observer = new RecordingObserver();
        var inner = new ScriptedHandler().Answer(HttpStatusCode.OK, r =>
        {
            r.Headers.TryAddWithoutValidation("Ratelimit", "\"default\";r=50;t=30");
            r.Headers.TryAddWithoutValidation("cf-ray", "8f00-LHR");
        });
        using var invoker = Chain.Over(new ReportingHandler(), inner);
        HttpRequestMessage request = Chain.Request();
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "secret-token-value");
        RequestInfo.Of(request).Attempts = 2;

        using (ObserverScope.Begin(observer))
        {
            using HttpResponseMessage _ = await invoker.SendAsync(request, CancellationToken.None);
        }

        RequestRecord record = Assert.Single(observer.Records);
        Assert.Equal(("GET", "/accounts/a/challenges/widgets/0x4AAA", 200, 2), (record.Method, record.Path, record.StatusCode!.Value, record.Attempt));
        Assert.Equal("\"default\";r=50;t=30", record.RateLimit);
        Assert.Equal("8f00-LHR", record.RayId);
        Assert.DoesNotContain(observer.AllText(), text => text.Contains("secret-token-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_attempt_without_an_answer_is_reported_without_a_status_and_the_failure_goes_on()
    {
        var observer = new RecordingObserver();
        using var invoker = Chain.Over(new ReportingHandler(), new ScriptedHandler().Throw(Chain.Refused()));

        using (ObserverScope.Begin(observer))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(Chain.Request(), CancellationToken.None));
        }

        Assert.Null(Assert.Single(observer.Records).StatusCode);
    }

    [Fact]
    public async Task Without_an_observer_nothing_is_recorded_and_the_answer_passes_through()
    {
        using var invoker = Chain.Over(new ReportingHandler(), new ScriptedHandler().Answer(HttpStatusCode.Created));

        using HttpResponseMessage response = await invoker.SendAsync(Chain.Request(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

public class PacingHandlerTests
{
    private DateTimeOffset now = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private PacingContext Context() => new(() => now, (delay, _) =>
    {
        now += delay;
        return Task.CompletedTask;
    }, TimeSpan.FromMinutes(6));

    [Fact]
    public async Task A_429_with_budget_headers_records_the_block_end_on_the_request()
    {
        var inner = new ScriptedHandler().Answer((HttpStatusCode)429, r =>
        {
            r.Headers.TryAddWithoutValidation("Ratelimit", "\"default\";r=0;t=30");
            r.Headers.TryAddWithoutValidation("Ratelimit-Policy", "\"burst\";q=10;w=10");
            r.Headers.TryAddWithoutValidation("Retry-After", "30");
        });
        using var invoker = Chain.Over(new PacingHandler(new RateLimitPacer(), Context()), inner);
        HttpRequestMessage request = Chain.Request("DELETE", TurnstileOperation.DeleteWidget);

        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(now + TimeSpan.FromSeconds(30) + RateLimitPacer.Margin(TimeSpan.FromSeconds(30)), RequestInfo.Of(request).AttemptBlockEnd);
    }

    [Fact]
    public async Task The_turn_is_given_back_when_the_attempt_fails_so_the_next_one_is_not_held()
    {
        var inner = new ScriptedHandler().Throw(Chain.Refused()).Answer(HttpStatusCode.OK);
        using var invoker = Chain.Over(new PacingHandler(new RateLimitPacer(), Context()), inner);

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(Chain.Request(), CancellationToken.None));
        HttpRequestMessage second = Chain.Request();
        Task<HttpResponseMessage> next = invoker.SendAsync(second, CancellationToken.None);

        Assert.True(next.IsCompleted, "The second attempt waited for a turn the failed one never gave back.");
        using HttpResponseMessage response = await next;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(RequestInfo.Of(second).AttemptBlockEnd);
    }
}

public class PacingAndRetryChainTests
{
    private DateTimeOffset now = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly RecordedDelays delays = new();

    [Fact]
    public async Task A_block_known_from_another_request_and_longer_than_MaxBlockWait_is_refused_before_sending()
    {
        var pacing = new PacingContext(() => now, delays.Options().Delay, TimeSpan.FromSeconds(2));
        var pacer = new RateLimitPacer();
        var inner = new ScriptedHandler().Answer((HttpStatusCode)429, r =>
        {
            r.Headers.TryAddWithoutValidation("Ratelimit", "\"default\";r=0;t=300");
            r.Headers.TryAddWithoutValidation("Ratelimit-Policy", "\"burst\";q=1200;w=300");
            r.Headers.TryAddWithoutValidation("Retry-After", "300");
        });
        var retry = new RetryHandler(delays.Options(), TimeSpan.FromSeconds(60), pacing, () => now, pacer)
        {
            InnerHandler = new PacingHandler(pacer, pacing) { InnerHandler = inner },
        };
        using var invoker = new HttpMessageInvoker(retry, disposeHandler: true);

        // The first request runs into the block itself: its 429 comes back (the wait asked for is beyond MaxBlockWait).
        using (HttpResponseMessage first = await invoker.SendAsync(Chain.Request("DELETE", TurnstileOperation.DeleteWidget), CancellationToken.None))
        {
            Assert.Equal(429, (int)first.StatusCode);
        }

        // The next one knows of the block: it fails at once, never reaching the wire (it used to wait 2 s and send).
        var error = await Assert.ThrowsAsync<TurnstileApiException>(() => invoker.SendAsync(Chain.Request("DELETE", TurnstileOperation.DeleteWidget), CancellationToken.None));

        Assert.Equal(1, inner.Calls);
        Assert.Empty(delays.Delays);
        Assert.Equal(TurnstileApiErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.MaxBlockWait);
    }
}

public class MaxBlockWaitPerRequestTests
{
    private DateTimeOffset now = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> waits = new();

    private static void Blocked(HttpResponseMessage response, int seconds)
    {
        response.Headers.TryAddWithoutValidation("Ratelimit", $"\"default\";r=0;t={seconds}");
        response.Headers.TryAddWithoutValidation("Ratelimit-Policy", "\"burst\";q=1200;w=300");
        response.Headers.TryAddWithoutValidation("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_request_waits_for_blocks_at_most_MaxBlockWait_in_all_the_pacers_wait_included()
    {
        Func<TimeSpan, CancellationToken, Task> delay = (wait, _) =>
        {
            waits.Add(wait);
            now += wait;
            return Task.CompletedTask;
        };
        var retryOptions = new RetryOptions { UseJitter = false, Delay = delay };
        var pacing = new PacingContext(() => now, delay, TimeSpan.FromSeconds(40));
        var pacer = new RateLimitPacer();
        // Another request ran into a 30 s block.
        RateLimitPacer.Ticket other = await pacer.AcquireAsync(pacing, new RequestInfo("GET", "/other"), CancellationToken.None);
        using (var refused = new HttpResponseMessage((HttpStatusCode)429))
        {
            Blocked(refused, 30);
            pacer.Complete(other, refused, now);
        }
        // This request waits that block out (30.13 s), is sent, and meets a fresh 30 s block (another tool spent the quota).
        var inner = new ScriptedHandler().Answer((HttpStatusCode)429, r => Blocked(r, 30)).Answer(HttpStatusCode.OK);
        var retry = new RetryHandler(retryOptions, TimeSpan.FromSeconds(60), pacing, () => now, pacer)
        {
            InnerHandler = new PacingHandler(pacer, pacing) { InnerHandler = inner },
        };
        using var invoker = new HttpMessageInvoker(retry, disposeHandler: true);
        HttpRequestMessage request = Chain.Request("DELETE", TurnstileOperation.DeleteWidget);

        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None);

        // 30.13 s waited already leaves 9.87 s of the 40 s: the second block is refused, not waited (it used to be, 60 s in all).
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(1, inner.Calls);
        Assert.Equal(TimeSpan.FromSeconds(30.13), Assert.Single(waits));
        Assert.Equal(TimeSpan.FromSeconds(40), RequestInfo.Of(request).MaxBlockWaitExceeded);
    }
}

public class RetryHandlerTests
{
    private readonly RecordedDelays delays = new();

    private RetryHandler Handler(int maxRetries = 4, TimeSpan? maxBlockWait = null) =>
        new(delays.Options(maxRetries), TimeSpan.FromSeconds(60),
            new PacingContext(() => DateTimeOffset.UtcNow, delays.Options().Delay, maxBlockWait ?? TimeSpan.FromMinutes(6)));

    [Fact]
    public async Task A_get_answered_503_is_tried_again_after_a_backoff()
    {
        var inner = new ScriptedHandler().Answer(HttpStatusCode.ServiceUnavailable).Answer(HttpStatusCode.OK);
        using var invoker = Chain.Over(Handler(), inner);
        HttpRequestMessage request = Chain.Request();

        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(2, RequestInfo.Of(request).Attempts);
        Assert.Single(delays.Delays);
        Assert.True(RequestInfo.Of(request).EarlierAttemptMayHaveTakenEffect);
    }

    [Fact]
    public async Task A_post_answered_503_is_not_repeated_and_the_answer_is_returned()
    {
        var inner = new ScriptedHandler().Answer(HttpStatusCode.ServiceUnavailable);
        using var invoker = Chain.Over(Handler(), inner);

        using HttpResponseMessage response = await invoker.SendAsync(Chain.Request("POST", TurnstileOperation.CreateWidget, "/accounts/a/challenges/widgets"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, inner.Calls);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_becomes_a_transport_exception_naming_the_operation()
    {
        var inner = new ScriptedHandler().Throw(Chain.Refused()).Throw(Chain.Refused()).Throw(Chain.Refused());
        using var invoker = Chain.Over(Handler(maxRetries: 2), inner);

        var error = await Assert.ThrowsAsync<TurnstileTransportException>(() => invoker.SendAsync(Chain.Request(), CancellationToken.None));

        Assert.Equal(3, inner.Calls);
        Assert.Equal(TurnstileOperation.GetWidget, error.Operation);
        Assert.False(error.IsTimeout);
        Assert.Contains("refused (after 3 attempts)", error.Message);
    }

    [Fact]
    public async Task An_attempt_timeout_is_retried_for_a_get_and_reported_as_a_timeout_at_the_end()
    {
        var timeout = new AttemptTimeoutException(TimeSpan.FromSeconds(60), new OperationCanceledException());
        var inner = new ScriptedHandler().Throw(timeout).Throw(timeout);
        using var invoker = Chain.Over(Handler(maxRetries: 1), inner);

        var error = await Assert.ThrowsAsync<TurnstileTransportException>(() => invoker.SendAsync(Chain.Request(), CancellationToken.None));

        Assert.True(error.IsTimeout);
        Assert.Equal(2, inner.Calls);
        Assert.Contains("60 s", error.Message);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_block_budget_returns_the_429_and_says_so_on_the_request()
    {
        var inner = new ScriptedHandler().Answer((HttpStatusCode)429, r => r.Headers.TryAddWithoutValidation("Retry-After", "600"));
        using var invoker = Chain.Over(Handler(maxBlockWait: TimeSpan.FromMinutes(1)), inner);
        HttpRequestMessage request = Chain.Request();

        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(600), RequestInfo.Of(request).RetryAfterBeyondBudget);
        Assert.Equal(TimeSpan.FromMinutes(1), RequestInfo.Of(request).BudgetLeft);
        Assert.Empty(delays.Delays);
    }
}
