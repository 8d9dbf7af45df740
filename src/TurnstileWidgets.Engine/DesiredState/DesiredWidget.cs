using System;
using System.Collections.Generic;
using System.Globalization;

namespace TurnstileWidgets.Engine.DesiredState
{
    /// <summary>
    /// One entry of a desired-state file: how a widget should be. Mode, region and clearance level are wire values
    /// (<c>non-interactive</c>, <c>no_clearance</c>). A null property was left out of the entry and means "leave it as it
    /// is" (for a widget to be created: the API's default). Never holds a secret.
    /// </summary>
    public sealed class DesiredWidget
    {
        /// <summary>The property names an entry may hold, in the order files write them (the TurnstileWidget property names).</summary>
        public static IReadOnlyList<string> PropertyNames { get; } = new[]
        {
            "Name", "Domains", "Mode", "Region", "ClearanceLevel", "BotFightMode", "EphemeralId", "Offlabel", "Sitekey",
        };

        /// <summary>Where the entry came from (a file name, or "pipeline"), for messages.</summary>
        public string Source { get; set; } = "";

        /// <summary>The entry's position in its source, from 0.</summary>
        public int Index { get; set; }

        /// <summary>The widget's name; matches a live widget by exact name when <see cref="Sitekey"/> is null.</summary>
        public string? Name { get; set; }

        /// <summary>Every domain the widget should have.</summary>
        public IReadOnlyList<string>? Domains { get; set; }

        /// <summary><c>managed</c>, <c>non-interactive</c> or <c>invisible</c>, or a value the API added later, verbatim.</summary>
        public string? Mode { get; set; }

        /// <summary><c>world</c> or <c>china</c>; fixed when a widget is created.</summary>
        public string? Region { get; set; }

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        public string? ClearanceLevel { get; set; }

        /// <summary>Whether bot fight mode is on.</summary>
        public bool? BotFightMode { get; set; }

        /// <summary>Whether ephemeral ids are on.</summary>
        public bool? EphemeralId { get; set; }

        /// <summary>Whether the Cloudflare branding is hidden.</summary>
        public bool? Offlabel { get; set; }

        /// <summary>The widget this entry is about; null to match by name (e.g. for another account).</summary>
        public string? Sitekey { get; set; }

        /// <summary>"entry 3 of widgets.json": the position as a person counts it (the first is 1), so it can be found in the file.</summary>
        public string Location => string.Format(CultureInfo.InvariantCulture, "entry {0} of {1}", Index + 1, Source);

        /// <summary>The entry for a live widget, every property filled in; <paramref name="withSitekey"/> false leaves the sitekey out.</summary>
        public static DesiredWidget FromWidget(Widget widget, bool withSitekey)
        {
            if (widget == null) throw new ArgumentNullException(nameof(widget));
            return new DesiredWidget
            {
                Name = widget.Name,
                Domains = new List<string>(widget.Domains),
                Mode = WidgetMerge.WireValue(widget, "mode"),
                Region = WidgetMerge.WireValue(widget, "region"),
                ClearanceLevel = WidgetMerge.WireValue(widget, "clearance_level"),
                BotFightMode = widget.BotFightMode,
                EphemeralId = widget.EphemeralId,
                Offlabel = widget.Offlabel,
                Sitekey = withSitekey ? widget.Sitekey : null,
            };
        }

        /// <summary>
        /// Reads an entry from its properties (a parsed JSON object, a .psd1 hashtable, an Import-Csv row): names are
        /// case-insensitive; text works for every value (a CSV cell), and an empty text means the property was left out.
        /// Domains may be a list or one text of domains separated by commas, semicolons or spaces.
        /// </summary>
        /// <exception cref="TurnstileValidationException">An unknown property, or a value no widget accepts; the message names the entry.</exception>
        public static DesiredWidget FromProperties(IEnumerable<KeyValuePair<string, object?>> properties, string source, int index) =>
            FromProperties(properties, source, index, null);

