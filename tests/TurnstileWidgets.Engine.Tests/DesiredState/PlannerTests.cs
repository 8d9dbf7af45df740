using System;
using System.Collections.Generic;
using System.Linq;
using TurnstileWidgets.Engine.DesiredState;
using D = System.Collections.Generic.Dictionary<string, object>;

namespace TurnstileWidgets.Engine.Tests.DesiredState;

/// <summary>The plan without any request: matching, the region rule, left-out properties, pruning, bad entries.</summary>
public class PlannerTests
{
    private static Widget Live(string name, string sitekey, WidgetMode mode = WidgetMode.Managed, params string[] domains) => new()
    {
        Name = name,
        Sitekey = sitekey,
        Domains = domains.Length == 0 ? new[] { name + ".example.com" } : domains,
        Mode = mode,
        Region = WidgetRegion.World,
        ClearanceLevel = ClearanceLevel.NoClearance,
    };

    private static DesiredEntries Entries(params D[] rows) =>
        DesiredStateFile.Read(rows.Select(r => (IEnumerable<KeyValuePair<string, object?>>?)(IEnumerable<KeyValuePair<string, object>>)r), "widgets.json");

    private static WidgetPlan Plan(DesiredEntries entries, bool prune = false, params Widget[] live) =>
        WidgetPlanner.Plan(entries.Entries, live, prune, entries.Invalid);

    [Fact]
    public void An_entry_equal_to_the_widget_plans_nothing()
    {
        Widget shop = Live("shop", "0x4AAAAAAAshop");
        DesiredWidget exported = DesiredWidget.FromWidget(shop, withSitekey: true);
        DesiredEntries entries = DesiredStateFile.ReadJson(DesiredStateFile.WriteJson(new[] { exported }), "widgets.json");
        Assert.True(Plan(entries, true, shop).IsInSync);
    }

    [Fact]
    public void Update_lists_each_differing_property_and_sends_every_setting()
    {
        Widget shop = Live("shop", "0x4AAAAAAAshop", WidgetMode.Invisible, "a.example.com", "b.example.com");
        shop.BotFightMode = true;
        WidgetPlan plan = Plan(Entries(new D { ["Name"] = "shop", ["Mode"] = "managed", ["Domains"] = new[] { "a.example.com" } }), false, shop);

        WidgetChange change = Assert.Single(plan.Changes);
        Assert.Equal(WidgetChangeAction.Update, change.Action);
        Assert.Equal("0x4AAAAAAAshop", change.Sitekey);
        Assert.Equal(new[] { "Domains", "Mode" }, change.Changes.Select(c => c.Property));
        Assert.Equal("invisible", change.Changes[1].Current);
        Assert.Equal("managed", change.Changes[1].Desired);
        Assert.Equal(WidgetMode.Managed, change.Definition!.Mode);
        Assert.True(change.Definition.BotFightMode);
        Assert.Equal(WidgetRegion.World, change.Definition.Region);
        Assert.Equal(new[] { "a.example.com" }, change.Definition.Domains);
    }

    [Fact]
    public void Two_entries_giving_one_name_are_a_problem_when_either_brings_the_name_and_fine_when_both_keep_it()
    {
        Widget first = Live("first", "0x4AAAAAAAfirst");
        Widget other = Live("other", "0x4AAAAAAAother");
        Widget twin = Live("other", "0x4AAAAAAAtwin");

        WidgetPlan renameOntoMatch = Plan(Entries(
            new D { ["Sitekey"] = first.Sitekey, ["Name"] = "other" },
            new D { ["Name"] = "other", ["Domains"] = new[] { "other.example.com" } }), false, first, other);
        WidgetPlan renameOntoCreate = Plan(Entries(
            new D { ["Name"] = "renamed", ["Domains"] = new[] { "new.example.com" } },
            new D { ["Sitekey"] = first.Sitekey, ["Name"] = "renamed" }), false, first);
        WidgetPlan twinsKept = Plan(Entries(
            new D { ["Sitekey"] = other.Sitekey, ["Name"] = "other" },
            new D { ["Sitekey"] = twin.Sitekey, ["Name"] = "other" }), false, other, twin);

        Assert.Equal(PlanProblemKind.DuplicateEntry, Assert.Single(renameOntoMatch.Problems).Kind);
        Assert.Contains("entry 1 of widgets.json", renameOntoMatch.Problems[0].Message);
        Assert.Equal(PlanProblemKind.DuplicateEntry, Assert.Single(renameOntoCreate.Problems).Kind);
        Assert.Empty(twinsKept.Problems);
    }

