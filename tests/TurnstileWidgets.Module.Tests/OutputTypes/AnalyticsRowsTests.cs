using System;
using System.Collections.Generic;
using System.Linq;
using TurnstileWidgets.Engine.Analytics;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    /// <summary>Get-TurnstileAnalytics' rows from the engine's counts: one per widget (and group), zeros for a widget without events.</summary>
    public sealed class AnalyticsRowsTests
    {
        private static readonly DateTimeOffset Since = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        private static readonly DateTimeOffset Until = Since.AddDays(7);

        private static AnalyticsCount Count(string sitekey, string type, long count, string? group = null) =>
            new AnalyticsCount { Sitekey = sitekey, EventType = type, Count = count, Group = group };

        [Fact]
        public void OneRowPerWidgetInInputOrderWithZerosForTheIdleOnes()
        {
            var names = new Dictionary<string, string?> { ["b"] = "busy", ["i"] = "idle" };
            var counts = new[] { Count("b", "challenge_issued", 4), Count("b", "challenge_interactive_solved", 1), Count("b", "challenge_non_interactive_solved", 2), Count("x", "challenge_issued", 9) };

            List<TurnstileWidgetAnalytics> rows = AnalyticsRows.Build(new[] { "i", "b" }, names, counts, null, Since, Until, "acc").ToList();

            Assert.Equal(new[] { "idle", "busy" }, rows.Select(r => r.Name));
            Assert.Equal(0, rows[0].Issued);
            Assert.Empty(rows[0].EventCounts);
            Assert.Null(rows[0].Group);
            Assert.Equal(4, rows[1].Issued);
            Assert.Equal(3, rows[1].Solved);
            Assert.Equal(0.75, rows[1].SolveRate);
            Assert.Equal(Since, rows[1].Since);
            Assert.Equal(Until, rows[1].Until);
            Assert.Equal("acc", rows[1].AccountId);
        }

        [Fact]
        public void GroupedRowsComeOnePerGroupInOrderAndAnIdleWidgetKeepsOneRowOfZeros()
        {
            var names = new Dictionary<string, string?> { ["b"] = "busy", ["i"] = "idle" };
            var counts = new[] { Count("b", "challenge_issued", 4, "2026-12-02"), Count("b", "challenge_issued", 1, "2026-12-01"), Count("b", "challenge_siteverify_failed_other", 2, "2026-12-02") };

            List<TurnstileWidgetAnalytics> rows = AnalyticsRows.Build(new[] { "b", "i" }, names, counts, "Day", Since, Until, "acc").ToList();

            Assert.Equal(new[] { "2026-12-01", "2026-12-02", null }, rows.Select(r => r.Group));
            Assert.Equal(new long[] { 1, 4, 0 }, rows.Select(r => r.Issued));
            Assert.Equal(2, rows[1].SiteverifyFailed);
            Assert.All(rows, r => Assert.Equal("Day", r.GroupBy));
        }
    }
}
