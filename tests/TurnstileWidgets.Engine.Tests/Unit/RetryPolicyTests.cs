using System;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Retry_after_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter(null, "30", null, Now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter(null, "0", null, Now));
    }

    [Fact]
    public void Retry_after_ms_wins_over_seconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RetryPolicy.ParseRetryAfter("1500", "30", null, Now));
    }

    [Fact]
    public void Retry_after_http_date_is_measured_from_the_response_date()
    {
        string at = Now.AddSeconds(45).ToString("r");
        Assert.Equal(TimeSpan.FromSeconds(45), RetryPolicy.ParseRetryAfter(null, at, null, Now));
        // A server clock ahead of ours does not shorten the wait.
        Assert.Equal(TimeSpan.FromSeconds(45), RetryPolicy.ParseRetryAfter(null, at, Now, Now.AddSeconds(-600)));
    }

    [Fact]
    public void Retry_after_in_the_past_means_no_wait()
    {
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter(null, Now.AddSeconds(-5).ToString("r"), null, Now));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("soon", "later")]
    [InlineData("-5", "-5")]
    public void Unreadable_retry_after_is_ignored(string? ms, string? header)
    {
        Assert.Null(RetryPolicy.ParseRetryAfter(ms, header, null, Now));
    }

    [Fact]
    public void Backoff_doubles_and_caps_without_jitter()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(3), UseJitter = false };
        Assert.Equal(TimeSpan.FromMilliseconds(500), RetryPolicy.Backoff(options, 1, () => 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), RetryPolicy.Backoff(options, 2, () => 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), RetryPolicy.Backoff(options, 3, () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.Backoff(options, 4, () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.Backoff(options, 60, () => 0.5));
    }

    [Fact]
    public void Jitter_stays_in_the_upper_half_of_the_delay()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), UseJitter = true };
        Assert.Equal(TimeSpan.FromMilliseconds(1000), RetryPolicy.Backoff(options, 2, () => 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), RetryPolicy.Backoff(options, 2, () => 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RetryPolicy.Backoff(options, 2, () => 0.5));
    }

    [Theory]
    [InlineData("GET", 429, true)]
    [InlineData("POST", 429, true)]
    [InlineData("GET", 503, true)]
    [InlineData("PUT", 500, true)]
    [InlineData("DELETE", 502, true)]
    [InlineData("GET", 408, true)]
    [InlineData("POST", 503, false)]
    [InlineData("POST", 500, false)]
    [InlineData("POST", 408, false)]
    [InlineData("GET", 404, false)]
    [InlineData("GET", 400, false)]
    [InlineData("GET", 403, false)]
    public void Status_decisions(string method, int status, bool retry)
    {
        Assert.Equal(retry, RetryPolicy.IsRetryable(method, status, FailureKind.None, null));
    }

    [Theory]
    [InlineData("GET", "ConnectionFailed", true)]
    [InlineData("PUT", "Timeout", true)]
    [InlineData("POST", "ConnectionRefused", true)]
    [InlineData("POST", "ConnectionFailed", false)]
    [InlineData("POST", "Timeout", false)]
    [InlineData("GET", "HostNotFound", false)]
    public void Failure_decisions(string method, string failure, bool retry)
    {
        Assert.Equal(retry, RetryPolicy.IsRetryable(method, null, Enum.Parse<FailureKind>(failure), null));
    }

    [Fact]
    public void X_should_retry_overrides_the_default()
    {
        Assert.False(RetryPolicy.IsRetryable("GET", 503, FailureKind.None, false));
        Assert.False(RetryPolicy.IsRetryable("POST", 429, FailureKind.None, false));
        Assert.True(RetryPolicy.IsRetryable("POST", 503, FailureKind.None, true));
        Assert.True(RetryPolicy.IsRetryable("GET", 409, FailureKind.None, true));
    }

    [Fact]
    public void Retry_reasons_read_like_sentences()
    {
        Assert.Equal("429 rate limited, Retry-After 30 s", RetryHandler.Reason(429, FailureKind.None, null, TimeSpan.FromSeconds(30)));
        Assert.Equal("503 Service Unavailable", RetryHandler.Reason(503, FailureKind.None, null, null));
        Assert.Equal("connection refused", RetryHandler.Reason(null, FailureKind.ConnectionRefused, null, null));
        Assert.Equal("429 rate limited, Retry-After 250 ms", RetryHandler.Reason(429, FailureKind.None, null, TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void Defaults_match_the_documentation()
    {
        var options = new RetryOptions();
        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxTotalWait);
        Assert.True(options.UseJitter);
        Assert.Equal(TimeSpan.FromSeconds(30), new TurnstileClientOptions().RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), new TurnstileClientOptions().OperationTimeout);
    }
}
