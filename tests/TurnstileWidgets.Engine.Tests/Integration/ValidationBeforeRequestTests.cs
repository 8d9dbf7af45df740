using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>Bad input never costs a request: the emulator's counter must not move.</summary>
public class ValidationBeforeRequestTests : EmulatorTest
{
    public ValidationBeforeRequestTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    public static IEnumerable<object[]> BadDefinitions()
    {
        static object[] Case(string field, Action<WidgetDefinition> spoil) => new object[] { field, spoil };
        yield return Case("name", d => d.Name = "");
        yield return Case("name", d => d.Name = new string('x', 255));
        yield return Case("domains", d => d.Domains = new List<string>());
        yield return Case("domains", d => d.Domains = new List<string> { "https://example.com" });
        yield return Case("domains", d => d.Domains = new List<string> { "example.com:443" });
        yield return Case("domains", d => d.Domains = new List<string> { "example.com/login" });
        yield return Case("domains", d => d.Domains = new List<string> { "*.example.com" });
        yield return Case("domains", d => d.Domains = new List<string> { "300.1.1.1" });
        yield return Case("mode", d => d.Mode = (WidgetMode)9);
        yield return Case("region", d => d.Region = (WidgetRegion)9);
        yield return Case("clearance_level", d => d.ClearanceLevel = (ClearanceLevel)9);
    }

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task Create_and_update_refuse_bad_definitions_without_a_request(string field, Action<WidgetDefinition> spoil)
    {
        using var client = Fixture.Client();
        var definition = Definition();
        spoil(definition);
        long before = (await Emulator.GetStatsAsync()).TotalRequests;
        Assert.Equal(field, (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.CreateWidgetAsync(definition))).Field);
        Assert.Equal(field, (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.UpdateWidgetAsync("0x4AAA", definition))).Field);
        Assert.Equal(before, (await Emulator.GetStatsAsync()).TotalRequests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../../user/tokens/verify")]
    [InlineData("0x4AAA/rotate_secret")]
    [InlineData("0x4AAA?x=1")]
    [InlineData("0123456789012345678901234567890123")]
    public async Task Every_sitekey_operation_refuses_a_bad_sitekey_without_a_request(string sitekey)
    {
        using var client = Fixture.Client();
        long before = (await Emulator.GetStatsAsync()).TotalRequests;
        Assert.Equal("sitekey", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.GetWidgetAsync(sitekey))).Field);
        Assert.Equal("sitekey", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.UpdateWidgetAsync(sitekey, Definition()))).Field);
        Assert.Equal("sitekey", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.DeleteWidgetAsync(sitekey))).Field);
        Assert.Equal("sitekey", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.RotateSecretAsync(sitekey, true))).Field);
        Assert.Equal(before, (await Emulator.GetStatsAsync()).TotalRequests);
    }

    [Theory]
    [InlineData("per_page", 4, 1, null)]
    [InlineData("per_page", 1001, 1, null)]
    [InlineData("page", 1000, 0, null)]
    [InlineData("filter", 1000, 1, "domain:example.com")]
    [InlineData("filter", 1000, 1, "login")]
    public async Task Listing_refuses_bad_queries_without_a_request(string field, int perPage, int startPage, string? filter)
    {
        using var client = Fixture.Client();
        var query = new WidgetListQuery { PerPage = perPage, StartPage = startPage, Filter = filter };
        long before = (await Emulator.GetStatsAsync()).TotalRequests;
        Assert.Equal(field, Assert.Throws<TurnstileValidationException>(() => client.ListWidgetsAsync(query)).Field);
        Assert.Equal(field, Assert.Throws<TurnstileValidationException>(() => client.ListWidgets(query)).Field);
        Assert.Equal(field, (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.GetWidgetPageAsync(query, 1))).Field);
        Assert.Equal(before, (await Emulator.GetStatsAsync()).TotalRequests);
    }

    [Fact]
    public async Task A_client_without_account_refuses_widget_operations_without_a_request()
    {
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = Fixture.TokenCredential, BaseUri = Emulator.BaseUri });
        long before = (await Emulator.GetStatsAsync()).TotalRequests;
        Assert.Equal("account_id", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.CreateWidgetAsync(Definition()))).Field);
        Assert.Equal("account_id", Assert.Throws<TurnstileValidationException>(() => client.ListWidgetsAsync(new WidgetListQuery())).Field);
        Assert.Equal("account_id", (await Assert.ThrowsAsync<TurnstileValidationException>(() => client.VerifyAccessAsync())).Field);
        Assert.Equal(before, (await Emulator.GetStatsAsync()).TotalRequests);
        // Token verification needs no account.
        Assert.Equal("active", (await client.VerifyTokenAsync()).Status);
    }
}
