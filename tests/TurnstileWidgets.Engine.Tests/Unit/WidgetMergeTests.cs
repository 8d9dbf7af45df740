using System.Collections.Generic;

namespace TurnstileWidgets.Engine.Tests.Unit
{
    public class WidgetMergeTests
    {
        private static Widget Current() => new Widget
        {
            Sitekey = "0x4AAAAAAAkey",
            Name = "login",
            Domains = new[] { "example.com", "www.example.com" },
            Mode = WidgetMode.Managed,
            Region = WidgetRegion.World,
            ClearanceLevel = ClearanceLevel.NoClearance,
            BotFightMode = false,
            EphemeralId = true,
            Offlabel = false,
        };

        private static Widget CurrentWith(string field, string value)
        {
            Widget widget = Current();
            widget.UnrecognizedValues = new Dictionary<string, string> { [field] = value };
            return widget;
        }

        [Theory]
        [InlineData("mode", "future-mode")]
        [InlineData("region", "mars")]
        [InlineData("clearance_level", "future-level")]
        public void WireValueShowsWhatTheApiSentEvenWhenTheModuleDoesNotKnowIt(string field, string value)
        {
            Assert.Equal(value, WidgetMerge.WireValue(CurrentWith(field, value), field));
        }

        [Fact]
        public void WireValueOfAKnownValueIsItsWireName()
        {
            Widget widget = Current();
            widget.Mode = WidgetMode.NonInteractive;
            widget.ClearanceLevel = ClearanceLevel.JsChallenge;

            Assert.Equal("non-interactive", WidgetMerge.WireValue(widget, "mode"));
            Assert.Equal("world", WidgetMerge.WireValue(widget, "region"));
            Assert.Equal("jschallenge", WidgetMerge.WireValue(widget, "clearance_level"));
        }

        [Theory]
        [InlineData("evil\u001b[2Jname")]
        [InlineData("rtl\u202Ename")]
        [InlineData("   ")]
        public void A_name_the_API_holds_is_carried_over_verbatim_and_does_not_stop_another_change(string heldName)
        {
            Widget current = Current();
            current.Name = heldName;

            WidgetMergeResult result = WidgetMerge.Merge(current, new WidgetChanges { Mode = "invisible", AddDomains = new[] { "more.example.com" } });

            Assert.Equal(heldName, result.Definition.Name);
            Assert.Contains("name", result.Definition.CarriedOver);
            // The added domain was checked by itself; the held ones are the API's to judge.
            Assert.Contains("domains", result.Definition.CarriedOver);
            Assert.Equal("invisible", WireNames.ToWire(result.Definition.Mode));
            Assert.Throws<TurnstileValidationException>(() => WidgetMerge.Merge(current, new WidgetChanges { Name = heldName + "\u0007" }));
        }

