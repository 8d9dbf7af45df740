using System;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// The <c>-Verbose</c> and <c>-Debug</c> lines and the rate-limit progress: one line per attempt, retry wait and
    /// rate-limit wait. Never a body, a credential or a secret; -Debug adds only the headers that describe the API's state.
    /// </summary>
    internal static class RequestText
    {
        /// <summary>The activity of the rate-limit progress record.</summary>
        public const string RateLimitActivity = "Waiting for the Cloudflare API rate limit";

        /// <summary>
        /// <c>HTTP GET /accounts/…/challenges/widgets?page=1&amp;per_page=1000 -> 200 in 35 ms (attempt 1); Ratelimit: "default";r=1199;t=300; Ratelimit-Policy: "burst";q=1200;w=300; cf-ray: …</c>
        /// </summary>
        public static string FormatDebug(RequestRecord record)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            var text = new StringBuilder("HTTP ");
            text.Append(record.Method).Append(' ').Append(PathForDisplay(record.Path)).Append(" -> ");
            text.Append(record.StatusCode.HasValue ? record.StatusCode.Value.ToString(CultureInfo.InvariantCulture) : "no answer");
            text.Append(" in ").Append(DurationText.Format(record.Duration));
            text.Append(" (attempt ").Append(record.Attempt.ToString(CultureInfo.InvariantCulture)).Append(')');
            AppendHeader(text, "Ratelimit", record.RateLimit);
            AppendHeader(text, "Ratelimit-Policy", record.RateLimitPolicy);
            AppendHeader(text, "Retry-After", record.RetryAfter);
            AppendHeader(text, "cf-ray", record.RayId);
            return text.ToString();
        }

        /// <summary><c>Waiting 4.8 s before GET /…: pacing: 57 of 120 requests left in this window, which resets in 6 s</c>.</summary>
        public static string Format(RateLimitWait wait)
        {
            if (wait == null) throw new ArgumentNullException(nameof(wait));
            string text = "Waiting " + DurationText.Format(wait.Delay) + " before " + wait.Method + " " + PathForDisplay(wait.Path);
            return string.IsNullOrEmpty(wait.Reason) ? text : text + ": " + wait.Reason;
        }

        /// <summary>
        /// The warning for a new rate-limit block: how long, why, and that Ctrl+C stops the command (the wait goes on
        /// otherwise, and the rest of the command with it).
        /// </summary>
        public static string BlockWarning(RateLimitWait wait)
        {
            if (wait == null) throw new ArgumentNullException(nameof(wait));
            TimeSpan blockFor = wait.WindowResetsIn.HasValue && wait.WindowResetsIn.Value > wait.Delay ? wait.WindowResetsIn.Value : wait.Delay;
            return "The Cloudflare API is refusing requests with this credential for " + DurationText.Format(blockFor)
                + " (rate limit exceeded, 429: the credential's quota is spent, perhaps by another tool or session). Waiting "
                + DurationText.Format(wait.Delay) + " before " + wait.Method + " " + PathForDisplay(wait.Path)
                + " and the rest of this command; press Ctrl+C to stop.";
        }

        /// <summary>The countdown of <paramref name="wait"/>, with <paramref name="left"/> of it to go.</summary>
        public static ProgressRecord Progress(RateLimitWait wait, TimeSpan left)
        {
            if (wait == null) throw new ArgumentNullException(nameof(wait));
            if (left < TimeSpan.Zero) left = TimeSpan.Zero;
            string status;
            if (wait.Kind == RateLimitWaitKind.Block)
            {
                status = "Blocked by the rate limit; going on in " + DurationText.Format(left) + " (Ctrl+C stops)";
            }
            else if (wait.QuotaRemaining.HasValue)
            {
                status = "Pacing requests: " + wait.QuotaRemaining.Value.ToString(CultureInfo.InvariantCulture)
                    + (wait.Quota.HasValue ? " of " + wait.Quota.Value.ToString(CultureInfo.InvariantCulture) : "")
                    + " left in this window"
                    + (wait.WindowResetsIn.HasValue ? ", the next opens in " + DurationText.Format(wait.WindowResetsIn.Value) : "");
            }
            else
            {
                status = "Pacing requests to stay within the rate limit";
            }

            var record = new ProgressRecord(MessagePump.RateLimitActivityId, RateLimitActivity, status)
            {
                CurrentOperation = string.IsNullOrEmpty(wait.Reason) ? wait.Method + " " + PathForDisplay(wait.Path) : wait.Reason,
                SecondsRemaining = (int)Math.Ceiling(left.TotalSeconds),
            };
            if (wait.Delay > TimeSpan.Zero)
            {
                record.PercentComplete = (int)Math.Max(0, Math.Min(100, 100 - (left.TotalMilliseconds * 100 / wait.Delay.TotalMilliseconds)));
            }

            return record;
        }

        /// <summary>Ends the rate-limit progress record.</summary>
        public static ProgressRecord RateLimitProgressCompleted() =>
            new ProgressRecord(MessagePump.RateLimitActivityId, RateLimitActivity, "Done") { RecordType = ProgressRecordType.Completed };

        private static void AppendHeader(StringBuilder text, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                text.Append("; ").Append(name).Append(": ").Append(value);
            }
        }
        /// <summary><c>GET /accounts/…/challenges/widgets?page=2&amp;per_page=1000 -> 200 in 35 ms</c>, with the attempt when it is a retry.</summary>
        public static string Format(RequestRecord record)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            string outcome = record.StatusCode.HasValue
                ? record.StatusCode.Value.ToString(CultureInfo.InvariantCulture)
                : "no answer";
            string text = record.Method + " " + PathForDisplay(record.Path) + " -> " + outcome + " in " + DurationText.Format(record.Duration);
            if (record.Attempt > 1)
            {
                text += " (attempt " + record.Attempt.ToString(CultureInfo.InvariantCulture) + ")";
            }

            return text;
        }

        /// <summary><c>Waiting 30 s before attempt 2 of GET /…: 429 rate limited</c>.</summary>
        public static string Format(RetryNotice notice)
        {
            if (notice == null) throw new ArgumentNullException(nameof(notice));
            string text = "Waiting " + DurationText.Format(notice.Delay) + " before attempt "
                + notice.NextAttempt.ToString(CultureInfo.InvariantCulture) + " of "
                + notice.Method + " " + PathForDisplay(notice.Path);
            if (!string.IsNullOrEmpty(notice.Reason))
            {
                text += ": " + notice.Reason;
            }

            return text;
        }

        /// <summary>The path as the API documents it: starting with one slash.</summary>
        public static string PathForDisplay(string? path)
        {
            if (string.IsNullOrEmpty(path)) return "/";
            return path![0] == '/' ? path : "/" + path;
        }
    }
}
