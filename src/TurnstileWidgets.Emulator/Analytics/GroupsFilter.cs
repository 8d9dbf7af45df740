using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>
    /// A compiled <c>AccountTurnstileAdaptiveGroupsFilter_InputObject</c>: field operators, AND, OR, nested freely.
    /// Also reads the time range the filter asks for, which the node limits are checked against.
    /// </summary>
    internal sealed class GroupsFilter
    {
        private readonly Func<EventKey, bool> test;

        private GroupsFilter(Func<EventKey, bool> test, long? lowerMicros, long? upperMicros)
        {
            this.test = test;
            LowerMicros = lowerMicros;
            UpperMicros = upperMicros;
        }

        /// <summary>The latest lower time bound the filter sets for every row (top level and AND), or null.</summary>
        public long? LowerMicros { get; }

        /// <summary>The earliest upper time bound (exclusive) the filter sets for every row, or null.</summary>
        public long? UpperMicros { get; }

        public bool Matches(EventKey key) => test(key);

        /// <summary>Compiles the filter.</summary>
        /// <exception cref="GraphqlException">A field is unknown, not recorded, or has a value of the wrong shape.</exception>
        public static GroupsFilter Compile(JsonNode? filter)
        {
            var bounds = new Bounds();
            Func<EventKey, bool> test = CompileObject(filter, bounds, conjunctive: true);
            return new GroupsFilter(test, bounds.Lower, bounds.Upper);
        }

        private sealed class Bounds
        {
            public long? Lower;
            public long? Upper;

            public void AtLeast(long value) => Lower = Lower is long l ? Math.Max(l, value) : value;

            public void Below(long value) => Upper = Upper is long u ? Math.Min(u, value) : value;
        }

        private static Func<EventKey, bool> CompileObject(JsonNode? node, Bounds bounds, bool conjunctive)
        {
            if (node is null)
            {
                return static _ => true;
            }

            if (node is not JsonObject obj)
            {
                throw GraphqlException.Args("filter must be an input object, e.g. {siteKey_in: [...], datetime_geq: \"...\"}");
            }

            var parts = new List<Func<EventKey, bool>>();
            foreach (KeyValuePair<string, JsonNode?> field in obj)
            {
                if (field.Value is null)
                {
                    continue; // an explicit null input field is the same as leaving it out
                }

                switch (field.Key)
                {
                    case "AND":
                        {
                            Func<EventKey, bool>[] all = ListOf(field.Value).Select(n => CompileObject(n, bounds, conjunctive)).ToArray();
                            parts.Add(key => all.All(t => t(key)));
                            break;
                        }

                    case "OR":
                        {
                            // Bounds inside an OR hold for some rows only, so they do not narrow the query's range.
                            Func<EventKey, bool>[] any = ListOf(field.Value).Select(n => CompileObject(n, new Bounds(), conjunctive: false)).ToArray();
                            parts.Add(key => any.Length == 0 || any.Any(t => t(key)));
                            break;
                        }

                    default:
                        parts.Add(CompileField(field.Key, field.Value, conjunctive ? bounds : new Bounds()));
                        break;
                }
            }

            Func<EventKey, bool>[] tests = parts.ToArray();
            return key =>
            {
                foreach (Func<EventKey, bool> t in tests)
                {
                    if (!t(key))
                    {
                        return false;
                    }
                }

                return true;
            };
        }

        private static IEnumerable<JsonNode?> ListOf(JsonNode value) =>
            value is JsonArray array ? array : new[] { value }; // GraphQL input coercion: one item for a list

        private static Func<EventKey, bool> CompileField(string name, JsonNode value, Bounds bounds)
        {
            int underscore = name.LastIndexOf('_');
            string dimensionName = name;
            string op = "";
            if (underscore > 0 && AnalyticsSchema.Find(name) is null)
            {
                dimensionName = name.Substring(0, underscore);
                op = name.Substring(underscore + 1);
            }

            Dimension? dimension = AnalyticsSchema.Find(dimensionName);
            if (dimension is null || !AnalyticsSchema.IsOperator(dimension.Kind, op))
            {
                throw GraphqlException.Args($"unknown field \"{name}\" in filter of type AccountTurnstileAdaptiveGroupsFilter_InputObject");
            }

            if (!dimension.Recorded)
            {
                throw GraphqlException.NotRecorded(name);
            }

            if (op is "in" or "notin")
            {
                Operand[] set = ListOf(value).Select(v => Operand.Read(dimension, name, v)).ToArray();
                if (dimension.Kind != DimensionKind.Text && op == "in" && set.Length > 0)
                {
                    bounds.AtLeast(set.Min(o => o.Micros));
                    bounds.Below(set.Max(o => o.Micros) + Width(dimension));
                }

                bool wanted = op == "in";
                if (dimension.Kind == DimensionKind.Text)
                {
                    // A whole account's widgets may be listed here: a set, not a scan per row.
                    var texts = new HashSet<string>(set.Select(o => o.Text!), StringComparer.Ordinal);
                    return key =>
                    {
                        dimension.ValueOf(key, out string? text, out _);
                        return texts.Contains(text!) == wanted;
                    };
                }

                return key => set.Any(o => o.Compare(dimension, key) == 0) == wanted;
            }

            Operand operand = Operand.Read(dimension, name, value);
            if (dimension.Kind != DimensionKind.Text)
            {
                switch (op)
                {
                    case "": bounds.AtLeast(operand.Micros); bounds.Below(operand.Micros + Width(dimension)); break;
                    case "geq": bounds.AtLeast(operand.Micros); break;
                    case "gt": bounds.AtLeast(operand.Micros + 1); break;
                    case "leq": bounds.Below(operand.Micros + Width(dimension)); break;
                    case "lt": bounds.Below(operand.Micros); break;
                }
            }

            switch (op)
            {
                case "": return key => operand.Compare(dimension, key) == 0;
                case "neq": return key => operand.Compare(dimension, key) != 0;
                case "geq": return key => operand.Compare(dimension, key) >= 0;
                case "gt": return key => operand.Compare(dimension, key) > 0;
                case "leq": return key => operand.Compare(dimension, key) <= 0;
                case "lt": return key => operand.Compare(dimension, key) < 0;
                case "like":
                case "notlike":
                    {
                        Regex pattern = LikePattern(operand.Text!);
                        bool wanted = op == "like";
                        return key =>
                        {
                            dimension.ValueOf(key, out string? text, out _);
                            return pattern.IsMatch(text ?? "") == wanted;
                        };
                    }

                default:
                    throw new InvalidOperationException("unreachable: operator " + op);
            }
        }

        // The smallest step past a bucket: a row "at most" 2026-12-01 runs to the end of that day.
        private static long Width(Dimension dimension) => Math.Max(1, dimension.BucketSeconds * 1_000_000);

        /// <summary>SQL LIKE: % any run of characters, _ exactly one; everything else literal and case-sensitive.</summary>
        private static Regex LikePattern(string like)
        {
            var builder = new System.Text.StringBuilder("^");
            foreach (char c in like)
            {
                builder.Append(c switch
                {
                    '%' => ".*",
                    '_' => ".",
                    _ => Regex.Escape(c.ToString()),
                });
            }

            return new Regex(builder.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }

        /// <summary>A filter value in the dimension's terms: text, or microseconds since 1970.</summary>
        private readonly record struct Operand(string? Text, long Micros)
        {
            /// <summary>Sign of (row value - operand), so "gt" means the row's value is greater.</summary>
            public int Compare(Dimension dimension, in EventKey key)
            {
                dimension.ValueOf(key, out string? text, out long micros);
                return dimension.Kind == DimensionKind.Text
                    ? Math.Sign(string.CompareOrdinal(text, Text))
                    : micros.CompareTo(Micros);
            }

            public static Operand Read(Dimension dimension, string field, JsonNode? value)
            {
                string? text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                if (text is null)
                {
                    throw GraphqlException.Args($"{field} must be a {TypeName(dimension)}, not {value?.ToJsonString() ?? "null"}");
                }

                switch (dimension.Kind)
                {
                    case DimensionKind.Date:
                        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
                        {
                            throw GraphqlException.Args($"{field} must be a Date (YYYY-MM-DD), not \"{text}\"");
                        }

                        return new Operand(null, new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000);
                    case DimensionKind.Time:
                        if (!TryParseTime(text, out DateTimeOffset time))
                        {
                            throw GraphqlException.Args($"{field} must be a Time (RFC 3339, e.g. 2026-12-01T00:00:00Z), not \"{text}\"");
                        }

                        return new Operand(null, (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
                    default:
                        return new Operand(text, 0);
                }
            }

            private static string TypeName(Dimension d) => d.Kind switch
            {
                DimensionKind.Date => "Date (YYYY-MM-DD)",
                DimensionKind.Time => "Time (RFC 3339)",
                _ => "string",
            };
        }

        /// <summary>RFC 3339 with an offset or Z (Cloudflare's Time scalar); a date-time without a zone is refused.</summary>
        internal static bool TryParseTime(string text, out DateTimeOffset value)
        {
            value = default;
            if (text.Length < 20 || text[10] is not ('T' or 't') || !(text.EndsWith('Z') || text.EndsWith('z') || text[^3] == ':' && (text[^6] is '+' or '-')))
            {
                return false;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
        }
    }
}
