using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TurnstileWidgets.Engine.DesiredState
{
    /// <summary>Entries read from a file or the pipeline: the good ones, and one problem per entry that could not be read.</summary>
    public sealed class DesiredEntries
    {
        internal DesiredEntries(IReadOnlyList<DesiredWidget> entries, IReadOnlyList<PlanProblem> invalid, IReadOnlyList<string>? notes = null)
        {
            Entries = entries;
            Invalid = invalid;
            Notes = notes ?? Array.Empty<string>();
        }

        /// <summary>The entries that could be read.</summary>
        public IReadOnlyList<DesiredWidget> Entries { get; }
        /// <summary>One <see cref="PlanProblemKind.InvalidEntry"/> per entry that could not be read.</summary>
        public IReadOnlyList<PlanProblem> Invalid { get; }
        /// <summary>What reading converted, one line each (an internationalised domain to its ASCII form), for -Verbose.</summary>
        public IReadOnlyList<string> Notes { get; }
    }

    /// <summary>
    /// The desired-state file's JSON form (an array of objects with the TurnstileWidget property names) and the stable
    /// order every form is written in (entries by name then sitekey, properties in <see cref="DesiredWidget.PropertyNames"/>
    /// order, LF line ends), so a file diffs cleanly in Git; no form ever holds a secret: <see cref="DesiredWidget"/> has
    /// no place for one. The PowerShell data file form (.psd1) is PowerShell syntax, so the module reads and writes it.
    /// </summary>
    public static class DesiredStateFile
    {
        /// <summary>Reads entries from property sets (a .psd1's hashtables, Import-Csv rows); <paramref name="source"/> names them in messages.</summary>
        public static DesiredEntries Read(IEnumerable<IEnumerable<KeyValuePair<string, object?>>?> rows, string source)
        {
            if (rows == null) throw new ArgumentNullException(nameof(rows));
            var entries = new List<DesiredWidget>();
            var invalid = new List<PlanProblem>();
            var notes = new List<string>();
            int index = 0;
            foreach (IEnumerable<KeyValuePair<string, object?>>? row in rows)
            {
                try
                {
                    if (row == null)
                    {
                        throw new TurnstileValidationException("entry", new DesiredWidget { Source = source, Index = index }.Location + ": the entry is not an object with the widget's properties; give one such as { Name, Domains, Mode }.");
                    }

                    entries.Add(DesiredWidget.FromProperties(row, source, index, notes));
                }
                catch (TurnstileValidationException e)
                {
                    invalid.Add(new PlanProblem(PlanProblemKind.InvalidEntry, null, NameOf(row), e.Message));
                }

                index++;
            }

            return new DesiredEntries(entries, invalid, notes);
        }

        /// <summary>Reads a JSON file's text: an array of objects.</summary>
        /// <exception cref="TurnstileValidationException">The text is not JSON, or not an array.</exception>
        public static DesiredEntries ReadJson(string json, string source)
        {
            if (json == null) throw new ArgumentNullException(nameof(json));
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                throw new TurnstileValidationException("file", $"{source} is not valid JSON ({e.Message}). The file must hold a JSON array of widget objects, as Export-TurnstileWidget writes it.");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw new TurnstileValidationException("file", $"{source} holds a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array. The file must hold a JSON array of widget objects, as Export-TurnstileWidget writes it.");
                }

                var rows = new List<IEnumerable<KeyValuePair<string, object?>>?>();
                foreach (JsonElement item in document.RootElement.EnumerateArray())
                {
                    rows.Add(item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, Value(p.Value))).ToList() : null);
                }

                return Read(rows, source);
            }
        }

        /// <summary>Entries in the order files keep them: by name, then by sitekey (ordinal, so every machine agrees).</summary>
        public static IReadOnlyList<DesiredWidget> Sort(IEnumerable<DesiredWidget> entries) =>
            entries.OrderBy(e => e.Name ?? "", StringComparer.Ordinal).ThenBy(e => e.Sitekey ?? "", StringComparer.Ordinal).ToList();

        /// <summary>The JSON form: sorted, two-space indent, one domain per line, LF line ends, a final newline.</summary>
        public static string WriteJson(IEnumerable<DesiredWidget> entries)
        {
            if (entries == null) throw new ArgumentNullException(nameof(entries));
            var text = new StringBuilder();
            IReadOnlyList<DesiredWidget> sorted = Sort(entries);
            if (sorted.Count == 0)
            {
                return "[]\n";
            }

            text.Append("[\n");
            for (int i = 0; i < sorted.Count; i++)
            {
                text.Append("  {\n");
                IReadOnlyList<KeyValuePair<string, object>> properties = Properties(sorted[i]);
                for (int p = 0; p < properties.Count; p++)
                {
                    text.Append("    ").Append(JsonString(properties[p].Key)).Append(": ");
                    switch (properties[p].Value)
                    {
                        case string s:
                            text.Append(JsonString(s));
                            break;
                        case bool b:
                            text.Append(b ? "true" : "false");
                            break;
                        case IReadOnlyList<string> list:
                            text.Append("[\n");
                            for (int d = 0; d < list.Count; d++)
                            {
                                text.Append("      ").Append(JsonString(list[d])).Append(d < list.Count - 1 ? ",\n" : "\n");
                            }

                            text.Append("    ]");
                            break;
                    }

                    text.Append(p < properties.Count - 1 ? ",\n" : "\n");
                }

                text.Append(i < sorted.Count - 1 ? "  },\n" : "  }\n");
            }

            text.Append("]\n");
            return text.ToString();
        }

        /// <summary>
        /// An entry's properties in file order (<see cref="DesiredWidget.PropertyNames"/>), without those it leaves out:
        /// strings, bools and, for Domains, a list of strings. The module writes the .psd1 form from these.
        /// </summary>
        public static IReadOnlyList<KeyValuePair<string, object>> Properties(DesiredWidget entry)
        {
            var list = new List<KeyValuePair<string, object>>();
            Add("Name", entry.Name);
            Add("Domains", entry.Domains?.ToArray());
            Add("Mode", entry.Mode);
            Add("Region", entry.Region);
            Add("ClearanceLevel", entry.ClearanceLevel);
            Add("BotFightMode", entry.BotFightMode);
            Add("EphemeralId", entry.EphemeralId);
            Add("Offlabel", entry.Offlabel);
            Add("Sitekey", entry.Sitekey);
            return list;

            void Add(string name, object? value)
            {
                if (value != null)
                {
                    list.Add(new KeyValuePair<string, object>(name, value));
                }
            }
        }

        // Relaxed escaping keeps names such as "Café" readable in the file; the file is data, never HTML.
        private static string JsonString(string value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        private static object? Value(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number:
                    return element.TryGetInt64(out long whole) ? whole : (object)element.GetDouble();
                case JsonValueKind.Array:
                    return element.EnumerateArray().Select(Value).ToList();
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.Object:
                    // Kept as an object, so a text setting given one is refused by type rather than sent as its JSON text.
                    var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        properties[property.Name] = Value(property.Value);
                    }

                    return properties;
                default:
                    return element.GetRawText();
            }
        }

        private static string NameOf(IEnumerable<KeyValuePair<string, object?>>? row)
        {
            if (row == null)
            {
                return "";
            }

            foreach (KeyValuePair<string, object?> property in row)
            {
                if (string.Equals(property.Key, "Name", StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value as string ?? "";
                }
            }

            return "";
        }
    }
}
