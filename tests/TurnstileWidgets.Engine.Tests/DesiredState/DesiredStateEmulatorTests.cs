using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.DesiredState;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.DesiredState;

/// <summary>Plans against a two-account emulator, applied the way a C# caller would, with the emulator's counters as witness.</summary>
public sealed class DesiredStateEmulatorTests : IAsyncLifetime
{
    private const string Staging = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    private const string Prod = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f";
    private InProcessEmulator emulator = null!;

    public async Task InitializeAsync() => emulator = await InProcessEmulator.StartAsync(new EmulatorOptions { AccountIds = new[] { Staging, Prod } });

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    private TurnstileClient Client(string account) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token(emulator.ApiToken),
        AccountId = account,
        BaseUri = emulator.BaseUri,
        Retry = new RecordedDelays().Options(0, null),
    });

    private async Task<long> Writes(string account)
    {
        EmulatorStatsReading stats = await emulator.GetStatsAsync(account);
        return stats.CreateRequests + stats.UpdateRequests + stats.DeleteRequests;
    }

    private static async Task ApplyAsync(TurnstileClient client, WidgetPlan plan)
    {
        foreach (WidgetChange change in plan.Changes)
        {
            switch (change.Action)
            {
                case WidgetChangeAction.Create: await client.CreateWidgetAsync(change.Definition!); break;
                case WidgetChangeAction.Update: await client.UpdateWidgetAsync(change.Sitekey!, change.Definition!); break;
                default: await client.DeleteWidgetAsync(change.Sitekey!); break;
            }
        }
    }

    private static async Task<WidgetPlan> PlanAsync(TurnstileClient client, string json, bool prune = false)
    {
        DesiredEntries entries = DesiredStateFile.ReadJson(json, "widgets.json");
        return WidgetPlanner.Plan(entries.Entries, await WidgetPlanner.ReadLiveAsync(client, CancellationToken.None), prune, entries.Invalid);
    }

    [Fact]
    public async Task Export_then_plan_is_clean_across_three_pages()
    {
        await emulator.SeedWidgetsAsync(2_500, "bulk-", Staging);
        using TurnstileClient staging = Client(Staging);
        IReadOnlyList<Widget> live = await WidgetPlanner.ReadLiveAsync(staging, CancellationToken.None);
        Assert.Equal(2_500, live.Count);
        Assert.Equal(3, (await emulator.GetStatsAsync(Staging)).ListRequests);
        string json = DesiredStateFile.WriteJson(live.Select(w => DesiredWidget.FromWidget(w, withSitekey: true)));
        Assert.True((await PlanAsync(staging, json, prune: true)).IsInSync);
        Assert.Equal(0, await Writes(Staging));
    }

    [Fact]
    public async Task Promotion_by_name_creates_then_updates_and_a_second_run_writes_nothing()
    {
        using TurnstileClient staging = Client(Staging);
        using TurnstileClient prod = Client(Prod);
        await staging.CreateWidgetAsync(new WidgetDefinition { Name = "shop", Domains = new List<string> { "shop.example.com" }, Mode = WidgetMode.Invisible, BotFightMode = true });
        await staging.CreateWidgetAsync(new WidgetDefinition { Name = "blog", Domains = new List<string> { "blog.example.com" }, Mode = WidgetMode.Managed });
        string file = DesiredStateFile.WriteJson((await WidgetPlanner.ReadLiveAsync(staging, CancellationToken.None)).Select(w => DesiredWidget.FromWidget(w, withSitekey: false)));

        WidgetPlan first = await PlanAsync(prod, file);
        Assert.Equal(new[] { WidgetChangeAction.Create, WidgetChangeAction.Create }, first.Changes.Select(c => c.Action));
        await ApplyAsync(prod, first);
        Assert.Equal(2, (await emulator.GetStatsAsync(Prod)).CreateRequests);
        Assert.True((await PlanAsync(prod, file)).IsInSync);

        string edited = file.Replace("\"Mode\": \"invisible\"", "\"Mode\": \"managed\"", StringComparison.Ordinal);
        WidgetChange update = Assert.Single((await PlanAsync(prod, edited)).Changes);
        Assert.Equal(WidgetChangeAction.Update, update.Action);
        Assert.Equal("Mode", Assert.Single(update.Changes).Property);
        await ApplyAsync(prod, await PlanAsync(prod, edited));
        long writes = await Writes(Prod);
        await ApplyAsync(prod, await PlanAsync(prod, edited));
        Assert.Equal(writes, await Writes(Prod));
        Assert.Equal(2, await Writes(Staging));
        Assert.Equal(2, emulator.Server.CountWidgets(Prod));
    }

    [Fact]
    public async Task Ambiguity_and_region_errors_plan_no_write()
    {
        using TurnstileClient prod = Client(Prod);
        await prod.CreateWidgetAsync(new WidgetDefinition { Name = "dup", Domains = new List<string> { "a.example.com" } });
        await prod.CreateWidgetAsync(new WidgetDefinition { Name = "dup", Domains = new List<string> { "b.example.com" } });
        await prod.CreateWidgetAsync(new WidgetDefinition { Name = "world", Domains = new List<string> { "w.example.com" } });
        long before = await Writes(Prod);

        WidgetPlan plan = await PlanAsync(prod, "[{\"Name\":\"dup\",\"Mode\":\"invisible\"},{\"Name\":\"world\",\"Region\":\"china\"}]", prune: true);
        Assert.Empty(plan.Changes);
        Assert.Equal(new[] { PlanProblemKind.AmbiguousName, PlanProblemKind.RegionChange }, plan.Problems.Select(p => p.Kind));
        await ApplyAsync(prod, plan);
        Assert.Equal(before, await Writes(Prod));
    }
}
