using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Analytics;

namespace TurnstileWidgets.Engine.Tests.Analytics;

/// <summary>The GraphQL budget alone, on a test clock: 300 queries per 5 minutes, waits through the delay seam.</summary>
public sealed class GraphQlBudgetTests
{
    private DateTimeOffset now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> waits = new();

    private Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        waits.Add(delay);
        now += delay;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ThreeHundredQueriesStartAtOnceAndTheNextWaitsForTheOldestToLeaveTheWindow()
    {
        var budget = new GraphQlBudget(GraphQlBudget.Quota, GraphQlBudget.Window);
        for (int i = 0; i < 300; i++)
        {
            await budget.AcquireAsync(() => now, Delay, "/graphql", CancellationToken.None);
            now += TimeSpan.FromMilliseconds(100);
        }
        Assert.Empty(waits);

        await budget.AcquireAsync(() => now, Delay, "/graphql", CancellationToken.None);

        TimeSpan wait = Assert.Single(waits);
        // The first query started 30 s ago: it leaves the window 270 s from now, plus the pacer's margin.
        Assert.InRange(wait, TimeSpan.FromSeconds(270), TimeSpan.FromSeconds(271));
    }

    [Fact]
    public async Task ADepletedBudgetBlocksTheNextQueryForFiveMinutes()
    {
        var budget = new GraphQlBudget(GraphQlBudget.Quota, GraphQlBudget.Window);
        budget.MarkDepleted(now);

        await budget.AcquireAsync(() => now, Delay, "/graphql", CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(5), Assert.Single(waits));
    }

    [Fact]
    public void EachCredentialHasItsOwnBudget()
    {
        Assert.Same(GraphQlBudget.For("a"), GraphQlBudget.For("a"));
        Assert.NotSame(GraphQlBudget.For("a"), GraphQlBudget.For("b"));
    }
}