        /// <summary>
        /// As <see cref="FromProperties(IEnumerable{KeyValuePair{string, object}}, string, int)"/>; what was converted
        /// (an internationalised domain to its ASCII form) is added to <paramref name="notes"/>.
        /// </summary>
        public static DesiredWidget FromProperties(IEnumerable<KeyValuePair<string, object?>> properties, string source, int index, ICollection<string>? notes)
        {
            if (properties == null) throw new ArgumentNullException(nameof(properties));
            var entry = new DesiredWidget { Source = source ?? "", Index = index };
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, object?> property in properties)
            {
                string key = property.Key ?? "";
                if (!seen.Add(key))
                {
                    throw entry.Invalid(key, $"the property '{key}' is given twice.");
                }

                object? value = property.Value;
                switch (key.ToLowerInvariant())
                {
                    case "name": entry.Name = EntryValues.Text(entry, key, value); break;
                    case "domains":
                    case "domain": entry.Domains = DomainList(entry, key, value, notes); break;
                    case "mode": entry.Mode = Choice(entry, key, value, WireNames.Modes); break;
                    case "region": entry.Region = Choice(entry, key, value, WireNames.Regions); break;
                    case "clearancelevel": entry.ClearanceLevel = Choice(entry, key, value, WireNames.ClearanceLevels); break;
                    case "botfightmode": entry.BotFightMode = Flag(entry, key, value); break;
                    case "ephemeralid": entry.EphemeralId = Flag(entry, key, value); break;
                    case "offlabel": entry.Offlabel = Flag(entry, key, value); break;
                    case "sitekey": entry.Sitekey = EntryValues.Text(entry, key, value); break;
                    default:
                        throw entry.Invalid(key, $"'{key}' is not a widget property. Allowed: {string.Join(", ", PropertyNames)}.");
                }
            }

            entry.Check();
            return entry;
        }

        /// <summary>
        /// The name and domains are as the API accepts them, when given. An entry with a Sitekey never creates, and the
        /// plan merges it with its live widget (WidgetMerge), which keeps a name or domain list the API already holds as
        /// it is and refuses a new one that is invalid: an exported file must compare to nothing to do even when another
        /// tool wrote a name with a control character.
        /// </summary>
        private void Check()
        {
            try
            {
                if (Name != null && Sitekey == null)
                {
                    WidgetValidator.ValidateName(Name);
                }

                if (Domains != null && Sitekey == null)
                {
                    WidgetValidator.ValidateDomains(Domains);
                }

                if (Sitekey != null)
                {
                    WidgetValidator.ValidateSitekey(Sitekey);
                }
            }
            catch (TurnstileValidationException e)
            {
                // The validator names the wire field ("domains: ..."); an entry's reader knows its property (Domains).
                string wirePrefix = e.Field + ": ";
                string problem = e.Message.StartsWith(wirePrefix, StringComparison.Ordinal) ? e.Message.Substring(wirePrefix.Length) : e.Message;
                throw Invalid(e.Field, PropertyName(e.Field) + ": " + problem);
            }
        }

        /// <summary>
        /// The entry property that holds a wire field (<c>domains</c> is <c>Domains</c>, <c>clearance_level</c> is
        /// <c>ClearanceLevel</c>); the field itself when no property holds it.
        /// </summary>
        public static string PropertyName(string wireField)
        {
            if (wireField == null) throw new ArgumentNullException(nameof(wireField));
            string compact = wireField.Replace("_", string.Empty);
            foreach (string property in PropertyNames)
            {
                if (string.Equals(property, compact, StringComparison.OrdinalIgnoreCase)) return property;
            }
            return wireField;
        }

        internal TurnstileValidationException Invalid(string field, string problem) =>
            new TurnstileValidationException(field, Location + ": " + problem);

        // Compared and sent in their ASCII form, so an internationalised domain matches the one the API holds.
        private static IReadOnlyList<string>? DomainList(DesiredWidget entry, string key, object? value, ICollection<string>? notes)
        {
            IReadOnlyList<string>? list = EntryValues.TextList(entry, key, value);
            if (list == null)
            {
                return null;
            }
            var converted = new List<string>(list.Count);
            foreach (string domain in list)
            {
                string ascii = DomainNames.ToAscii(domain);
                if (!string.Equals(ascii, domain, StringComparison.Ordinal))
                {
                    notes?.Add(entry.Location + ": " + DomainNames.Conversion(domain, ascii));
                }
                converted.Add(ascii);
            }
            return converted;
        }

        // A value outside the known ones is kept verbatim, not refused: Cloudflare adds values over time (an export of a
        // widget with such a value must compare equal to it), and the API, not this version, decides what it accepts.
        private static string? Choice(DesiredWidget entry, string key, object? value, IReadOnlyList<string> known)
        {
            string? text = EntryValues.Text(entry, key, value);
            return text == null || text.Trim().Length == 0 ? null : WidgetMerge.Canonical(text, known);
        }

        // A JSON file and a .psd1 give real booleans; text from a CSV row is turned into one by the module, which knows
        // the spellings PowerShell users write ('yes', '$true', ...).
        private static bool? Flag(DesiredWidget entry, string key, object? value)
        {
            if (value is bool flag)
            {
                return flag;
            }

            // Blank means "left out", as for every other property.
            string? text = value is string ? EntryValues.Text(entry, key, value) : null;
            if (value != null && !(value is string))
            {
                throw entry.Invalid(key, $"{key} is {EntryValues.Describe(value)}, but it takes true or false.");
            }
            return text == null || text.Trim().Length == 0 ? (bool?)null : throw entry.Invalid(key, $"{key} '{text}' is not true or false.");
        }
    }
}
