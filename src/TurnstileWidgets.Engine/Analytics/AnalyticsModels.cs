using System;
using System.Collections.Generic;

namespace TurnstileWidgets.Engine.Analytics
{
    /// <summary>What the counts are split by besides sitekey and event type.</summary>
    public enum AnalyticsGrouping
    {
        /// <summary>One total per sitekey and event type over the whole range.</summary>
        None,
        /// <summary>By UTC day (the dataset's <c>date</c>).</summary>
        Day,
        /// <summary>By UTC hour (the dataset's <c>datetimeHour</c>).</summary>
        Hour,
        /// <summary>By the widget's action tag (<c>action</c>).</summary>
        Action,
        /// <summary>By hostname (<c>hostname</c>).</summary>
        Hostname,
        /// <summary>By two-letter country code (<c>countryCode</c>).</summary>
        Country,
    }

    /// <summary>A count query over the <c>turnstileAdaptiveGroups</c> dataset.</summary>
    public sealed class AnalyticsQuery
    {
        /// <summary>The widgets to count; null or empty counts every sitekey of the account that has events.</summary>
        public IReadOnlyList<string>? Sitekeys { get; set; }
        /// <summary>The range's start (inclusive).</summary>
        public DateTimeOffset Since { get; set; }
        /// <summary>The range's end (exclusive).</summary>
        public DateTimeOffset Until { get; set; }
        /// <summary>The split besides sitekey and event type.</summary>
        public AnalyticsGrouping GroupBy { get; set; }
    }

    /// <summary>One group's count: a sitekey, an event type (verbatim, also ones this version does not know) and, when grouped, the group.</summary>
    public sealed class AnalyticsCount
    {
        /// <summary>The widget's sitekey.</summary>
        public string Sitekey { get; set; } = "";
        /// <summary>The raw event type, e.g. <c>challenge_issued</c>.</summary>
        public string EventType { get; set; } = "";
        /// <summary>The group's value as the API sent it (<c>2026-12-01</c>, <c>2026-12-01T10:00:00Z</c>, an action, a hostname, a country code); null when not grouped.</summary>
        public string? Group { get; set; }
        /// <summary>Events in the group (Cloudflare samples adaptively: the count is its estimate).</summary>
        public long Count { get; set; }
    }

    /// <summary>What a count query found.</summary>
    public sealed class AnalyticsResult
    {
        /// <summary>Every non-empty group, ordered by sitekey, event type and group.</summary>
        public IReadOnlyList<AnalyticsCount> Counts { get; set; } = Array.Empty<AnalyticsCount>();
        /// <summary>The dataset's limits, as the settings node reported them.</summary>
        public AnalyticsSettings? Settings { get; set; }
        /// <summary>GraphQL queries this call sent (settings included).</summary>
        public int Queries { get; set; }
    }

    /// <summary>The dataset's limits from <c>settings { turnstileAdaptiveGroups { ... } }</c>.</summary>
    public sealed class AnalyticsSettings
    {
        /// <summary>Whether the account may query the dataset.</summary>
        public bool Enabled { get; set; }
        /// <summary>The largest <c>limit</c> (rows per query).</summary>
        public int MaxPageSize { get; set; }
        /// <summary>The widest range one query may ask for.</summary>
        public TimeSpan MaxDuration { get; set; }
        /// <summary>How far back a query may reach.</summary>
        public TimeSpan NotOlderThan { get; set; }
    }

    /// <summary>Why a GraphQL query failed.</summary>
    public enum AnalyticsErrorKind
    {
        /// <summary>Anything not classified below; the API's messages are in <see cref="TurnstileAnalyticsException.Messages"/>.</summary>
        Other,
        /// <summary>The query named a field the schema does not have (<c>unknown field …</c>).</summary>
        UnknownField,
        /// <summary>The range is wider than the dataset allows (<c>query time range is too large</c>).</summary>
        TimeRangeTooLarge,
        /// <summary>The range starts before the oldest data the dataset keeps (<c>cannot request data older than …</c>).</summary>
        DataTooOld,
        /// <summary>The GraphQL budget of the credential is spent (<c>rate limiter budget depleted</c>; 300 queries per 5 minutes).</summary>
        BudgetDepleted,
        /// <summary>Too many queries of this credential are running at once; the query was retried and still refused.</summary>
        TooManyInProgress,
        /// <summary>The page size was refused (<c>limit must be positive number and not greater than …</c>).</summary>
        InvalidLimit,
        /// <summary>The credential was refused, or may not read the account's analytics.</summary>
        NotAuthorized,
        /// <summary>The settings node says the dataset is not enabled for the account.</summary>
        NotEnabled,
        /// <summary>The answer was not a GraphQL answer.</summary>
        UnexpectedAnswer,
    }

    /// <summary>A GraphQL Analytics query failed; <see cref="Kind"/> says why. GraphQL reports most failures with HTTP 200.</summary>
    public sealed class TurnstileAnalyticsException : TurnstileException
    {
        /// <summary>Creates the exception.</summary>
        public TurnstileAnalyticsException(string message, AnalyticsErrorKind kind, IReadOnlyList<string> messages, int statusCode, AnalyticsSettings? settings = null, TimeSpan? retryAfter = null)
            : base(message)
        {
            Kind = kind;
            Messages = messages;
            StatusCode = statusCode;
            Settings = settings;
            RetryAfter = retryAfter;
        }

