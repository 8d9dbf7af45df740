using System;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// One scripted outcome for the next matching request under /client/v4. A step with nothing set lets one request through
    /// untouched (useful to fail only the second request). Scripted steps come before the rate limit and random faults.
    /// </summary>
    public sealed class FaultStep
    {
        /// <summary>Answer with this HTTP status (400 to 599) and a Cloudflare-style error envelope instead of doing the operation.</summary>
        public int? Status { get; set; }
        /// <summary>The error code in the envelope (default: 971 for 429, 10000 + status for others).</summary>
        public int? Code { get; set; }
        /// <summary>The error message in the envelope (default: a message fitting the status).</summary>
        public string? Message { get; set; }
        /// <summary>A raw Retry-After header value, e.g. "2".</summary>
        public string? RetryAfter { get; set; }
        /// <summary>A retry-after-ms header value in milliseconds.</summary>
        public int? RetryAfterMs { get; set; }
        /// <summary>Send Retry-After as an HTTP-date two seconds after the emulator's wall clock (without the test offset).</summary>
        public bool RetryAfterDate { get; set; }
        /// <summary>A raw x-should-retry header value ("true" or "false").</summary>
        public string? XShouldRetry { get; set; }
        /// <summary>Abort the connection without any answer and without doing the operation.</summary>
        public bool Drop { get; set; }
        /// <summary>Do the operation (e.g. create the widget), then abort the connection before the answer is sent.</summary>
        public bool DropAfterCommit { get; set; }
        /// <summary>Wait this many milliseconds before going on (for client time-out tests); the wait ends if the client gives up.</summary>
        public int? DelayMs { get; set; }
        /// <summary>Only requests with this HTTP method match (case-insensitive); null matches any.</summary>
        public string? Method { get; set; }
        /// <summary>Only requests whose path contains this text (ordinal, case-insensitive) match; null matches any.</summary>
        public string? PathContains { get; set; }

        internal bool Matches(string method, string path) =>
            (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            && (PathContains is null || path.Contains(PathContains, StringComparison.OrdinalIgnoreCase));

        internal void Validate()
        {
            if (Status is int status && (status < 400 || status > 599))
            {
                throw new ArgumentException($"A fault step's status must be between 400 and 599, not {status}.");
            }

            if (RetryAfterMs is < 0)
            {
                throw new ArgumentException("A fault step's retry_after_ms must not be negative.");
            }

            if (DelayMs is < 0)
            {
                throw new ArgumentException("A fault step's delay_ms must not be negative.");
            }

            int outcomes = (Status is null ? 0 : 1) + (Drop ? 1 : 0) + (DropAfterCommit ? 1 : 0);
            if (outcomes > 1)
            {
                throw new ArgumentException("A fault step may set only one of status, drop and drop_after_commit.");
            }
        }
    }
}
