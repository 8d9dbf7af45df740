using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>How a dimension's values compare and print.</summary>
    internal enum DimensionKind
    {
        /// <summary>GraphQL <c>string</c>: compared ordinally.</summary>
        Text,
        /// <summary>GraphQL <c>uint32</c>/<c>float64</c>: in the schema, never recorded by the emulator.</summary>
        Number,
        /// <summary>GraphQL <c>Date</c> (YYYY-MM-DD).</summary>
        Date,
        /// <summary>GraphQL <c>Time</c> (RFC 3339), possibly truncated to a bucket.</summary>
        Time,
    }

    /// <summary>
    /// One field of <c>AccountTurnstileAdaptiveGroupsDimensions</c>: its name, type family, whether the emulator records
    /// it (the others exist in the schema but are never filled), and for Date/Time the truncation width in seconds
    /// (0 for <c>datetime</c> itself).
    /// </summary>
    internal sealed record Dimension(string Name, DimensionKind Kind, bool Recorded, long BucketSeconds)
    {
        /// <summary>The value of this dimension for a cell: Text gives <paramref name="text"/>, Date/Time microseconds since 1970.</summary>
        public void ValueOf(in EventKey key, out string? text, out long micros)
        {
            text = null;
            micros = 0;
            switch (Name)
            {
                case "siteKey": text = key.Sitekey; return;
                case "eventType": text = key.EventType; return;
                case "action": text = key.Action; return;
                case "hostname": text = key.Hostname; return;
                case "countryCode": text = key.CountryCode; return;
            }

            long seconds = BucketSeconds == 0 ? key.UnixSeconds : key.UnixSeconds - Mod(key.UnixSeconds, BucketSeconds);
            micros = seconds * 1_000_000;
        }

        /// <summary>The wire form of a value: the text, <c>YYYY-MM-DD</c>, or RFC 3339 UTC with a Z.</summary>
        public string Format(string? text, long micros) => Kind switch
        {
            DimensionKind.Date => DateTimeOffset.FromUnixTimeSeconds(micros / 1_000_000).UtcDateTime.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture),
            DimensionKind.Time => DateTimeOffset.FromUnixTimeSeconds(micros / 1_000_000).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture),
            _ => text ?? "",
        };

        private static long Mod(long value, long width) => ((value % width) + width) % width;
    }

    /// <summary>
    /// The part of Cloudflare's schema the emulator answers (see <c>turnstile-analytics.graphql</c>): the dimensions,
    /// the filter operators per type, the orderBy values, and the type names <c>__typename</c> gives.
    /// </summary>
    internal static class AnalyticsSchema
    {
        public const string Dataset = "turnstileAdaptiveGroups";

        public const string GroupsType = "AccountTurnstileAdaptiveGroups";
        public const string AvgType = "AccountTurnstileAdaptiveGroupsAvg";
        public const string DimensionsType = "AccountTurnstileAdaptiveGroupsDimensions";
        public const string SettingsType = "Settings";
        public const string AccountSettingsType = "AccountSettings";

        private const long Day = 86_400;

        public static readonly IReadOnlyList<Dimension> Dimensions = new[]
        {
            new Dimension("action", DimensionKind.Text, true, 0),
            new Dimension("asn", DimensionKind.Number, false, 0),
            new Dimension("browserMajor", DimensionKind.Number, false, 0),
            new Dimension("browserName", DimensionKind.Text, false, 0),
            new Dimension("countryCode", DimensionKind.Text, true, 0),
            new Dimension("date", DimensionKind.Date, true, Day),
            new Dimension("datetime", DimensionKind.Time, true, 0),
            new Dimension("datetimeDay", DimensionKind.Time, true, Day),
            new Dimension("datetimeFifteenMinutes", DimensionKind.Time, true, 900),
            new Dimension("datetimeFiveMinutes", DimensionKind.Time, true, 300),
            new Dimension("datetimeHalfOfHour", DimensionKind.Time, true, 1800),
            new Dimension("datetimeHour", DimensionKind.Time, true, 3600),
            new Dimension("datetimeMinute", DimensionKind.Time, true, 60),
            new Dimension("eventType", DimensionKind.Text, true, 0),
            new Dimension("hostname", DimensionKind.Text, true, 0),
            new Dimension("ipv4", DimensionKind.Text, false, 0),
            new Dimension("ipv6", DimensionKind.Text, false, 0),
            new Dimension("osMajor", DimensionKind.Number, false, 0),
            new Dimension("osName", DimensionKind.Text, false, 0),
            new Dimension("siteKey", DimensionKind.Text, true, 0),
            new Dimension("userAgent", DimensionKind.Text, false, 0),
        };

        private static readonly Dictionary<string, Dimension> ByName = Dimensions.ToDictionary(d => d.Name, StringComparer.Ordinal);

        /// <summary>The fields the emulator fills, as <c>settings.availableFields</c> lists them (nested ones as a path joined by "_").</summary>
        public static readonly IReadOnlyList<string> AvailableFields =
            new[] { "avg_sampleInterval", "count" }.Concat(Dimensions.Where(d => d.Recorded).Select(d => "dimensions_" + d.Name)).ToArray();

        /// <summary>The recorded dimension names, for messages.</summary>
        public static readonly string RecordedList = string.Join(", ", Dimensions.Where(d => d.Recorded).Select(d => d.Name));

        /// <summary>The fields of <c>Settings</c>.</summary>
        public static readonly IReadOnlyList<string> SettingsFields = new[] { "availableFields", "enabled", "maxDuration", "maxNumberOfFields", "maxPageSize", "notOlderThan" };

        public static Dimension? Find(string name) => ByName.TryGetValue(name, out Dimension? d) ? d : null;

        /// <summary>The suffixes a filter field may carry for a dimension of this kind ("" is equality).</summary>
        public static bool IsOperator(DimensionKind kind, string op) => op switch
        {
            "" or "geq" or "gt" or "in" or "leq" or "lt" or "neq" or "notin" => true,
            "like" or "notlike" => kind == DimensionKind.Text,
            _ => false,
        };
    }

    /// <summary>
    /// The dataset's node limits, as the settings node reports them. Cloudflare's real values depend on the plan and are
    /// not published; these defaults are the emulator's own, and the options change them.
    /// </summary>
    internal sealed record AnalyticsLimits(int MaxPageSize, int MaxNumberOfFields, long MaxDurationSeconds, long NotOlderThanSeconds)
    {
        public const int DefaultMaxPageSize = 10_000;
        public const int DefaultMaxNumberOfFields = 30;
        public const long DefaultMaxDurationSeconds = 2_678_400;
        public const long DefaultNotOlderThanSeconds = 7_776_000;
    }
}
