using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine
{
    /// <summary>Everything a <see cref="TurnstileClient"/> needs to reach one account.</summary>
    public sealed class TurnstileClientOptions
    {
        /// <summary>The real API's base URI.</summary>
        public static readonly Uri DefaultBaseUri = new Uri("https://api.cloudflare.com/client/v4/");

        /// <summary>
        /// The base URI as every client uses it (a trailing slash added, so paths resolve below it); throws
        /// <see cref="TurnstileValidationException"/> (field <c>base_url</c>) for anything but an absolute http(s) URL
        /// without user info, query or fragment. The one owner of that rule: callers that show a base URI use this.
        /// </summary>
        public static Uri NormalizeBaseUri(Uri baseUri)
        {
            if (baseUri == null)
            {
                throw new ArgumentNullException(nameof(baseUri));
            }
            return BaseUris.Normalize(baseUri, "base_url");
        }

        /// <summary>How requests authenticate. Required.</summary>
        public TurnstileCredential? Credential { get; set; }
        /// <summary>The account's 32-hex-character identifier. Required for widget operations.</summary>
        public string? AccountId { get; set; }
        /// <summary>The API's base URI; point it at the emulator to rehearse offline.</summary>
        public Uri BaseUri { get; set; } = DefaultBaseUri;
        /// <summary>
        /// The longest <see cref="RequestTimeout"/> or <see cref="OperationTimeout"/> (about 24.8 days): the most a .NET
        /// timer can wait (<see cref="int.MaxValue"/> milliseconds). For no bound at all, give
        /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.
        /// </summary>
        public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

        /// <summary>The default <see cref="RequestTimeout"/>: 30 seconds.</summary>
        public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);
        /// <summary>The default <see cref="OperationTimeout"/>: 2 minutes.</summary>
        public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromMinutes(2);

        /// <summary>How long one attempt may take before it counts as timed out (default 30 s); <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit.</summary>
        public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;
        /// <summary>
        /// How long one request may take with all its attempts and the backoff between them (default 2 minutes), so an API
        /// that never answers fails in bounded time; rate-limit waits are bounded by <see cref="RateLimitOptions.MaxBlockWait"/>
        /// instead. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit.
        /// </summary>
        public TimeSpan OperationTimeout { get; set; } = DefaultOperationTimeout;
        /// <summary>When and how failed requests are tried again.</summary>
        public RetryOptions Retry { get; set; } = new RetryOptions();
        /// <summary>How the rate limit's budget is spent (pacing) and how long a block is waited out; waits go through <see cref="RetryOptions.Delay"/>.</summary>
        public RateLimitOptions RateLimit { get; set; } = new RateLimitOptions();
        /// <summary>Replaces the innermost handler (tests, proxies); null uses a pooled socket handler.</summary>
        public HttpMessageHandler? PrimaryHandler { get; set; }

        /// <summary>The clock Retry-After dates are measured against when a response has no Date header, and pacing's clock (tests).</summary>
        internal Func<DateTimeOffset>? UtcNow { get; set; }
    }

    /// <summary>The retry policy. GET, PUT and DELETE are retried on any transient failure; POST only where it provably did not take effect.</summary>
    public sealed class RetryOptions
    {
        /// <summary>Retries after the first attempt (default 4); 0 turns retries off.</summary>
        public int MaxRetries { get; set; } = 4;
        /// <summary>The first backoff delay (default 500 ms); it doubles on each retry.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
        /// <summary>The largest single backoff delay (default 30 s). A server's Retry-After may exceed it up to <see cref="MaxTotalWait"/>.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>
        /// The most time one request may spend waiting between attempts after failures other than 429 (default 5 minutes);
        /// rate-limit waits have their own budget, <see cref="RateLimitOptions.MaxBlockWait"/>.
        /// </summary>
        public TimeSpan MaxTotalWait { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Randomises backoff delays so parallel clients do not retry in step (default on).</summary>
        public bool UseJitter { get; set; } = true;
        /// <summary>How every wait is carried out (retry backoff, Retry-After, pacing, blocks); tests replace it to record delays without sleeping.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (delay, cancellationToken) => Task.Delay(delay, cancellationToken);
    }

    /// <summary>One finished attempt, for a log: no body, and only the headers that describe the API's state (never a credential).</summary>
    public sealed class RequestRecord
    {
        /// <summary>HTTP method.</summary>
        public string Method { get; set; } = "";
        /// <summary>Path and query below the base URI.</summary>
        public string Path { get; set; } = "";
        /// <summary>The HTTP status, or null when no answer came.</summary>
        public int? StatusCode { get; set; }
        /// <summary>How long the attempt took.</summary>
        public TimeSpan Duration { get; set; }
        /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
        public int Attempt { get; set; }
        /// <summary>The answer's <c>Ratelimit</c> header (e.g. <c>"default";r=50;t=30</c>); null when absent or no answer came.</summary>
        public string? RateLimit { get; set; }
        /// <summary>The answer's <c>Ratelimit-Policy</c> header (e.g. <c>"burst";q=100;w=60</c>); null when absent.</summary>
        public string? RateLimitPolicy { get; set; }
        /// <summary>The answer's <c>Retry-After</c> header as sent (seconds or an HTTP date); null when absent.</summary>
        public string? RetryAfter { get; set; }
        /// <summary>Cloudflare's request id (<c>cf-ray</c>), for a support case; null when absent.</summary>
        public string? RayId { get; set; }
    }

    /// <summary>A wait before the next attempt, for a log or a progress display.</summary>
    public sealed class RetryNotice
    {
        /// <summary>HTTP method.</summary>
        public string Method { get; set; } = "";
        /// <summary>Path and query below the base URI.</summary>
        public string Path { get; set; } = "";
        /// <summary>The attempt that will follow the wait.</summary>
        public int NextAttempt { get; set; }
        /// <summary>How long the wait is.</summary>
        public TimeSpan Delay { get; set; }
        /// <summary>Why: e.g. <c>429 rate limited (Retry-After 30 s)</c>, <c>503</c>, <c>connection refused</c>.</summary>
        public string Reason { get; set; } = "";
        /// <summary>
        /// True when the same wait is then reported to an <see cref="IRateLimitObserver"/> as a
        /// <see cref="RateLimitWaitKind.Block"/> (a 429): an observer that shows rate-limit waits shows it there, once.
        /// </summary>
        public bool IsRateLimitWait { get; set; }
    }

    /// <summary>Receives what a client does; see <see cref="TurnstileClient.Observe"/>. Called on any thread.</summary>
    public interface IRequestObserver
    {
        /// <summary>An attempt finished, with or without an answer.</summary>
        void RequestCompleted(RequestRecord record);
        /// <summary>A retry wait is about to start. A rate-limit wait is also reported to an <see cref="IRateLimitObserver"/>.</summary>
        void RetryScheduled(RetryNotice notice);
    }
}