        [Fact]
        public void NothingRequestedMeansNoChange()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges());
            Assert.False(result.HasChanges);
            Assert.Contains(result.Notes, n => n.Contains("nothing to change"));
        }

        [Fact]
        public void SameValuesMeanNoChange()
        {
            var changes = new WidgetChanges
            {
                Name = "login",
                Mode = "managed",
                Region = "world",
                ClearanceLevel = "no_clearance",
                EphemeralId = true,
                BotFightMode = false,
                Domains = new[] { "WWW.example.com", "Example.com" },
            };
            Assert.False(WidgetMerge.Merge(Current(), changes).HasChanges);
        }

        [Fact]
        public void ChangesOnlyWhatIsGivenAndCarriesTheRestOver()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { Mode = "invisible", BotFightMode = true });
            Assert.True(result.HasChanges);
            Assert.Equal(WidgetMode.Invisible, result.Definition.Mode);
            Assert.True(result.Definition.BotFightMode);
            Assert.Equal("login", result.Definition.Name);
            Assert.Equal(new[] { "example.com", "www.example.com" }, result.Definition.Domains);
            Assert.Equal(WidgetRegion.World, result.Definition.Region);
            Assert.Equal(ClearanceLevel.NoClearance, result.Definition.ClearanceLevel);
            Assert.True(result.Definition.EphemeralId);
            Assert.False(result.Definition.Offlabel);
            Assert.Contains("mode: managed -> invisible", result.Changes);
            Assert.Contains("bot fight mode: off -> on", result.Changes);
        }

        [Fact]
        public void RenameIsCaseSensitive()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { Name = "Login" });
            Assert.True(result.HasChanges);
            Assert.Equal("Login", result.Definition.Name);
        }

        [Fact]
        public void DifferentRegionIsRefusedWithTheWayOut()
        {
            var error = Assert.Throws<RegionChangeRefusedException>(() => WidgetMerge.Merge(Current(), new WidgetChanges { Region = "china" }));
            Assert.Equal("world", error.CurrentRegion);
            Assert.Equal("china", error.RequestedRegion);
            Assert.Contains("fixed when it is created", error.Message);
        }

        [Fact]
        public void DomainWithAddOrRemoveIsRefusedBeforeAnyRequest()
        {
            var changes = new WidgetChanges { Domains = new[] { "a.example" }, AddDomains = new[] { "b.example" } };
            var error = Assert.Throws<TurnstileValidationException>(() => WidgetMerge.CheckRequest(changes));
            Assert.Equal("domains", error.Field);
            Assert.Contains("cannot be combined with domains to add or remove", error.Message);
            Assert.Throws<TurnstileValidationException>(() => WidgetMerge.Merge(Current(), new WidgetChanges { Domains = new[] { "a.example" }, RemoveDomains = new[] { "example.com" } }));
        }

        [Fact]
        public void CheckRequestRefusesBadValuesBeforeAnyRequest()
        {
            Assert.Throws<TurnstileValidationException>(() => WidgetMerge.CheckRequest(new WidgetChanges { Mode = " " }));
            Assert.Throws<TurnstileValidationException>(() => WidgetMerge.CheckRequest(new WidgetChanges { AddDomains = new[] { "https://example.com/path" } }));
            Assert.Throws<TurnstileValidationException>(() => WidgetMerge.CheckRequest(new WidgetChanges { Name = new string('x', 255) }));
            WidgetMerge.CheckRequest(new WidgetChanges { Mode = "non-interactive", AddDomains = new[] { "shop.example" } });
        }

        [Fact]
        public void AddDomainIgnoresOnesAlreadyThereIgnoringCase()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { AddDomains = new[] { "EXAMPLE.com", "shop.example.com" } });
            Assert.Equal(new[] { "example.com", "www.example.com", "shop.example.com" }, result.Definition.Domains);
            Assert.Equal(new[] { "add domain: shop.example.com" }, result.Changes);
            Assert.Contains(result.Notes, n => n.Contains("EXAMPLE.com") && n.Contains("already"));
        }

        [Fact]
        public void RemoveDomainIgnoringCaseAndMissingOnesAreANote()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { RemoveDomains = new[] { "WWW.EXAMPLE.COM", "absent.example" } });
            Assert.Equal(new[] { "example.com" }, result.Definition.Domains);
            Assert.Single(result.Changes);
            Assert.Contains(result.Notes, n => n.Contains("absent.example") && n.Contains("nothing to remove"));
        }

        [Fact]
        public void RemovingOnlyMissingDomainsChangesNothing()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { RemoveDomains = new[] { "absent.example" } });
            Assert.False(result.HasChanges);
        }

        [Fact]
        public void AddAndRemoveTogether()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { AddDomains = new[] { "new.example" }, RemoveDomains = new[] { "example.com", "www.example.com" } });
            Assert.Equal(new[] { "new.example" }, result.Definition.Domains);
        }

        [Fact]
        public void RemovingEveryDomainIsRefused()
        {
            var error = Assert.Throws<TurnstileValidationException>(() =>
                WidgetMerge.Merge(Current(), new WidgetChanges { RemoveDomains = new[] { "example.com", "www.example.com" } }));
            Assert.Equal("domains", error.Field);
        }

        [Fact]
        public void DomainReplacementIsDeduplicatedIgnoringCase()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { Domains = new[] { "a.example", "A.example", " b.example " } });
            Assert.Equal(new[] { "a.example", "b.example" }, result.Definition.Domains);
            Assert.True(result.HasChanges);
        }

        [Fact]
        public void MoreThanTenDomainsAreLeftToTheApi()
        {
            string[] many = new string[11];
            for (int i = 0; i < many.Length; i++) many[i] = "d" + i + ".example";
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { Domains = many });
            Assert.Equal(11, result.Definition.Domains.Count);
        }

        [Fact]
        public void SummaryListsEveryChange()
        {
            WidgetMergeResult result = WidgetMerge.Merge(Current(), new WidgetChanges { Name = "login-v2", ClearanceLevel = "interactive", Offlabel = true });
            Assert.Equal("name: 'login' -> 'login-v2'; clearance level: no_clearance -> interactive; offlabel: off -> on", result.Summary);
        }
    }
}
