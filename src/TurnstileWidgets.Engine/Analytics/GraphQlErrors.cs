using System;
using System.Collections.Generic;
using System.Linq;

namespace TurnstileWidgets.Engine.Analytics
{
    /// <summary>
    /// Classifies GraphQL failures. GraphQL answers most failures with HTTP 200 and <c>errors[]</c>, whose messages are
    /// the only signal (cloudflare-docs analytics/graphql-api/errors.mdx lists them), so the classification reads the
    /// documented message texts.
    /// </summary>
    internal static class GraphQlErrors
    {
        internal const string Path = "POST /graphql";

        internal static AnalyticsErrorKind Classify(int status, IReadOnlyList<string> messages)
        {
            foreach (string message in messages)
            {
                string text = message.ToLowerInvariant();
                if (text.Contains("budget depleted"))
                {
                    return AnalyticsErrorKind.BudgetDepleted;
                }
                if (text.Contains("too many queries in progress"))
                {
                    return AnalyticsErrorKind.TooManyInProgress;
                }
                if (text.Contains("time range") && text.Contains("too large"))
                {
                    return AnalyticsErrorKind.TimeRangeTooLarge;
                }
                if (text.Contains("older than"))
                {
                    return AnalyticsErrorKind.DataTooOld;
                }
                if (text.Contains("limit must be"))
                {
                    return AnalyticsErrorKind.InvalidLimit;
                }
                if (text.Contains("unknown field"))
                {
                    return AnalyticsErrorKind.UnknownField;
                }
                if (text.Contains("not authorized") || text.Contains("unauthorized") || text.Contains("authentication"))
                {
                    return AnalyticsErrorKind.NotAuthorized;
                }
            }
            return status == 401 || status == 403 ? AnalyticsErrorKind.NotAuthorized : AnalyticsErrorKind.Other;
        }

        /// <summary>The exception for <paramref name="kind"/>, with the API's own words and what to do (in the API's terms).</summary>
        internal static TurnstileAnalyticsException Create(AnalyticsErrorKind kind, int status, IReadOnlyList<string> messages, string accountId, AnalyticsSettings? settings, TimeSpan? retryAfter = null)
        {
            string said = messages.Count == 0 ? "" : ": " + string.Join("; ", messages.Select(WidgetValidator.Printable));
            string advice;
            switch (kind)
            {
                case AnalyticsErrorKind.TimeRangeTooLarge:
                    advice = settings != null
                        ? $"The dataset allows at most {Days(settings.MaxDuration)} per query (settings maxDuration {Seconds(settings.MaxDuration)}); ask for a shorter range."
                        : "Ask for a shorter range.";
                    break;
                case AnalyticsErrorKind.DataTooOld:
                    advice = settings != null
                        ? $"The dataset keeps {Days(settings.NotOlderThan)} of data (settings notOlderThan {Seconds(settings.NotOlderThan)}); start the range later."
                        : "Start the range later.";
                    break;
                case AnalyticsErrorKind.BudgetDepleted:
                    advice = "Cloudflare allows 300 GraphQL queries per 5 minutes per user; try again after 5 minutes.";
                    break;
                case AnalyticsErrorKind.TooManyInProgress:
                    advice = "Too many queries of this credential ran at once, even after retries; try again shortly.";
                    break;
                case AnalyticsErrorKind.InvalidLimit:
                    advice = "The page size was refused; report this, the client takes it from the dataset's settings.";
                    break;
                case AnalyticsErrorKind.UnknownField:
                    advice = "The API does not know a field this client asked for (the dataset is in beta and may have changed); report it.";
                    break;
                case AnalyticsErrorKind.NotAuthorized:
                    advice = $"Check the account id ({accountId}) and give the API token the 'Account Analytics Read' permission for it.";
                    break;
                case AnalyticsErrorKind.NotEnabled:
                    advice = "The turnstileAdaptiveGroups dataset is not enabled for this account.";
                    break;
                case AnalyticsErrorKind.UnexpectedAnswer:
                    advice = "Check that the base URL points at the Cloudflare API (or the emulator).";
                    break;
                default:
                    advice = "Read the API's message; try again, and report it if it persists.";
                    break;
            }
            string message = $"Cloudflare's GraphQL Analytics API refused the query ({Path}, HTTP {status}){said}. {advice}";
            return new TurnstileAnalyticsException(message, kind, messages, status, settings, retryAfter);
        }

        internal static string Days(TimeSpan span)
        {
            double days = span.TotalDays;
            if (days >= 1 && Math.Abs(days - Math.Round(days)) < 1e-9)
            {
                return Math.Round(days).ToString(System.Globalization.CultureInfo.InvariantCulture) + (Math.Round(days) == 1 ? " day" : " days");
            }
            return DurationText.Format(span);
        }

        private static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s";
    }
}
