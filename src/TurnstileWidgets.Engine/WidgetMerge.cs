using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// A partial update: the settings to change. A null member keeps the widget's value.
    /// Mode, region and clearance level use the API's wire values.
    /// </summary>
    public sealed class WidgetChanges
    {
        /// <summary>The new name.</summary>
        public string? Name { get; set; }
        /// <summary>Replaces every domain; not combined with <see cref="AddDomains"/> or <see cref="RemoveDomains"/>.</summary>
        public IReadOnlyList<string>? Domains { get; set; }
        /// <summary>Domains to add (ones already present are left alone).</summary>
        public IReadOnlyList<string>? AddDomains { get; set; }
        /// <summary>Domains to remove (missing ones are left alone).</summary>
        public IReadOnlyList<string>? RemoveDomains { get; set; }
        /// <summary>The new mode (wire value).</summary>
        public string? Mode { get; set; }
        /// <summary>The region (wire value): only the widget's own region is accepted, as the API fixes it at creation.</summary>
        public string? Region { get; set; }
        /// <summary>The new clearance level (wire value).</summary>
        public string? ClearanceLevel { get; set; }
        /// <summary>Bot fight mode on or off.</summary>
        public bool? BotFightMode { get; set; }
        /// <summary>Ephemeral ids on or off.</summary>
        public bool? EphemeralId { get; set; }
        /// <summary>Offlabel on or off.</summary>
        public bool? Offlabel { get; set; }
    }

    /// <summary>The outcome of <see cref="WidgetMerge.Merge"/>.</summary>
    public sealed class WidgetMergeResult
    {
        internal WidgetMergeResult(WidgetDefinition definition, IReadOnlyList<PropertyChange> propertyChanges, IReadOnlyList<string> changes, IReadOnlyList<string> notes)
        {
            Definition = definition;
            PropertyChanges = propertyChanges;
            Changes = changes;
            Notes = notes;
        }

        /// <summary>
        /// The complete body for the PUT (a PUT replaces every setting, so unchanged ones are carried over, values this
        /// version does not know included, verbatim).
        /// </summary>
        public WidgetDefinition Definition { get; }
        /// <summary>Each setting that differs: its TurnstileWidget property name, the current value and the new one (wire values).</summary>
        public IReadOnlyList<PropertyChange> PropertyChanges { get; }
        /// <summary>One line per changed setting, e.g. <c>mode: managed -> invisible</c>; empty when nothing changes.</summary>
        public IReadOnlyList<string> Changes { get; }
        /// <summary>Things worth telling the caller, e.g. a domain to remove that was not there.</summary>
        public IReadOnlyList<string> Notes { get; }
        /// <summary>False when the widget already has every requested value: send no PUT.</summary>
        public bool HasChanges => PropertyChanges.Count > 0;
        /// <summary>The changes as one phrase, e.g. <c>mode: managed -> invisible; add domain: a.example</c>.</summary>
        public string Summary => string.Join("; ", Changes);
    }

    /// <summary>
    /// The one rule for "current versus desired", used by Set-TurnstileWidget, Compare/Sync-TurnstileWidget and Export:
    /// which settings differ, what the PUT carries, and how values are shown. Values of the closed vocabularies (mode,
    /// region, clearance level) are compared as wire strings, so a value the API added after this version is shown,
    /// carried over and compared verbatim, never replaced by an enum's fallback; a change to any value is always sent.
    /// </summary>
    public static class WidgetMerge
    {
        /// <summary>
        /// Refuses changes no widget could accept, before any request is sent: <see cref="WidgetChanges.Domains"/> with
        /// <see cref="WidgetChanges.AddDomains"/>/<see cref="WidgetChanges.RemoveDomains"/>, a blank mode, region or clearance
        /// level, invalid domains or name. A value this version does not know is not refused: the API decides.
        /// </summary>
        public static void CheckRequest(WidgetChanges changes)
        {
            if (changes == null) throw new ArgumentNullException(nameof(changes));
            if (changes.Domains != null && (changes.AddDomains != null || changes.RemoveDomains != null))
            {
                throw new TurnstileValidationException("domains",
                    "A replacement list of domains cannot be combined with domains to add or remove: give the whole list alone, or only domains to add and remove.");
            }

            RefuseBlank("mode", changes.Mode, WireNames.Modes);
            RefuseBlank("region", changes.Region, WireNames.Regions);
            RefuseBlank("clearance_level", changes.ClearanceLevel, WireNames.ClearanceLevels);
            if (changes.Name != null)
            {
                WidgetValidator.ValidateName(changes.Name);
            }

            foreach (IReadOnlyList<string>? list in new[] { changes.Domains, changes.AddDomains })
            {
                if (list == null) continue;
                foreach (string domain in Distinct(list))
                {
                    WidgetValidator.ValidateDomain(domain);
                }
            }
        }

        /// <summary>
        /// Applies <paramref name="changes"/> to <paramref name="current"/>. Throws <see cref="RegionChangeRefusedException"/>
        /// for a different region and <see cref="TurnstileValidationException"/> for a replacement domain list with domains to
        /// add or remove, or a result the API would refuse. Domains compare case-insensitively and as a set; names,
        /// modes, regions and clearance levels as wire strings (known values in any case are read as their wire name).
        /// </summary>
        public static WidgetMergeResult Merge(Widget current, WidgetChanges changes)
        {
            if (current == null) throw new ArgumentNullException(nameof(current));
            if (changes == null) throw new ArgumentNullException(nameof(changes));

            CheckRequest(changes);
            var diff = new List<PropertyChange>();
            var lines = new List<string>();
            var notes = new List<string>();

            string region = WireValue(current, "region");
            if (changes.Region != null)
            {
                string requested = Canonical(changes.Region, WireNames.Regions);
                if (!string.Equals(requested, region, StringComparison.Ordinal))
                {
                    throw new RegionChangeRefusedException(current.Sitekey, region, requested);
                }
            }

            string name = current.Name;
            if (changes.Name != null && !string.Equals(changes.Name, current.Name, StringComparison.Ordinal))
            {
                diff.Add(new PropertyChange("Name", current.Name, changes.Name));
                lines.Add(Describe("name", Quote(current.Name), Quote(changes.Name)));
                name = changes.Name;
            }

            List<string> domains = MergeDomains(current.Domains, changes, lines, notes);
            if (!SameDomains(current.Domains ?? Array.Empty<string>(), domains))
            {
                diff.Add(new PropertyChange("Domains", (current.Domains ?? Array.Empty<string>()).ToArray(), domains.ToArray()));
            }

            string mode = Choose(diff, lines, "Mode", "mode", WireValue(current, "mode"), changes.Mode, WireNames.Modes);
            string clearance = Choose(diff, lines, "ClearanceLevel", "clearance level", WireValue(current, "clearance_level"), changes.ClearanceLevel, WireNames.ClearanceLevels);
            bool botFightMode = MergeFlag(diff, lines, "BotFightMode", "bot fight mode", current.BotFightMode, changes.BotFightMode);
            bool ephemeralId = MergeFlag(diff, lines, "EphemeralId", "ephemeral id", current.EphemeralId, changes.EphemeralId);
            bool offlabel = MergeFlag(diff, lines, "Offlabel", "offlabel", current.Offlabel, changes.Offlabel);

            var definition = new WidgetDefinition
            {
                Name = name,
                Domains = domains,
                BotFightMode = botFightMode,
                EphemeralId = ephemeralId,
                Offlabel = offlabel,
            };
            if (string.Equals(name, current.Name, StringComparison.Ordinal))
            {
                definition.CarriedOver.Add("name");
            }

            // Every domain the list gains was checked by CheckRequest and an empty list by MergeDomains; what the widget already
            // holds is the API's to judge (another tool may have stored a value this version refuses), so the list is not
            // checked again, where a held domain would be blamed on the parameter the user typed.
            definition.CarriedOver.Add("domains");

            SetWireValue(definition, "mode", mode);
            SetWireValue(definition, "region", region);
            SetWireValue(definition, "clearance_level", clearance);

            if (diff.Count > 0)
            {
                WidgetValidator.ValidateDefinition(definition);
            }
            else
            {
                notes.Add(string.Format(CultureInfo.InvariantCulture, "{0} already has the requested settings; nothing to change.", current));
            }

            return new WidgetMergeResult(definition, diff, lines, notes);
        }

        /// <summary>
        /// The wire value of <paramref name="field"/> (<c>mode</c>, <c>region</c> or <c>clearance_level</c>) as the
        /// API sent it, including values newer than this module, which the engine's enums cannot hold.
        /// </summary>
        public static string WireValue(Widget widget, string field)
        {
            if (widget == null) throw new ArgumentNullException(nameof(widget));
            if (widget.UnrecognizedValues.TryGetValue(field, out string? raw))
            {
                return raw;
            }

            switch (field)
            {
                case "mode": return WireNames.ToWire(widget.Mode);
                case "region": return WireNames.ToWire(widget.Region);
                case "clearance_level": return WireNames.ToWire(widget.ClearanceLevel);
                default: throw new ArgumentOutOfRangeException(nameof(field), field, "Expected mode, region or clearance_level.");
            }
        }

        /// <summary>
        /// The wire value <paramref name="definition"/> sends for <paramref name="field"/> (<c>mode</c>, <c>region</c> or
        /// <c>clearance_level</c>), including a value this version does not know; null when it sends none.
        /// </summary>
        public static string? WireValue(WidgetDefinition definition, string field)
        {
            if (definition == null) throw new ArgumentNullException(nameof(definition));
            if (definition.UnrecognizedValues != null && definition.UnrecognizedValues.TryGetValue(field, out string? raw))
            {
                return raw;
            }

            switch (field)
            {
                case "mode": return WireNames.ToWire(definition.Mode);
                case "region": return definition.Region.HasValue ? WireNames.ToWire(definition.Region.Value) : null;
                case "clearance_level": return definition.ClearanceLevel.HasValue ? WireNames.ToWire(definition.ClearanceLevel.Value) : null;
                default: throw new ArgumentOutOfRangeException(nameof(field), field, "Expected mode, region or clearance_level.");
            }
        }

        /// <summary>
        /// Puts a wire value of <paramref name="field"/> (<c>mode</c>, <c>region</c> or <c>clearance_level</c>) into
        /// <paramref name="definition"/>: a known value as the enum, any other verbatim in
        /// <see cref="WidgetDefinition.UnrecognizedValues"/>, so it is sent as it is.
        /// </summary>
        public static void SetWireValue(WidgetDefinition definition, string field, string value)
        {
            if (definition == null) throw new ArgumentNullException(nameof(definition));
            if (value == null) throw new ArgumentNullException(nameof(value));
            bool known;
            switch (field)
            {
                case "mode":
                    known = WireNames.TryParseMode(value, out WidgetMode mode);
                    definition.Mode = mode;
                    break;
                case "region":
                    known = WireNames.TryParseRegion(value, out WidgetRegion region);
                    definition.Region = region;
                    break;
                case "clearance_level":
                    known = WireNames.TryParseClearanceLevel(value, out ClearanceLevel level);
                    definition.ClearanceLevel = level;
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(field), field, "Expected mode, region or clearance_level.");
            }

            definition.UnrecognizedValues ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (known)
            {
                definition.UnrecognizedValues.Remove(field);
            }
            else
            {
                definition.UnrecognizedValues[field] = value;
            }
        }

        /// <summary>A known value (in any case) as its wire name; any other value as it is, trimmed.</summary>
        public static string Canonical(string value, IReadOnlyList<string> vocabulary)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            if (vocabulary == null) throw new ArgumentNullException(nameof(vocabulary));
            string trimmed = value.Trim();
            foreach (string known in vocabulary)
            {
                if (string.Equals(known, trimmed, StringComparison.OrdinalIgnoreCase))
                {
                    return known;
                }
            }

            return trimmed;
        }

        /// <summary>Domains are a set: hostnames ignore case, and the order the API lists them in means nothing.</summary>
        public static bool SameDomains(IEnumerable<string> current, IEnumerable<string> desired)
        {
            var a = new HashSet<string>(current, StringComparer.OrdinalIgnoreCase);
            return a.SetEquals(desired);
        }

        private static void RefuseBlank(string field, string? value, IReadOnlyList<string> vocabulary)
        {
            if (value != null && value.Trim().Length == 0)
            {
                throw new TurnstileValidationException(field, $"{field}: nothing is not a valid value. Allowed: {string.Join(", ", vocabulary)}.");
            }
        }

        private static string Choose(List<PropertyChange> diff, List<string> lines, string property, string label, string current, string? requested, IReadOnlyList<string> vocabulary)
        {
            if (requested == null)
            {
                return current;
            }

            string desired = Canonical(requested, vocabulary);
            if (!string.Equals(desired, current, StringComparison.Ordinal))
            {
                diff.Add(new PropertyChange(property, current, desired));
                lines.Add(Describe(label, current, desired));
            }

            return desired;
        }

        private static List<string> MergeDomains(IReadOnlyList<string> currentDomains, WidgetChanges changes, List<string> changed, List<string> notes)
        {
            var current = currentDomains ?? Array.Empty<string>();
            var comparer = StringComparer.OrdinalIgnoreCase;

            if (changes.Domains != null)
            {
                List<string> replacement = Distinct(changes.Domains, notes);
                if (replacement.Count == 0)
                {
                    throw new TurnstileValidationException("domains", "The replacement list has no domains; a widget needs at least one domain.");
                }

                if (SameDomains(current, replacement))
                {
                    return current.ToList();
                }

                changed.Add(Describe("domains", string.Join(", ", current), string.Join(", ", replacement)));
                return replacement;
            }

            var result = current.ToList();
            if (changes.AddDomains != null)
            {
                foreach (string domain in Distinct(changes.AddDomains, notes))
                {
                    if (result.Contains(domain, comparer))
                    {
                        notes.Add("Domain '" + domain + "' is already on the widget.");
                        continue;
                    }

                    result.Add(domain);
                    changed.Add("add domain: " + domain);
                }
            }

            if (changes.RemoveDomains != null)
            {
                foreach (string domain in Distinct(changes.RemoveDomains, notes))
                {
                    int removed = result.RemoveAll(d => comparer.Equals(d, domain));
                    if (removed == 0)
                    {
                        notes.Add("Domain '" + domain + "' is not on the widget; nothing to remove.");
                        continue;
                    }

                    changed.Add("remove domain: " + domain);
                }

                if (result.Count == 0)
                {
                    throw new TurnstileValidationException("domains",
                        "Removing these domains would leave the widget with none; a widget needs at least one domain. Add the new domain in the same update, or replace the whole list.");
                }
            }

            return result;
        }

        // In their ASCII form, so an internationalised domain compares equal to the one the API holds.
        private static List<string> Distinct(IEnumerable<string> domains, List<string>? notes = null) => DomainNames.ToAscii(domains, notes);

        private static bool MergeFlag(List<PropertyChange> diff, List<string> lines, string property, string label, bool current, bool? requested)
        {
            if (!requested.HasValue || requested.Value == current) return current;
            diff.Add(new PropertyChange(property, current, requested.Value));
            lines.Add(Describe(label, current ? "on" : "off", requested.Value ? "on" : "off"));
            return requested.Value;
        }

        private static string Describe(string label, string from, string to) => label + ": " + from + " -> " + to;

        private static string Quote(string value) => "'" + value + "'";
    }
}
