using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

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
        internal WidgetMergeResult(WidgetDefinition definition, IReadOnlyList<string> changes, IReadOnlyList<string> notes)
        {
            Definition = definition;
            Changes = changes;
            Notes = notes;
        }

        /// <summary>The complete body for the PUT (a PUT replaces every setting, so unchanged ones are carried over).</summary>
        public WidgetDefinition Definition { get; }
        /// <summary>One line per changed setting, e.g. <c>mode: managed -> invisible</c>; empty when nothing changes.</summary>
        public IReadOnlyList<string> Changes { get; }
        /// <summary>Things worth telling the caller, e.g. a domain to remove that was not there.</summary>
        public IReadOnlyList<string> Notes { get; }
        /// <summary>False when the widget already has every requested value: send no PUT.</summary>
        public bool HasChanges => Changes.Count > 0;
        /// <summary>The changes as one phrase, e.g. <c>mode: managed -> invisible; add domain: a.example</c>.</summary>
        public string Summary => string.Join("; ", Changes);
    }

    /// <summary>Merges requested changes into a widget's current settings, refusing what the API would refuse.</summary>
    public static class WidgetMerge
    {
        /// <summary>
        /// Refuses changes no widget could accept, before any request is sent: <see cref="WidgetChanges.Domains"/> with
        /// <see cref="WidgetChanges.AddDomains"/>/<see cref="WidgetChanges.RemoveDomains"/>, unknown wire values, invalid domains or name.
        /// </summary>
        public static void CheckRequest(WidgetChanges changes)
        {
            if (changes == null) throw new ArgumentNullException(nameof(changes));
            if (changes.Domains != null && (changes.AddDomains != null || changes.RemoveDomains != null))
            {
                throw new TurnstileValidationException("domains",
                    "A replacement list of domains cannot be combined with domains to add or remove: give the whole list alone, or only domains to add and remove.");
            }

            if (changes.Mode != null) WireNames.ParseMode(changes.Mode);
            if (changes.Region != null) WireNames.ParseRegion(changes.Region);
            if (changes.ClearanceLevel != null) WireNames.ParseClearanceLevel(changes.ClearanceLevel);
            if (changes.Name != null && (changes.Name.Length == 0 || changes.Name.Length > 254))
            {
                throw new TurnstileValidationException("name", "A widget's name must be 1 to 254 characters; this one has " + changes.Name.Length.ToString(CultureInfo.InvariantCulture) + ".");
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
        /// add or remove, or a result the API would refuse. Domains compare case-insensitively.
        /// </summary>
        public static WidgetMergeResult Merge(Widget current, WidgetChanges changes)
        {
            if (current == null) throw new ArgumentNullException(nameof(current));
            if (changes == null) throw new ArgumentNullException(nameof(changes));

            CheckRequest(changes);
            RefuseToEchoUnknownValues(current, changes);
            var changed = new List<string>();
            var notes = new List<string>();

            if (changes.Region != null)
            {
                WidgetRegion requested = WireNames.ParseRegion(changes.Region);
                if (requested != current.Region)
                {
                    throw new RegionChangeRefusedException(current.Sitekey, WireNames.ToWire(current.Region), WireNames.ToWire(requested));
                }
            }

            string name = current.Name;
            if (changes.Name != null && !string.Equals(changes.Name, current.Name, StringComparison.Ordinal))
            {
                changed.Add(Describe("name", Quote(current.Name), Quote(changes.Name)));
                name = changes.Name;
            }

            List<string> domains = MergeDomains(current.Domains, changes, changed, notes);

            WidgetMode mode = current.Mode;
            if (changes.Mode != null)
            {
                mode = WireNames.ParseMode(changes.Mode);
                if (mode != current.Mode) changed.Add(Describe("mode", WireNames.ToWire(current.Mode), WireNames.ToWire(mode)));
            }

            ClearanceLevel clearance = current.ClearanceLevel;
            if (changes.ClearanceLevel != null)
            {
                clearance = WireNames.ParseClearanceLevel(changes.ClearanceLevel);
                if (clearance != current.ClearanceLevel)
                {
                    changed.Add(Describe("clearance level", WireNames.ToWire(current.ClearanceLevel), WireNames.ToWire(clearance)));
                }
            }

            bool botFightMode = MergeFlag("bot fight mode", current.BotFightMode, changes.BotFightMode, changed);
            bool ephemeralId = MergeFlag("ephemeral id", current.EphemeralId, changes.EphemeralId, changed);
            bool offlabel = MergeFlag("offlabel", current.Offlabel, changes.Offlabel, changed);

            var definition = new WidgetDefinition
            {
                Name = name,
                Domains = domains,
                Mode = mode,
                Region = current.Region,
                ClearanceLevel = clearance,
                BotFightMode = botFightMode,
                EphemeralId = ephemeralId,
                Offlabel = offlabel,
            };

            if (changed.Count > 0)
            {
                WidgetValidator.ValidateDefinition(definition);
            }
            else
            {
                notes.Add(string.Format(CultureInfo.InvariantCulture, "{0} already has the requested settings; nothing to change.", current));
            }

            return new WidgetMergeResult(definition, changed, notes);
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

        // A PUT replaces every field, so a value the engine could not parse would be overwritten by its
        // enum fallback. Better to refuse than to change a setting the user never named.
        private static void RefuseToEchoUnknownValues(Widget current, WidgetChanges changes)
        {
            if (current.UnrecognizedValues.TryGetValue("region", out string? region))
            {
                throw new TurnstileValidationException("region", string.Format(CultureInfo.InvariantCulture,
                    "{0} is in region '{1}', which this version of TurnstileWidgets does not know, so it cannot update the widget without risking its region. Update TurnstileWidgets to a version that knows it.",
                    current, region));
            }

            RefuseUnlessGiven(current, "mode", changes.Mode);
            RefuseUnlessGiven(current, "clearance_level", changes.ClearanceLevel);
        }

        private static void RefuseUnlessGiven(Widget current, string field, string? requested)
        {
            if (requested == null && current.UnrecognizedValues.TryGetValue(field, out string? value))
            {
                throw new TurnstileValidationException(field, string.Format(CultureInfo.InvariantCulture,
                    "{0} has {1} '{2}', which this version of TurnstileWidgets does not know, so an update would overwrite it. Name the {1} you want in the same update, or update TurnstileWidgets to a version that knows it.",
                    current, field.Replace('_', ' '), value));
            }
        }

        private static List<string> MergeDomains(IReadOnlyList<string> currentDomains, WidgetChanges changes, List<string> changed, List<string> notes)
        {
            var current = currentDomains ?? Array.Empty<string>();
            var comparer = StringComparer.OrdinalIgnoreCase;

            if (changes.Domains != null)
            {
                List<string> replacement = Distinct(changes.Domains);
                if (replacement.Count == 0)
                {
                    throw new TurnstileValidationException("domains", "The replacement list has no domains; a widget needs at least one domain.");
                }

                var before = new HashSet<string>(current, comparer);
                if (before.SetEquals(replacement))
                {
                    return current.ToList();
                }

                changed.Add(Describe("domains", string.Join(", ", current), string.Join(", ", replacement)));
                return replacement;
            }

            var result = current.ToList();
            if (changes.AddDomains != null)
            {
                foreach (string domain in Distinct(changes.AddDomains))
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
                foreach (string domain in Distinct(changes.RemoveDomains))
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

        private static List<string> Distinct(IEnumerable<string> domains)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var result = new List<string>();
            foreach (string raw in domains)
            {
                if (raw == null) continue;
                string domain = raw.Trim();
                if (domain.Length == 0) continue;
                if (seen.Add(domain)) result.Add(domain);
            }

            return result;
        }

        private static bool MergeFlag(string label, bool current, bool? requested, List<string> changed)
        {
            if (!requested.HasValue || requested.Value == current) return current;
            changed.Add(Describe(label, current ? "on" : "off", requested.Value ? "on" : "off"));
            return requested.Value;
        }

        private static string Describe(string label, string from, string to) => label + ": " + from + " -> " + to;

        private static string Quote(string value) => "'" + value + "'";
    }
}
