using TurnstileWidgets.Engine;
using TurnstileWidgets.Commands;

namespace TurnstileWidgets.Module.Tests.Commands
{
    public class NewWidgetRequestTests
    {
        [Fact]
        public void DefaultsAndNotGivenSettingsAreLeftOut()
        {
            WidgetDefinition definition = NewWidgetRequest.Build("login", new[] { "example.com", "EXAMPLE.com", " www.example.com " }, null, null, null, null, null, null);
            Assert.Equal(WidgetMode.Managed, definition.Mode);
            Assert.Equal(new[] { "example.com", "www.example.com" }, definition.Domains);
            Assert.Null(definition.Region);
            Assert.Null(definition.ClearanceLevel);
            Assert.Null(definition.BotFightMode);
        }

        [Fact]
        public void WireValuesAreParsed()
        {
            WidgetDefinition definition = NewWidgetRequest.Build("login", new[] { "example.com" }, "non-interactive", "china", "jschallenge", true, false, true);
            Assert.Equal(WidgetMode.NonInteractive, definition.Mode);
            Assert.Equal(WidgetRegion.China, definition.Region);
            Assert.Equal(ClearanceLevel.JsChallenge, definition.ClearanceLevel);
            Assert.True(definition.BotFightMode);
            Assert.False(definition.EphemeralId);
            Assert.True(definition.Offlabel);
        }

        [Fact]
        public void InvalidInputIsRefusedBeforeAnyRequest()
        {
            Assert.Throws<TurnstileValidationException>(() => NewWidgetRequest.Build("login", new string[0], null, null, null, null, null, null));
            Assert.Throws<TurnstileValidationException>(() => NewWidgetRequest.Build("", new[] { "example.com" }, null, null, null, null, null, null));
            Assert.Throws<TurnstileValidationException>(() => NewWidgetRequest.Build("login", new[] { "http://example.com" }, null, null, null, null, null, null));
        }
    }
}
