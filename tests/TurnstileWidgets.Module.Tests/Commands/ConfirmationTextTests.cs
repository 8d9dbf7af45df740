using TurnstileWidgets.Engine;
using TurnstileWidgets.Commands;

namespace TurnstileWidgets.Module.Tests.Commands
{
    public class ConfirmationTextTests
    {
        [Fact]
        public void UpdateActionListsTheMergedChanges()
        {
            var current = new Widget { Sitekey = "0x4AAA", Name = "login", Domains = new[] { "example.com" } };
            WidgetMergeResult result = WidgetMerge.Merge(current, new WidgetChanges { Name = "login-v2", Offlabel = true });
            Assert.Equal("Update Turnstile widget: name: 'login' -> 'login-v2'; offlabel: off -> on", ConfirmationText.UpdateActionWith(result));
        }

        [Theory]
        [InlineData("login", "0x4AAA", "login (0x4AAA)")]
        [InlineData(null, "0x4AAA", "0x4AAA")]
        [InlineData("", "0x4AAA", "0x4AAA")]
        [InlineData("login", null, "login")]
        public void Target(string? name, string? sitekey, string expected)
        {
            Assert.Equal(expected, ConfirmationText.Target(name, sitekey));
        }

        [Theory]
        [InlineData(false, false, false, false)]
        [InlineData(true, false, false, true)]
        [InlineData(true, true, false, false)]
        [InlineData(true, false, true, false)]
        [InlineData(false, true, false, false)]
        public void WhatIfAlwaysWinsOverForce(bool force, bool whatIf, bool confirm, bool canSkip)
        {
            Assert.Equal(canSkip, ConfirmationText.CanSkipShouldProcess(force, whatIf, confirm));
        }

        [Fact]
        public void InvalidateImmediatelyAsksUnlessForce()
        {
            Assert.True(ConfirmationText.MustAskInvalidateImmediately(true, false));
            Assert.False(ConfirmationText.MustAskInvalidateImmediately(true, true));
            Assert.False(ConfirmationText.MustAskInvalidateImmediately(false, false));
            string query = ConfirmationText.InvalidateImmediatelyQuery("login (0x4AAA)");
            Assert.Contains("login (0x4AAA)", query);
            Assert.Contains("The old secret stops working now; sites still using it will fail verification until they are updated.", query);
        }

        [Fact]
        public void CreateActionNamesModeAndDomains()
        {
            var definition = new WidgetDefinition { Name = "login", Domains = { "a.example", "b.example" }, Mode = WidgetMode.Invisible };
            Assert.Equal("Create Turnstile widget (mode invisible; domains a.example, b.example)", ConfirmationText.CreateActionWith(definition));
        }
    }
}