    [Fact]
    public void A_sitekey_entry_renames_and_a_missing_sitekey_is_an_error_never_a_create()
    {
        Widget shop = Live("shop", "0x4AAAAAAAshop");
        WidgetPlan plan = Plan(Entries(
            new D { ["Name"] = "store", ["Sitekey"] = "0x4AAAAAAAshop" },
            new D { ["Name"] = "gone", ["Domains"] = "gone.example.com", ["Sitekey"] = "0x4AAAAAAAgone" }), false, shop);

        Assert.Equal("store", Assert.Single(plan.Changes).Name);
        PlanProblem problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemKind.SitekeyNotFound, problem.Kind);
        Assert.Equal("0x4AAAAAAAgone", problem.Target);
        Assert.StartsWith("entry 2 of widgets.json:", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_two_widgets_share_is_an_error_for_that_entry_only_and_pruning_spares_them()
    {
        WidgetPlan plan = Plan(Entries(
            new D { ["Name"] = "blog", ["Mode"] = "invisible" },
            new D { ["Name"] = "news", ["Mode"] = "invisible" }), true,
            Live("blog", "0x4AAAAAAAblog1"), Live("blog", "0x4AAAAAAAblog2"), Live("news", "0x4AAAAAAAnews"));

        Assert.Equal(PlanProblemKind.AmbiguousName, Assert.Single(plan.Problems).Kind);
        Assert.Equal("news", Assert.Single(plan.Changes).Name);
    }

    [Fact]
    public void A_region_change_is_refused()
    {
        WidgetPlan plan = Plan(Entries(new D { ["Name"] = "shop", ["Region"] = "china", ["Mode"] = "invisible" }), false, Live("shop", "0x4AAAAAAAshop"));
        Assert.Empty(plan.Changes);
        Assert.Equal(PlanProblemKind.RegionChange, Assert.Single(plan.Problems).Kind);
    }

    [Fact]
    public void Left_out_and_blank_properties_are_left_alone()
    {
        Widget shop = Live("shop", "0x4AAAAAAAshop", WidgetMode.Invisible);
        shop.BotFightMode = true;
        Assert.True(Plan(Entries(new D { ["name"] = "shop", ["BotFightMode"] = "", ["Mode"] = "" }), false, shop).IsInSync);
        WidgetChange change = Assert.Single(Plan(Entries(new D { ["Name"] = "shop", ["BotFightMode"] = false }), false, shop).Changes);
        Assert.Equal(false, change.Changes.Single().Desired);
    }

    [Fact]
    public void Remove_appears_only_when_pruning_and_in_name_order()
    {
        Widget[] live = { Live("zeta", "0x4AAAAAAAz"), Live("alpha", "0x4AAAAAAAa"), Live("keep", "0x4AAAAAAAk") };
        DesiredEntries entries = Entries(new D { ["Name"] = "keep" });
        Assert.Empty(Plan(entries, false, live).Changes);
        Assert.Equal(new[] { "alpha", "zeta" }, Plan(entries, true, live).Changes.Select(c => c.Name));
        Assert.All(Plan(entries, true, live).Changes, c => Assert.Equal(WidgetChangeAction.Remove, c.Action));
    }

    [Fact]
    public void Create_needs_domains_and_two_entries_may_not_create_the_same_name()
    {
        WidgetPlan plan = Plan(Entries(
            new D { ["Name"] = "new", ["Domains"] = "a.example.com, b.example.com" },
            new D { ["Name"] = "new", ["Domains"] = "c.example.com" },
            new D { ["Name"] = "nodomains" }));
        WidgetChange create = Assert.Single(plan.Changes);
        Assert.Equal(new[] { "a.example.com", "b.example.com" }, create.Definition!.Domains);
        Assert.Null(create.Definition.Region);
        Assert.Equal(new[] { PlanProblemKind.DuplicateEntry, PlanProblemKind.InvalidEntry }, plan.Problems.Select(p => p.Kind));
    }

    [Theory]
    [InlineData("Colour", "blue", "'Colour' is not a widget property")]
    [InlineData("Domains", "https://x.example.com/", "Domains: 'https://x.example.com/' has a scheme")]
    [InlineData("BotFightMode", "perhaps", "is not true or false")]
    public void A_bad_entry_names_the_file_and_index_and_stops_every_change(string property, string value, string expected)
    {
        WidgetPlan plan = Plan(Entries(
            new D { ["Name"] = "shop", ["Mode"] = "invisible" },
            new D { ["Name"] = "blog", [property] = value }), true, Live("shop", "0x4AAAAAAAshop"), Live("other", "0x4AAAAAAAother"));
        Assert.Empty(plan.Changes);
        PlanProblem problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemKind.InvalidEntry, problem.Kind);
        Assert.Equal("blog", problem.Target);
        Assert.StartsWith("entry 2 of widgets.json: ", problem.Message, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Eleven_domains_are_left_to_the_api()
    {
        DesiredEntries entries = Entries(new D { ["Name"] = "many", ["Domains"] = Enumerable.Range(1, 11).Select(i => $"d{i}.example.com").ToArray() });
        Assert.Empty(entries.Invalid);
    }
}

/// <summary>The file forms: stable, sorted, LF, no secret, and read back to the same entries.</summary>
public class DesiredStateFileTests
{
    private static readonly DesiredWidget[] Two =
    {
        new() { Name = "shop", Domains = new[] { "shop.example.com" }, Mode = "invisible", Region = "world", ClearanceLevel = "no_clearance", BotFightMode = true, EphemeralId = false, Offlabel = false, Sitekey = "0x4AAAAAAAshop" },
        new() { Name = "blog 'x'", Domains = new[] { "blog.example.com", "203.0.113.1" }, Mode = "managed" },
    };

    [Fact]
    public void Json_is_sorted_indented_and_ends_in_one_newline()
    {
        string json = DesiredStateFile.WriteJson(Two);
        Assert.Equal(json, DesiredStateFile.WriteJson(Two.Reverse()));
        Assert.StartsWith("[\n  {\n    \"Name\": \"blog 'x'\",\n    \"Domains\": [\n      \"blog.example.com\",\n", json, StringComparison.Ordinal);
        Assert.EndsWith("    \"Sitekey\": \"0x4AAAAAAAshop\"\n  }\n]\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        Assert.Equal("[]\n", DesiredStateFile.WriteJson(Array.Empty<DesiredWidget>()));

        DesiredEntries read = DesiredStateFile.ReadJson(json, "w.json");
        Assert.Empty(read.Invalid);
        Assert.Equal(json, DesiredStateFile.WriteJson(read.Entries));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("$true")]
    public void Settings_that_are_yes_or_no_take_booleans_only_CSV_text_is_the_modules_to_read(string text)
    {
        DesiredEntries read = DesiredStateFile.Read(new[] { new[] { new KeyValuePair<string, object?>("Name", "x"), new KeyValuePair<string, object?>("Offlabel", text) } }, "rows");
        Assert.Empty(read.Entries);
        Assert.Contains("is not true or false", Assert.Single(read.Invalid).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_can_reach_a_file()
    {
        var widget = new Widget { Name = "shop", Sitekey = "0x4AAAAAAAshop", Secret = "0x4AAAAAAAsecret-value", Domains = new[] { "a.example.com" } };
        DesiredWidget entry = DesiredWidget.FromWidget(widget, withSitekey: true);
        Assert.DoesNotContain("secret-value", DesiredStateFile.WriteJson(new[] { entry }), StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(DesiredWidget).GetProperties(), p => p.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("{\"Name\":\"x\"}", "not an array")]
    [InlineData("[{\"Name\":", "not valid JSON")]
    public void A_file_that_is_not_an_array_is_refused_whole(string json, string expected)
    {
        var e = Assert.Throws<TurnstileValidationException>(() => DesiredStateFile.ReadJson(json, "w.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("w.json", e.Message, StringComparison.Ordinal);
    }
}
