using System;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class WireNamesTests
{
    [Theory]
    [InlineData(WidgetMode.Managed, "managed")]
    [InlineData(WidgetMode.NonInteractive, "non-interactive")]
    [InlineData(WidgetMode.Invisible, "invisible")]
    public void Mode_round_trips(WidgetMode mode, string wire)
    {
        Assert.Equal(wire, WireNames.ToWire(mode));
        Assert.Equal(mode, WireNames.ParseMode(wire));
        Assert.Equal(mode, WireNames.ParseMode(wire.ToUpperInvariant()));
    }

    [Theory]
    [InlineData(WidgetRegion.World, "world")]
    [InlineData(WidgetRegion.China, "china")]
    public void Region_round_trips(WidgetRegion region, string wire)
    {
        Assert.Equal(wire, WireNames.ToWire(region));
        Assert.Equal(region, WireNames.ParseRegion(wire));
        Assert.Equal(region, WireNames.ParseRegion(" " + wire.ToUpperInvariant()));
    }

    [Theory]
    [InlineData(ClearanceLevel.NoClearance, "no_clearance")]
    [InlineData(ClearanceLevel.JsChallenge, "jschallenge")]
    [InlineData(ClearanceLevel.Managed, "managed")]
    [InlineData(ClearanceLevel.Interactive, "interactive")]
    public void Clearance_level_round_trips(ClearanceLevel level, string wire)
    {
        Assert.Equal(wire, WireNames.ToWire(level));
        Assert.Equal(level, WireNames.ParseClearanceLevel(wire));
        Assert.Equal(level, WireNames.ParseClearanceLevel(wire.ToUpperInvariant()));
    }

    [Theory]
    [InlineData(WidgetOrder.Id, "id")]
    [InlineData(WidgetOrder.Sitekey, "sitekey")]
    [InlineData(WidgetOrder.Name, "name")]
    [InlineData(WidgetOrder.CreatedOn, "created_on")]
    [InlineData(WidgetOrder.ModifiedOn, "modified_on")]
    public void Order_round_trips(WidgetOrder order, string wire)
    {
        Assert.Equal(wire, WireNames.ToWire(order));
        Assert.Equal(order, WireNames.ParseOrder(wire));
    }

    [Fact]
    public void Direction_round_trips()
    {
        Assert.Equal("asc", WireNames.ToWire(OrderDirection.Ascending));
        Assert.Equal("desc", WireNames.ToWire(OrderDirection.Descending));
        Assert.Equal(OrderDirection.Descending, WireNames.ParseDirection("DESC"));
    }

    [Fact]
    public void Every_enum_member_has_a_wire_name()
    {
        Assert.Equal(Enum.GetValues(typeof(WidgetMode)).Length, WireNames.Modes.Count);
        Assert.Equal(Enum.GetValues(typeof(WidgetRegion)).Length, WireNames.Regions.Count);
        Assert.Equal(Enum.GetValues(typeof(ClearanceLevel)).Length, WireNames.ClearanceLevels.Count);
        Assert.Equal(Enum.GetValues(typeof(WidgetOrder)).Length, WireNames.Orders.Count);
    }

    [Fact]
    public void Unknown_mode_names_the_field_and_every_allowed_value()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WireNames.ParseMode("nonInteractive"));
        Assert.Equal("mode", ex.Field);
        Assert.Contains("'nonInteractive'", ex.Message);
        foreach (string allowed in new[] { "managed", "non-interactive", "invisible" })
        {
            Assert.Contains(allowed, ex.Message);
        }
    }

    [Fact]
    public void Unknown_region_and_clearance_level_list_allowed_values()
    {
        var region = Assert.Throws<TurnstileValidationException>(() => WireNames.ParseRegion("mars"));
        Assert.Equal("region", region.Field);
        Assert.Contains("world, china", region.Message);
        var level = Assert.Throws<TurnstileValidationException>(() => WireNames.ParseClearanceLevel(""));
        Assert.Equal("clearance_level", level.Field);
        Assert.Contains("no_clearance, jschallenge, managed, interactive", level.Message);
    }

    [Fact]
    public void Out_of_range_enum_value_is_refused_not_sent()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WireNames.ToWire((WidgetMode)42));
        Assert.Equal("mode", ex.Field);
    }
}
