using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Engine.Tests.Unit
{
    /// <summary>
    /// The one current-versus-desired rule (WidgetMerge) as Set, Compare/Sync and Export use it, with a value the API
    /// added after this version in every field that has a closed vocabulary: shown, carried in every PUT that does not
    /// change it, exported and compared verbatim; a change to a known value is always sent.
    /// </summary>
    public class CurrentVersusDesiredTests
    {
        public static IEnumerable<object[]> ClosedVocabularies() => new[]
        {
            new object[] { "mode", "Mode", "adaptive", "invisible" },
            new object[] { "clearance_level", "ClearanceLevel", "super_clearance", "managed" },
            new object[] { "region", "Region", "mars", "world" },
        };

        private static Widget With(string field, string value) => new Widget
        {
            Sitekey = "0x4AAAAAAAkey",
            Name = "login",
            Domains = new[] { "example.com" },
            Mode = WidgetMode.Managed,
            Region = WidgetRegion.World,
            ClearanceLevel = ClearanceLevel.NoClearance,
            UnrecognizedValues = new Dictionary<string, string> { [field] = value },
        };

        private static JsonElement PutBody(WidgetDefinition definition) =>
            JsonDocument.Parse(TurnstileClient.Body(definition)).RootElement;

        [Theory]
        [MemberData(nameof(ClosedVocabularies))]
        public void An_unrelated_change_carries_the_unknown_value_verbatim(string field, string property, string unknown, string known)
        {
            _ = property;
            _ = known;
            WidgetMergeResult merge = WidgetMerge.Merge(With(field, unknown), new WidgetChanges { AddDomains = new[] { "shop.example.com" } });

            Assert.True(merge.HasChanges);
            Assert.Equal(new[] { "Domains" }, merge.PropertyChanges.Select(c => c.Property));
            Assert.Equal(unknown, PutBody(merge.Definition).GetProperty(field).GetString());
        }

        [Theory]
        [MemberData(nameof(ClosedVocabularies))]
        public void Naming_a_known_value_is_a_change_from_the_unknown_one(string field, string property, string unknown, string known)
        {
            if (field == "region")
            {
                // A region is fixed at creation: asking for another is refused, never a silent no-op.
                var refused = Assert.Throws<RegionChangeRefusedException>(() => WidgetMerge.Merge(With(field, unknown), new WidgetChanges { Region = known }));
                Assert.Contains(unknown, refused.Message, StringComparison.Ordinal);
                return;
            }

            var changes = field == "mode" ? new WidgetChanges { Mode = known } : new WidgetChanges { ClearanceLevel = known };
            WidgetMergeResult merge = WidgetMerge.Merge(With(field, unknown), changes);

            PropertyChange change = Assert.Single(merge.PropertyChanges);
            Assert.Equal(property, change.Property);
            Assert.Equal(unknown, change.Current);
            Assert.Equal(known, change.Desired);
            Assert.Equal(known, PutBody(merge.Definition).GetProperty(field).GetString());
        }

        [Theory]
        [MemberData(nameof(ClosedVocabularies))]
        public void The_same_unknown_value_is_no_change(string field, string property, string unknown, string known)
        {
            _ = property;
            _ = known;
            var changes = field switch
            {
                "mode" => new WidgetChanges { Mode = unknown },
                "region" => new WidgetChanges { Region = unknown },
                _ => new WidgetChanges { ClearanceLevel = unknown },
            };

            Assert.False(WidgetMerge.Merge(With(field, unknown), changes).HasChanges);
        }

        [Theory]
        [MemberData(nameof(ClosedVocabularies))]
        public void Export_writes_the_unknown_value_and_compare_of_that_export_finds_nothing(string field, string property, string unknown, string known)
        {
            _ = known;
            Widget live = With(field, unknown);
            DesiredWidget exported = DesiredWidget.FromWidget(live, withSitekey: true);
            string json = DesiredStateFile.WriteJson(new[] { exported });
            Assert.Contains("\"" + unknown + "\"", json, StringComparison.Ordinal);

            DesiredEntries read = DesiredStateFile.ReadJson(json, "export.json");
            Assert.Empty(read.Invalid);
            Assert.Equal(unknown, property switch
            {
                "Mode" => read.Entries[0].Mode,
                "Region" => read.Entries[0].Region,
                _ => read.Entries[0].ClearanceLevel,
            });
            Assert.True(WidgetPlanner.Plan(read.Entries, new[] { live }, prune: true).IsInSync);
        }

        [Theory]
        [MemberData(nameof(ClosedVocabularies))]
        public void Sync_of_an_entry_that_only_adds_a_domain_keeps_the_unknown_value(string field, string property, string unknown, string known)
        {
            _ = property;
            _ = known;
            Widget live = With(field, unknown);
            var entry = new DesiredWidget { Source = "f.json", Name = "login", Domains = new[] { "example.com", "shop.example.com" } };

            WidgetPlan plan = WidgetPlanner.Plan(new[] { entry }, new[] { live }, prune: false);

            WidgetChange update = Assert.Single(plan.Changes);
            Assert.Equal(new[] { "Domains" }, update.Changes.Select(c => c.Property));
            Assert.Equal(unknown, PutBody(update.Definition!).GetProperty(field).GetString());
        }

        [Fact]
        public void Sync_and_set_share_one_change_shape()
        {
            Widget live = With("mode", "adaptive");
            var entry = new DesiredWidget { Source = "f.json", Name = "login", Mode = "managed", BotFightMode = true };
            WidgetChange planned = Assert.Single(WidgetPlanner.Plan(new[] { entry }, new[] { live }, prune: false).Changes);
            WidgetMergeResult merged = WidgetMerge.Merge(live, new WidgetChanges { Mode = "managed", BotFightMode = true });

            Assert.Equal(merged.PropertyChanges.Select(c => (c.Property, c.Current, c.Desired)), planned.Changes.Select(c => (c.Property, c.Current, c.Desired)));
            Assert.Equal(Encoding.UTF8.GetString(TurnstileClient.Body(merged.Definition)), Encoding.UTF8.GetString(TurnstileClient.Body(planned.Definition!)));
        }

        [Fact]
        public void A_known_value_in_another_case_is_read_as_its_wire_name()
        {
            WidgetMergeResult merge = WidgetMerge.Merge(With("mode", "adaptive"), new WidgetChanges { Mode = "Invisible" });

            Assert.Equal("invisible", Assert.Single(merge.PropertyChanges).Desired);
            Assert.Equal(WidgetMode.Invisible, merge.Definition.Mode);
            Assert.Empty(merge.Definition.UnrecognizedValues);
        }

        [Fact]
        public void A_widget_created_from_an_entry_with_an_unknown_value_sends_it_verbatim()
        {
            var entry = new DesiredWidget { Source = "f.json", Name = "new", Domains = new[] { "a.example" }, Mode = "adaptive", ClearanceLevel = "super_clearance" };
            WidgetChange create = Assert.Single(WidgetPlanner.Plan(new[] { entry }, Array.Empty<Widget>(), prune: false).Changes);

            JsonElement body = PutBody(create.Definition!);
            Assert.Equal("adaptive", body.GetProperty("mode").GetString());
            Assert.Equal("super_clearance", body.GetProperty("clearance_level").GetString());
        }
    }
}