        /// <summary>Why.</summary>
        public AnalyticsErrorKind Kind { get; }
        /// <summary>The <c>errors[].message</c> texts as the API sent them.</summary>
        public IReadOnlyList<string> Messages { get; }
        /// <summary>The HTTP status (usually 200).</summary>
        public int StatusCode { get; }
        /// <summary>The dataset's limits when they were known (range failures).</summary>
        public AnalyticsSettings? Settings { get; }
        /// <summary>How long to wait before trying again (budget failures).</summary>
        public TimeSpan? RetryAfter { get; }
    }

    /// <summary>
    /// The event types of the dataset (the Logpush <c>turnstile_events</c> EventType list) and what they add up to.
    /// The one owner of the rule "Solved = interactive + non-interactive" and its siblings.
    /// </summary>
    public static class TurnstileEventTypes
    {
        /// <summary>A challenge was shown (or run invisibly).</summary>
        public const string Issued = "challenge_issued";
        /// <summary>Solved without interaction.</summary>
        public const string NonInteractiveSolved = "challenge_non_interactive_solved";
        /// <summary>Solved with interaction.</summary>
        public const string InteractiveSolved = "challenge_interactive_solved";
        /// <summary>A non-interactive solve's token passed siteverify.</summary>
        public const string NonInteractiveSiteverifySolved = "challenge_non_interactive_siteverify_solved";
        /// <summary>An interactive solve's token passed siteverify.</summary>
        public const string InteractiveSiteverifySolved = "challenge_interactive_siteverify_solved";
        /// <summary>A clearance token passed siteverify.</summary>
        public const string ClearanceSiteverifySolved = "challenge_clearance_siteverify_solved";
        /// <summary>siteverify refused a token redeemed before.</summary>
        public const string SiteverifyFailedDoubleRedemption = "challenge_siteverify_failed_double_redemption";
        /// <summary>siteverify refused an invalid token.</summary>
        public const string SiteverifyFailedInvalidToken = "challenge_siteverify_failed_invalid_token";
        /// <summary>siteverify refused a token for another reason (e.g. expired).</summary>
        public const string SiteverifyFailedOther = "challenge_siteverify_failed_other";
        /// <summary>siteverify was rate limited.</summary>
        public const string SiteverifyRateLimited = "challenge_siteverify_ratelimited";

        /// <summary>Every documented type, in the documentation's order.</summary>
        public static readonly IReadOnlyList<string> All = new[]
        {
            Issued, NonInteractiveSolved, InteractiveSolved, NonInteractiveSiteverifySolved, InteractiveSiteverifySolved,
            ClearanceSiteverifySolved, SiteverifyFailedDoubleRedemption, SiteverifyFailedInvalidToken, SiteverifyFailedOther,
            SiteverifyRateLimited,
        };

        /// <summary>The types that count as solved.</summary>
        public static readonly IReadOnlyList<string> Solved = new[] { NonInteractiveSolved, InteractiveSolved };

        /// <summary>The types that count as a siteverify success.</summary>
        public static readonly IReadOnlyList<string> SiteverifySucceeded = new[] { NonInteractiveSiteverifySolved, InteractiveSiteverifySolved, ClearanceSiteverifySolved };

        /// <summary>The types that count as a siteverify failure (a rate-limited siteverify is a failed one).</summary>
        public static readonly IReadOnlyList<string> SiteverifyFailed = new[] { SiteverifyFailedDoubleRedemption, SiteverifyFailedInvalidToken, SiteverifyFailedOther, SiteverifyRateLimited };

        /// <summary>The totals of one widget's (or group's) counts by raw event type.</summary>
        public static EventTotals Total(IReadOnlyDictionary<string, long> countsByType)
        {
            if (countsByType == null)
            {
                throw new ArgumentNullException(nameof(countsByType));
            }
            long Sum(IReadOnlyList<string> types)
            {
                long sum = 0;
                foreach (string type in types)
                {
                    if (countsByType.TryGetValue(type, out long count))
                    {
                        sum += count;
                    }
                }
                return sum;
            }
            long issued = countsByType.TryGetValue(Issued, out long i) ? i : 0;
            long solved = Sum(Solved);
            return new EventTotals(issued, solved, Sum(SiteverifySucceeded), Sum(SiteverifyFailed));
        }
    }

    /// <summary>Issued, solved and siteverify totals; see <see cref="TurnstileEventTypes.Total"/>.</summary>
    public readonly struct EventTotals
    {
        /// <summary>Creates the totals.</summary>
        public EventTotals(long issued, long solved, long siteverifySucceeded, long siteverifyFailed)
        {
            Issued = issued;
            Solved = solved;
            SiteverifySucceeded = siteverifySucceeded;
            SiteverifyFailed = siteverifyFailed;
        }

        /// <summary><c>challenge_issued</c>.</summary>
        public long Issued { get; }
        /// <summary>Interactive plus non-interactive solves.</summary>
        public long Solved { get; }
        /// <summary>Tokens siteverify accepted.</summary>
        public long SiteverifySucceeded { get; }
        /// <summary>Tokens siteverify refused (and rate-limited siteverify calls).</summary>
        public long SiteverifyFailed { get; }
        /// <summary>Solved per issued challenge (0 to 1; 0 when none was issued). Sampling can make it exceed 1 slightly.</summary>
        public double SolveRate => Issued == 0 ? 0 : (double)Solved / Issued;
    }
}
