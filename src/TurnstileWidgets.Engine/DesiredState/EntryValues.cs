using System.Collections;
using System.Collections.Generic;

namespace TurnstileWidgets.Engine.DesiredState
{
    /// <summary>
    /// The type rules for an entry's values, one place for every source (JSON, .psd1, pipeline objects): text settings
    /// take text only, so an object, a list, a number or a script block is refused with the entry and field named instead
    /// of being turned into its own text (<c>{"x":1}</c>, a script's source) and sent as a name.
    /// </summary>
    internal static class EntryValues
    {
        /// <summary>The text, or null when left out (null or empty); anything but text is refused.</summary>
        internal static string? Text(DesiredWidget entry, string key, object? value)
        {
            if (value == null)
            {
                return null;
            }
            if (value is string text)
            {
                return text.Length == 0 ? null : text;
            }
            throw WrongType(entry, key, value, "text");
        }

        /// <summary>A list of texts, or one text of domains separated by commas, semicolons or white space (a CSV cell).</summary>
        internal static IReadOnlyList<string>? TextList(DesiredWidget entry, string key, object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    string[] parts = DomainText.Split(text);
                    return parts.Length == 0 ? null : parts;
                case IDictionary _:
                    throw WrongType(entry, key, value, "a list of text");
                case IEnumerable items:
                    var list = new List<string>();
                    int position = 1;
                    foreach (object? item in items)
                    {
                        if (!(item is string one))
                        {
                            throw entry.Invalid(key, $"{key} item {position} is {Describe(item)}, not text. Give each domain as text, e.g. \"example.com\".");
                        }
                        list.Add(one);
                        position++;
                    }
                    return list;
                default:
                    throw WrongType(entry, key, value, "a list of text");
            }
        }

        /// <summary>What kind of value it is, in a reader's words: "an object", "a list", "a number", "a ScriptBlock".</summary>
        internal static string Describe(object? value)
        {
            switch (value)
            {
                case null: return "empty (null)";
                case string _: return "text";
                case bool _: return "true/false";
                case IDictionary _: return "an object";
                case IEnumerable _: return "a list";
                case byte _: case sbyte _: case short _: case ushort _: case int _: case uint _:
                case long _: case ulong _: case float _: case double _: case decimal _:
                    return "a number";
                default: return "a " + value.GetType().Name;
            }
        }

        private static TurnstileValidationException WrongType(DesiredWidget entry, string key, object value, string expected)
        {
            string kind = Describe(value);
            string hint = kind == "a number" || kind == "true/false" ? " Put the value in quotes." : "";
            return entry.Invalid(key, $"{key} is {kind}, but it takes {expected}.{hint}");
        }
    }
}
