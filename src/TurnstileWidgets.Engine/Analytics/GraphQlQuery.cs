using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace TurnstileWidgets.Engine.Analytics
{
    /// <summary>
    /// Builds the GraphQL requests for <c>turnstileAdaptiveGroups</c>. Free of I/O so xunit can check the text. The query
    /// text is fixed per grouping; everything that varies (account, range, sitekeys, the page's moving filter) travels in
    /// variables, so no value is ever spliced into the query.
    /// </summary>
    internal static class GraphQlQuery
    {
        /// <summary>The dataset's name.</summary>
        internal const string Dataset = "turnstileAdaptiveGroups";

        /// <summary>The dimension a grouping reads; null for none.</summary>
        internal static string? Dimension(AnalyticsGrouping grouping)
        {
            switch (grouping)
            {
                case AnalyticsGrouping.None: return null;
                case AnalyticsGrouping.Day: return "date";
                case AnalyticsGrouping.Hour: return "datetimeHour";
                case AnalyticsGrouping.Action: return "action";
                case AnalyticsGrouping.Hostname: return "hostname";
                case AnalyticsGrouping.Country: return "countryCode";
                default: throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Unknown grouping.");
            }
        }

        /// <summary>The dimensions a page is ordered by, which are also its keys: siteKey, eventType, then the group's.</summary>
        internal static IReadOnlyList<string> Keys(AnalyticsGrouping grouping)
        {
            string? group = Dimension(grouping);
            return group == null ? new[] { "siteKey", "eventType" } : new[] { "siteKey", "eventType", group };
        }

        /// <summary>The counts query: one page of groups, ordered by its keys (the same order on every page).</summary>
        internal static string CountsText(AnalyticsGrouping grouping, int limit)
        {
            IReadOnlyList<string> keys = Keys(grouping);
            var orderBy = new StringBuilder();
            foreach (string key in keys)
            {
                orderBy.Append(orderBy.Length == 0 ? "" : ", ").Append(key).Append("_ASC");
            }
            return "query TurnstileCounts($accountTag: string!, $filter: AccountTurnstileAdaptiveGroupsFilter_InputObject!) {\n"
                + "  viewer {\n"
                + "    accounts(filter: {accountTag: $accountTag}) {\n"
                + "      " + Dataset + "(limit: " + limit.ToString(CultureInfo.InvariantCulture) + ", filter: $filter, orderBy: [" + orderBy + "]) {\n"
                + "        count\n"
                + "        dimensions { " + string.Join(" ", keys) + " }\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "}";
        }

        /// <summary>The settings query: the dataset's limits.</summary>
        internal const string SettingsText =
            "query TurnstileSettings($accountTag: string!) {\n"
            + "  viewer {\n"
            + "    accounts(filter: {accountTag: $accountTag}) {\n"
            + "      settings { " + Dataset + " { enabled maxPageSize maxDuration notOlderThan } }\n"
            + "    }\n"
            + "  }\n"
            + "}";

        /// <summary>
        /// The range as the API reads it, in whole seconds: the start rounded down and the end rounded up, so the seconds in
        /// which both fall are counted (by default the end is now, the second the newest events are in). The range checked
        /// against the dataset's maxDuration is this one, the one sent.
        /// </summary>
        internal static (DateTimeOffset Since, DateTimeOffset Until) WholeSeconds(DateTimeOffset since, DateTimeOffset until)
        {
            long sinceRest = since.UtcTicks % TimeSpan.TicksPerSecond;
            long untilRest = until.UtcTicks % TimeSpan.TicksPerSecond;
            return (since.AddTicks(-sinceRest), untilRest == 0 ? until : until.AddTicks(TimeSpan.TicksPerSecond - untilRest));
        }

        /// <summary>The time format of <c>Time</c> filters: RFC 3339 in UTC, to the second.</summary>
        internal static string FormatTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>
        /// The body <c>{query, variables}</c>. The filter is the range (<c>datetime_geq</c>, <c>datetime_lt</c>), the sitekeys
        /// (<c>siteKey_in</c>, when given) and, after the first page, the moving filter past <paramref name="after"/>: rows
        /// whose keys come after the last row's in the page order. Cloudflare has no cursors; this is its documented way.
        /// </summary>
        internal static byte[] CountsBody(string text, string accountTag, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<string>? sitekeys, IReadOnlyList<string> keys, IReadOnlyList<string>? after)
        {
            using (var stream = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    writer.WriteStartObject();
                    writer.WriteString("query", text);
                    writer.WriteStartObject("variables");
                    writer.WriteString("accountTag", accountTag);
                    writer.WriteStartObject("filter");
                    writer.WriteStartArray("AND");
                    WriteSingle(writer, "datetime_geq", FormatTime(since));
                    WriteSingle(writer, "datetime_lt", FormatTime(until));
                    if (sitekeys != null && sitekeys.Count > 0)
                    {
                        writer.WriteStartObject();
                        writer.WriteStartArray("siteKey_in");
                        foreach (string sitekey in sitekeys)
                        {
                            writer.WriteStringValue(sitekey);
                        }
                        writer.WriteEndArray();
                        writer.WriteEndObject();
                    }
                    if (after != null)
                    {
                        WriteAfter(writer, keys, after);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                return stream.ToArray();
            }
        }

        /// <summary>The settings body.</summary>
        internal static byte[] SettingsBody(string accountTag)
        {
            using (var stream = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    writer.WriteStartObject();
                    writer.WriteString("query", SettingsText);
                    writer.WriteStartObject("variables");
                    writer.WriteString("accountTag", accountTag);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                return stream.ToArray();
            }
        }

        // {OR: [{k0_gt: v0}, {k0: v0, k1_gt: v1}, {k0: v0, k1: v1, k2_gt: v2}]}: strictly after (v0, v1, v2) in the page order.
        private static void WriteAfter(Utf8JsonWriter writer, IReadOnlyList<string> keys, IReadOnlyList<string> after)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("OR");
            for (int i = 0; i < keys.Count; i++)
            {
                writer.WriteStartObject();
                for (int j = 0; j < i; j++)
                {
                    writer.WriteString(keys[j], after[j]);
                }
                writer.WriteString(keys[i] + "_gt", after[i]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private static void WriteSingle(Utf8JsonWriter writer, string field, string value)
        {
            writer.WriteStartObject();
            writer.WriteString(field, value);
            writer.WriteEndObject();
        }
    }
}
