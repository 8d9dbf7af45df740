using System;
using System.Globalization;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>The <c>-Verbose</c> lines: one per attempt and one per retry wait; never headers, bodies or secrets.</summary>
    internal static class RequestText
    {
        /// <summary><c>GET /accounts/…/challenges/widgets?page=2&amp;per_page=1000 -> 200 in 35 ms</c>, with the attempt when it is a retry.</summary>
        public static string Format(RequestRecord record)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            string outcome = record.StatusCode.HasValue
                ? record.StatusCode.Value.ToString(CultureInfo.InvariantCulture)
                : "no answer";
            string text = record.Method + " " + PathForDisplay(record.Path) + " -> " + outcome + " in " + FormatDuration(record.Duration);
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
            string text = "Waiting " + FormatDuration(notice.Delay) + " before attempt "
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

        /// <summary><c>35 ms</c> below a second, <c>1.5 s</c> or <c>30 s</c> below ten minutes, then <c>12 min</c>.</summary>
        public static string FormatDuration(TimeSpan duration)
        {
            if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
            if (duration.TotalSeconds < 1)
            {
                return Math.Round(duration.TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture) + " ms";
            }

            if (duration.TotalMinutes < 10)
            {
                return duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
            }

            return duration.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min";
        }
    }
}
