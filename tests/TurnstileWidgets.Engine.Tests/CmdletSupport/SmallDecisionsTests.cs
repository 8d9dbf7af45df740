using System;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.CmdletSupport;

namespace TurnstileWidgets.Engine.Tests.CmdletSupport
{
    public class ListingProgressTests
    {
        [Fact]
        public void PercentAndStatusFromTheTotal()
        {
            ListingProgress progress = ListingProgress.Compute(3, 3000, 10000, 1000);
            Assert.Equal(30, progress.PercentComplete);
            Assert.Equal("Read 3,000 of 10,000 widgets", progress.StatusDescription);
            Assert.True(progress.ShouldShow);
        }

        [Fact]
        public void OnePageListingShowsNoProgress()
        {
            Assert.False(ListingProgress.Compute(1, 12, 12, 1000).ShouldShow);
        }

        [Fact]
        public void FirstOfManyPagesShowsProgress()
        {
            ListingProgress progress = ListingProgress.Compute(1, 1000, 2500, 1000);
            Assert.True(progress.ShouldShow);
            Assert.Equal(40, progress.PercentComplete);
        }

        [Fact]
        public void UnknownTotal()
        {
            ListingProgress progress = ListingProgress.Compute(2, 2000, null, 1000);
            Assert.Equal(-1, progress.PercentComplete);
            Assert.Equal("Read 2,000 widgets (2 pages)", progress.StatusDescription);
            Assert.True(progress.ShouldShow);
        }

        [Fact]
        public void NeverAbove100()
        {
            Assert.Equal(100, ListingProgress.Compute(3, 3000, 2000, 1000).PercentComplete);
        }
    }

    public class ConfirmationTextTests
    {
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

    public class CsvBooleanTests
    {
        [Theory]
        [InlineData("true", true)]
        [InlineData("TRUE", true)]
        [InlineData(" yes ", true)]
        [InlineData("1", true)]
        [InlineData("$true", true)]
        [InlineData("$True", true)]
        [InlineData("false", false)]
        [InlineData("No", false)]
        [InlineData("0", false)]
        [InlineData("$false", false)]
        [InlineData("", false)]
        public void AcceptedSpellings(string text, bool expected)
        {
            Assert.True(CsvBoolean.TryParse(text, out bool value));
            Assert.Equal(expected, value);
            Assert.Equal(expected, CsvBoolean.Convert(text, "BotFightMode"));
        }

        [Fact]
        public void NonTextValues()
        {
            Assert.True(CsvBoolean.Convert(true, "Offlabel"));
            Assert.False(CsvBoolean.Convert(0, "Offlabel"));
            Assert.True(CsvBoolean.Convert(1L, "Offlabel"));
            Assert.False(CsvBoolean.Convert(null, "Offlabel"));
        }

        [Theory]
        [InlineData("maybe")]
        [InlineData("2")]
        [InlineData("on")]
        public void AnythingElseSaysWhatIsAccepted(string text)
        {
            var error = Assert.Throws<TurnstileValidationException>(() => CsvBoolean.Convert(text, "EphemeralId"));
            Assert.Equal("-EphemeralId accepts true or false, 1 or 0, yes or no, or $true or $false; '" + text + "' is none of these.", error.Message);
        }

        [Fact]
        public void OtherNumbersAreRefused()
        {
            Assert.Throws<TurnstileValidationException>(() => CsvBoolean.Convert(7, "Offlabel"));
        }
    }

    public class SecretRotationTests
    {
        [Fact]
        public void PreviousSecretExpiry()
        {
            var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
            Assert.Equal(now.AddHours(2), SecretRotation.PreviousSecretExpiresOn(now, false));
            Assert.Equal(now, SecretRotation.PreviousSecretExpiresOn(now, true));
        }
    }

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

    public class ConnectionHolderTests
    {
        private sealed class Probe : IDisposable
        {
            public int Disposals { get; private set; }
            public void Dispose() => Disposals++;
        }

        [Fact]
        public void ReplaceDisposesTheOldConnection()
        {
            var holder = new ConnectionHolder<Probe>();
            var first = new Probe();
            var second = new Probe();
            Assert.Null(holder.Current);
            holder.Replace(first);
            Assert.Same(first, holder.Current);
            holder.Replace(second);
            Assert.Same(second, holder.Current);
            Assert.Equal(1, first.Disposals);
            Assert.Equal(0, second.Disposals);
        }

        [Fact]
        public void ClearDisposesAndIsHarmlessWhenEmpty()
        {
            var holder = new ConnectionHolder<Probe>();
            Assert.False(holder.Clear());
            var probe = new Probe();
            holder.Replace(probe);
            Assert.True(holder.Clear());
            Assert.Null(holder.Current);
            Assert.Equal(1, probe.Disposals);
        }
    }
}
