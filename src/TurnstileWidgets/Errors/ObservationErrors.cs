using System;
using System.Globalization;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Analytics;

namespace TurnstileWidgets.Errors
{
    /// <summary>The error ids of Get-TurnstileAnalytics, Test-TurnstileWidgetSecret and Connect-Turnstile -SiteverifyUri.</summary>
    internal static class ObservationErrorIds
    {
        /// <summary>-Until is not after -Since.</summary>
        public const string AnalyticsRangeInvalid = "TurnstileAnalyticsRangeInvalid";
        /// <summary>-Since to -Until is wider than Cloudflare's analytics allow in one query.</summary>
        public const string AnalyticsRangeTooLarge = "TurnstileAnalyticsRangeTooLarge";
        /// <summary>-Since is before the oldest analytics Cloudflare keeps.</summary>
        public const string AnalyticsDataTooOld = "TurnstileAnalyticsDataTooOld";
        /// <summary>The GraphQL budget (300 queries per 5 minutes) is spent.</summary>
        public const string AnalyticsBudgetDepleted = "TurnstileAnalyticsBudgetDepleted";
        /// <summary>The credential may not read the account's analytics.</summary>
        public const string AnalyticsAccessDenied = "TurnstileAnalyticsAccessDenied";
        /// <summary>Any other refused analytics query.</summary>
        public const string AnalyticsFailed = "TurnstileAnalyticsFailed";
        /// <summary>A sitekey has no widget in the account (its row counts events only).</summary>
        public const string AnalyticsWidgetNotFound = "TurnstileAnalyticsWidgetNotFound";
        /// <summary>A piped widget carries no secret to test.</summary>
        public const string SecretMissing = "TurnstileSecretMissing";
        /// <summary>siteverify's answer neither accepted nor refused the secret.</summary>
        public const string SecretCheckUndetermined = "TurnstileSecretCheckUndetermined";
        /// <summary>-SiteverifyUri is not a usable URL.</summary>
        public const string SiteverifyUriInvalid = "TurnstileSiteverifyUriInvalid";
    }

    /// <summary>Analytics and siteverify failures in PowerShell's terms (-Since, -Until), with the engine's exception kept.</summary>
    internal static class ObservationErrors
    {
        /// <summary>-Until at or before -Since.</summary>
        public static ErrorRecord RangeInvalid(DateTimeOffset since, DateTimeOffset until) => Record(
            ObservationErrorIds.AnalyticsRangeInvalid, ErrorCategory.InvalidArgument,
            string.Format(CultureInfo.InvariantCulture, "-Until ({0:u}) is not after -Since ({1:u}): the range is empty.", until.UtcDateTime, since.UtcDateTime),
            "Give an -Until later than -Since; by default -Since is 7 days ago and -Until is now.",
            until, new ArgumentException("-Until must be after -Since.", "Until"));

        /// <summary>A widget without its secret piped to Test-TurnstileWidgetSecret.</summary>
        public static ErrorRecord SecretMissing(string sitekey) => Record(
            ObservationErrorIds.SecretMissing, ErrorCategory.InvalidArgument,
            "The widget " + sitekey + " came without its secret: widgets from a listing never carry one.",
            "Pipe widgets from Invoke-TurnstileSecretRotation or Get-TurnstileWidget -Sitekey (which read the secret), or give -Sitekey and -Secret.",
            sitekey, new ArgumentException("The widget has no Secret.", "InputObject"));

        /// <summary>-Secret given, but empty: the user's own value, not a widget from a listing.</summary>
        public static ErrorRecord SecretEmpty(string sitekey) => Record(
            ObservationErrorIds.SecretMissing, ErrorCategory.InvalidArgument,
            "-Secret is empty: there is no secret to test for widget " + sitekey + ".",
            "Give -Secret the widget's secret as a SecureString (Read-Host -AsSecureString), or pipe the widget from Invoke-TurnstileSecretRotation.",
            sitekey, new ArgumentException("The secret is empty.", "Secret"));

        /// <summary>siteverify said neither yes nor no.</summary>
        public static ErrorRecord SecretCheckUndetermined(string sitekey, string[] codes) => Record(
            ObservationErrorIds.SecretCheckUndetermined, ErrorCategory.InvalidResult,
            "siteverify's answer for widget " + sitekey + " neither accepted nor refused the secret (error codes: " + (codes.Length == 0 ? "none" : string.Join(", ", codes)) + ").",
            "Try again later; internal-error answers were already retried. Check -SiteverifyUri of Connect-Turnstile if the codes are unexpected.",
            sitekey, new InvalidOperationException("siteverify answered " + string.Join(", ", codes)));

