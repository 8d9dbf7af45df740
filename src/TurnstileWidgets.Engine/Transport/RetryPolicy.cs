using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>Why an attempt got no answer.</summary>
    internal enum FailureKind
    {
        /// <summary>An answer came.</summary>
        None,
        /// <summary>The connection was refused: nothing was sent.</summary>
        ConnectionRefused,
        /// <summary>The host name did not resolve: nothing was sent.</summary>
        HostNotFound,
        /// <summary>The connection failed or dropped, maybe after the request was sent.</summary>
        ConnectionFailed,
        /// <summary>The attempt's timeout ran out.</summary>
        Timeout,
    }

    /// <summary>The retry decisions, free of I/O so they can be tested on their own.</summary>
    internal static class RetryPolicy
    {
        internal const string ShouldRetryHeader = "x-should-retry";
        internal const string RetryAfterMsHeader = "retry-after-ms";

        internal static bool IsIdempotent(string method) =>
            !string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(method, "PATCH", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Whether an outcome may be tried again. POST (create, rotate) only where it provably did not
        /// take effect: 429 and a refused connection. A server's <c>x-should-retry</c> overrides the default.
        /// </summary>
        internal static bool IsRetryable(string method, int? statusCode, FailureKind failure, bool? serverSaysRetry)
        {
            if (statusCode.HasValue && serverSaysRetry.HasValue)
            {
                return serverSaysRetry.Value;
            }
            bool idempotent = IsIdempotent(method);
            if (statusCode.HasValue)
            {
                int status = statusCode.Value;
                if (status == 429)
                {
                    return true;
                }
                return idempotent && (status == 408 || (status >= 500 && status <= 599));
            }
            switch (failure)
            {
                case FailureKind.ConnectionRefused:
                    return true;
                case FailureKind.ConnectionFailed:
                case FailureKind.Timeout:
                    return idempotent;
                default:
                    return false;
            }
        }

        /// <summary>Reads <c>x-should-retry</c>: true, false, or null when absent or unreadable.</summary>
        internal static bool? ReadShouldRetry(HttpResponseHeaders headers)
        {
            if (headers.TryGetValues(ShouldRetryHeader, out var values))
            {
                string? value = values.FirstOrDefault()?.Trim();
                if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            return null;
        }

        /// <summary>The wait a response asks for: <c>retry-after-ms</c> first (finer), then <c>Retry-After</c>.</summary>
        internal static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
        {
            string? milliseconds = response.Headers.TryGetValues(RetryAfterMsHeader, out var msValues) ? msValues.FirstOrDefault() : null;
            string? retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null;
            return ParseRetryAfter(milliseconds, retryAfter, response.Headers.Date, now);
        }

        /// <summary>
        /// Parses the wait. An HTTP date is measured from the response's own <c>Date</c> when it has one,
        /// so a skewed local clock does not stretch or shrink the wait.
        /// </summary>
        internal static TimeSpan? ParseRetryAfter(string? retryAfterMs, string? retryAfter, DateTimeOffset? serverDate, DateTimeOffset now)
        {
            if (!string.IsNullOrWhiteSpace(retryAfterMs) &&
                double.TryParse(retryAfterMs!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) &&
                ms >= 0 && !double.IsInfinity(ms) && ms < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(ms);
            }
            if (string.IsNullOrWhiteSpace(retryAfter))
            {
                return null;
            }
            string text = retryAfter!.Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                return seconds > (long)TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
            }
            if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at) ||
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
            {
                TimeSpan wait = at - (serverDate ?? now);
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
            return null;
        }

        /// <summary>
        /// Exponential backoff for retry number <paramref name="retry"/> (1 = first retry): BaseDelay doubled each
        /// time, capped at MaxDelay; with jitter, a random point in the upper half so clients spread out but
        /// never retry instantly.
        /// </summary>
        internal static TimeSpan Backoff(RetryOptions options, int retry, Func<double>? random)
        {
            double baseMs = Math.Max(0, options.BaseDelay.TotalMilliseconds);
            double capMs = Math.Max(0, options.MaxDelay.TotalMilliseconds);
            double exponent = Math.Min(Math.Max(retry - 1, 0), 30);
            double ms = Math.Min(capMs, baseMs * Math.Pow(2, exponent));
            if (options.UseJitter && random != null)
            {
                ms = ms / 2 + (ms / 2 * random());
            }
            return TimeSpan.FromMilliseconds(ms);
        }
    }
}
