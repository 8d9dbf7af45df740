using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

/// <summary>
/// How a widget is read from the wire (the engine's one widget converter), over a scripted loopback server: every field,
/// the vocabularies in any spelling WireNames accepts, values this version does not know, and malformed answers.
/// </summary>
public class WidgetJsonTests
{
    private const string Account = "0123456789abcdef0123456789abcdef";
    private const string Sitekey = "0x4AAAAAAAA0000000000001";

    private static TurnstileClient Client(ScriptedServer server) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token("scripted-token"),
        AccountId = Account,
        BaseUri = server.BaseUri,
        Retry = new RecordedDelays().Options(0),
    });

    private static string Item(string fields) => "{" + fields + "}";

    private static string One(string item) => """{"success":true,"errors":[],"messages":[],"result":""" + item + "}";

    private static string Page(params string[] items) =>
        """{"success":true,"errors":[],"messages":[],"result":[""" + string.Join(",", items)
        + "],\"result_info\":{\"page\":1,\"per_page\":1000,\"count\":" + items.Length + ",\"total_count\":" + items.Length + "}}";

    private const string Full = "\"sitekey\":\"" + Sitekey + "\",\"secret\":\"0x4AAAAAAAA-secret\",\"name\":\"shop\",\"domains\":[\"example.com\",\"example.net\"],"
        + "\"mode\":\"invisible\",\"region\":\"china\",\"clearance_level\":\"jschallenge\",\"bot_fight_mode\":true,\"ephemeral_id\":true,"
        + "\"offlabel\":true,\"created_on\":\"2014-01-01T05:20:00.123123Z\",\"modified_on\":\"2015-02-03T04:05:06+01:00\","
        + "\"deployed_via\":\"api\",\"last_modified_via\":\"dashboard\"";

    private static async Task<Widget> GetAsync(string body)
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, body));
        using var client = Client(server);
        return await client.GetWidgetAsync(Sitekey);
    }

    private static async Task<List<Widget>> ListAsync(string body)
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, body));
        using var client = Client(server);
        var widgets = new List<Widget>();
        await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery()))
        {
            widgets.Add(widget);
        }
        return widgets;
    }

    [Fact]
    public async Task Every_field_of_a_widget_is_read()
    {
        Widget widget = await GetAsync(One(Item(Full)));
        Assert.Equal(Sitekey, widget.Sitekey);
        Assert.Equal("0x4AAAAAAAA-secret", widget.Secret);
        Assert.Equal("shop", widget.Name);
        Assert.Equal(new[] { "example.com", "example.net" }, widget.Domains);
        Assert.Equal(WidgetMode.Invisible, widget.Mode);
        Assert.Equal(WidgetRegion.China, widget.Region);
        Assert.Equal(ClearanceLevel.JsChallenge, widget.ClearanceLevel);
        Assert.True(widget.BotFightMode);
        Assert.True(widget.EphemeralId);
        Assert.True(widget.Offlabel);
        Assert.Equal(new DateTimeOffset(2014, 1, 1, 5, 20, 0, TimeSpan.Zero).AddTicks(1231230), widget.CreatedOn);
        Assert.Equal(new DateTimeOffset(2015, 2, 3, 4, 5, 6, TimeSpan.FromHours(1)), widget.ModifiedOn);
        Assert.Equal("api", widget.DeployedVia);
        Assert.Equal("dashboard", widget.LastModifiedVia);
        Assert.Empty(widget.UnrecognizedValues);
    }

    [Fact]
    public async Task A_listing_drops_a_secret_even_when_a_list_item_carries_one()
    {
        List<Widget> widgets = await ListAsync(Page(Item(Full)));
        Widget widget = Assert.Single(widgets);
        Assert.Null(widget.Secret);
        Assert.Equal("shop", widget.Name);
    }

    [Fact]
    public async Task Vocabulary_in_another_case_or_with_spaces_is_read_as_wire_names_parse_it()
    {
        Widget widget = await GetAsync(One(Item("\"sitekey\":\"" + Sitekey + "\",\"mode\":\"Non-Interactive\",\"region\":\" CHINA \",\"clearance_level\":\"Interactive\"")));
        Assert.Equal(WidgetMode.NonInteractive, widget.Mode);
        Assert.Equal(WidgetRegion.China, widget.Region);
        Assert.Equal(ClearanceLevel.Interactive, widget.ClearanceLevel);
        Assert.Empty(widget.UnrecognizedValues);
    }

    [Fact]
    public async Task Unknown_vocabulary_is_kept_and_a_missing_mode_is_noted_as_empty()
    {
        Widget unknown = await GetAsync(One(Item("\"sitekey\":\"" + Sitekey + "\",\"mode\":\"adaptive\",\"region\":\"mars\",\"clearance_level\":\"strict\"")));
        Assert.Equal(WidgetMode.Managed, unknown.Mode);
        Assert.Equal(WidgetRegion.World, unknown.Region);
        Assert.Equal(ClearanceLevel.NoClearance, unknown.ClearanceLevel);
        Assert.Equal(new[] { "mode", "region", "clearance_level" }, unknown.UnrecognizedValues.Keys);
        Assert.Equal("adaptive", unknown.UnrecognizedValues["mode"]);
        Assert.Equal("mars", unknown.UnrecognizedValues["region"]);
        Assert.Equal("strict", unknown.UnrecognizedValues["clearance_level"]);

        Widget missing = await GetAsync(One(Item("\"sitekey\":\"" + Sitekey + "\",\"region\":null,\"clearance_level\":null")));
        Assert.Equal("", Assert.Single(missing.UnrecognizedValues, kv => kv.Key == "mode").Value);
        Assert.Single(missing.UnrecognizedValues);
        Assert.Equal(WidgetRegion.World, missing.Region);

        Widget nullMode = await GetAsync(One(Item("\"sitekey\":\"" + Sitekey + "\",\"mode\":null")));
        Assert.Equal("", nullMode.UnrecognizedValues["mode"]);
    }

    [Fact]
    public async Task Nulls_unknown_fields_escaped_names_and_repeated_fields_are_read_as_the_serializer_reads_them()
    {
        Widget widget = await GetAsync(One(Item(
            "\"future\":{\"nested\":[1,{\"a\":\"b\"}]},\"sit\\u0065key\":\"" + Sitekey + "\",\"name\":null,\"domains\":null,\"mode\":\"managed\","
            + "\"deployed_via\":\"api\",\"deployed_via\":\"wrangler\",\"another\":[true,false]")));
        Assert.Equal(Sitekey, widget.Sitekey);
        Assert.Equal("", widget.Name);
        Assert.Empty(widget.Domains);
        Assert.Equal("wrangler", widget.DeployedVia);
        Assert.Null(widget.LastModifiedVia);
        Assert.Empty(widget.UnrecognizedValues);
    }

    [Theory]
    [InlineData("\"name\":5")]
    [InlineData("\"domains\":\"example.com\"")]
    [InlineData("\"bot_fight_mode\":\"yes\"")]
    [InlineData("\"offlabel\":null")]
    [InlineData("\"created_on\":\"yesterday\"")]
    [InlineData("\"mode\":1")]
    public async Task A_malformed_field_is_an_unexpected_answer_not_a_crash(string field)
    {
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => GetAsync(One(Item("\"sitekey\":\"" + Sitekey + "\"," + field))));
        Assert.Equal(TurnstileApiErrorKind.UnexpectedAnswer, ex.Kind);
        Assert.Contains("not the expected JSON", ex.Message);
    }

    [Fact]
    public async Task A_large_page_is_read_whole_and_in_order()
    {
        string[] items = Enumerable.Range(0, 900)
            .Select(i => Item($"\"sitekey\":\"0x4AAA{i:D8}\",\"name\":\"w{i}\",\"domains\":[\"example.com\"],\"mode\":\"managed\",\"created_on\":\"2014-01-01T05:20:00Z\",\"modified_on\":\"2014-01-01T05:20:00Z\""))
            .ToArray();
        List<Widget> widgets = await ListAsync(Page(items));
        Assert.Equal(900, widgets.Count);
        Assert.Equal(Enumerable.Range(0, 900).Select(i => $"w{i}"), widgets.Select(w => w.Name));
    }
}