        /// <summary>-SiteverifyUri refused.</summary>
        public static ErrorRecord SiteverifyUriInvalid(Uri? uri, TurnstileValidationException exception) => Record(
            ObservationErrorIds.SiteverifyUriInvalid, ErrorCategory.InvalidArgument,
            "-SiteverifyUri " + exception.Message.Substring(exception.Message.IndexOf(':') + 1).Trim(),
            "Give an absolute http or https URL without user info, query or fragment, or leave -SiteverifyUri out for Cloudflare's.",
            uri, exception);

        /// <summary>A refused analytics query, said with the cmdlet's parameters.</summary>
        public static ErrorRecord Map(TurnstileAnalyticsException exception, object? target, DateTimeOffset? since, DateTimeOffset? until)
        {
            AnalyticsSettings? settings = exception.Settings;
            switch (exception.Kind)
            {
                case AnalyticsErrorKind.TimeRangeTooLarge:
                    string allowed = settings != null && settings.MaxDuration > TimeSpan.Zero ? Days(settings.MaxDuration) : "less";
                    return Record(ObservationErrorIds.AnalyticsRangeTooLarge, ErrorCategory.InvalidArgument,
                        since.HasValue && until.HasValue
                            ? string.Format(CultureInfo.InvariantCulture, "-Since {0:u} to -Until {1:u} spans {2}; Cloudflare's Turnstile analytics allow at most {3} per query (the dataset's settings say so).",
                                since.Value.UtcDateTime, until.Value.UtcDateTime, Days(until.Value - since.Value), allowed)
                            : exception.Message,
                        "Give a shorter range with -Since and -Until, and run the command once per part for a longer one.",
                        target, exception);
                case AnalyticsErrorKind.DataTooOld:
                    string kept = settings != null && settings.NotOlderThan > TimeSpan.Zero ? "the last " + Days(settings.NotOlderThan) : "a limited time";
                    return Record(ObservationErrorIds.AnalyticsDataTooOld, ErrorCategory.InvalidArgument,
                        since.HasValue
                            ? string.Format(CultureInfo.InvariantCulture, "-Since {0:u} is too far back: Cloudflare keeps Turnstile analytics for {1} only. ({2})", since.Value.UtcDateTime, kept, exception.Message)
                            : exception.Message,
                        "Give a later -Since.",
                        target, exception);
                case AnalyticsErrorKind.BudgetDepleted:
                    return Record(ObservationErrorIds.AnalyticsBudgetDepleted, ErrorCategory.LimitsExceeded, exception.Message,
                        "Wait 5 minutes and try again; Cloudflare allows 300 analytics queries per 5 minutes per user, apart from the 1,200 REST requests.",
                        target, exception);
                case AnalyticsErrorKind.NotAuthorized:
                case AnalyticsErrorKind.NotEnabled:
                    return Record(ObservationErrorIds.AnalyticsAccessDenied, ErrorCategory.PermissionDenied, exception.Message,
                        "Give the API token the 'Account Analytics Read' permission for this account (Connect-Turnstile -AccountId), then connect again.",
                        target, exception);
                default:
                    return Record(ObservationErrorIds.AnalyticsFailed, ErrorCategory.InvalidResult, exception.Message,
                        "Try again; if it keeps failing, run the command with -Verbose and report the output.",
                        target, exception);
            }
        }

        private static string Days(TimeSpan span)
        {
            double days = span.TotalDays;
            return days >= 1
                ? days.ToString(Math.Abs(days - Math.Round(days)) < 0.05 ? "0" : "0.#", CultureInfo.InvariantCulture) + (Math.Abs(days - 1) < 0.05 ? " day" : " days")
                : Math.Round(span.TotalHours, 1).ToString(CultureInfo.InvariantCulture) + " hours";
        }

        // The module's one shape of error record (a TurnstileCommandException around the cause, so one catch type serves all).
        private static ErrorRecord Record(string errorId, ErrorCategory category, string message, string recommendedAction, object? target, Exception exception) =>
            ErrorMapper.Record(errorId, category, message, recommendedAction, target, exception);
    }
}
