using System;
using System.Collections.Generic;
using TurnstileWidgets.Engine.Analytics;

namespace TurnstileWidgets
{
    /// <summary>Turns the engine's counts into one row per widget (and group); touches no PowerShell types, so xunit can call it.</summary>
    internal static class AnalyticsRows
    {
        /// <summary>
        /// Rows in the widgets' order; within a widget, by group. A widget without counts gets one row of zeros (Group null),
        /// which is what a clean-up filters on.
        /// </summary>
        internal static IEnumerable<TurnstileWidgetAnalytics> Build(IReadOnlyList<string> order, IReadOnlyDictionary<string, string?> names, IReadOnlyList<AnalyticsCount> counts, string? groupBy, DateTimeOffset since, DateTimeOffset until, string accountId)
        {
            var bySitekey = new Dictionary<string, SortedDictionary<string, EventCountTable>>(StringComparer.Ordinal);
            foreach (AnalyticsCount count in counts)
            {
                if (!bySitekey.TryGetValue(count.Sitekey, out SortedDictionary<string, EventCountTable>? groups))
                {
                    groups = new SortedDictionary<string, EventCountTable>(StringComparer.Ordinal);
                    bySitekey[count.Sitekey] = groups;
                }

                string group = count.Group ?? "";
                if (!groups.TryGetValue(group, out EventCountTable? byType))
                {
                    byType = new EventCountTable();
                    groups[group] = byType;
                }

                byType[count.EventType] = (byType.TryGetValue(count.EventType, out long sum) ? sum : 0) + count.Count;
            }

            foreach (string sitekey in order)
            {
                string name = names.TryGetValue(sitekey, out string? known) ? known ?? "" : "";
                if (!bySitekey.TryGetValue(sitekey, out SortedDictionary<string, EventCountTable>? groups) || groups.Count == 0)
                {
                    yield return Row(sitekey, name, groupBy, null, new EventCountTable(), since, until, accountId);
                    continue;
                }

                foreach (KeyValuePair<string, EventCountTable> group in groups)
                {
                    yield return Row(sitekey, name, groupBy, groupBy == null ? null : group.Key, group.Value, since, until, accountId);
                }
            }
        }

        private static TurnstileWidgetAnalytics Row(string sitekey, string name, string? groupBy, string? group, EventCountTable byType, DateTimeOffset since, DateTimeOffset until, string accountId)
        {
            EventTotals totals = TurnstileEventTypes.Total(byType);
            return new TurnstileWidgetAnalytics
            {
                Sitekey = sitekey,
                Name = name,
                GroupBy = groupBy,
                Group = group,
                Issued = totals.Issued,
                Solved = totals.Solved,
                SiteverifySucceeded = totals.SiteverifySucceeded,
                SiteverifyFailed = totals.SiteverifyFailed,
                SolveRate = totals.SolveRate,
                EventCounts = byType,
                Since = since,
                Until = until,
                AccountId = accountId,
            };
        }
    }
}
