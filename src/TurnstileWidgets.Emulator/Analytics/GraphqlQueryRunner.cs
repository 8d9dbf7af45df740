using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>
    /// Answers one GraphQL request against the <c>viewer.accounts.turnstileAdaptiveGroups</c> and <c>settings</c> subset of
    /// Cloudflare's schema. The query is parsed by GraphQL-Parser; this class walks the syntax tree, checks each field
    /// against the schema, and writes the answer as it goes, so a failure anywhere answers <c>data: null</c> and one error.
    /// </summary>
    internal sealed class GraphqlQueryRunner
    {
        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly EventLedger ledger;
        private readonly AnalyticsLimits limits;
        private readonly DateTimeOffset now;
        private readonly List<string> path = new();
        private readonly Dictionary<string, JsonNode?> variables = new(StringComparer.Ordinal);
        private Utf8JsonWriter writer = null!;

        public GraphqlQueryRunner(EventLedger ledger, AnalyticsLimits limits, DateTimeOffset now)
        {
            this.ledger = ledger;
            this.limits = limits;
            this.now = now;
        }

        /// <summary>
        /// The whole answer: <c>{"data": ..., "errors": null}</c> (status 200), or <c>{"data": null, "errors": [one]}</c>
        /// with the status Cloudflare documents for that error.
        /// </summary>
        public (byte[] Body, int DocumentedStatus) Run(string query, JsonObject? variables, string? operationName)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            try
            {
                GraphQLDocument document;
                try
                {
                    document = Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments });
                }
                catch (GraphQLParserException e)
                {
                    throw new GraphqlException("error parsing query: " + e.Description) { Location = (e.Location.Line, e.Location.Column) };
                }

                GraphQLOperationDefinition operation = ChooseOperation(document, operationName);
                BindVariables(operation, variables);
                using (writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("data");
                    WriteQuery(operation.SelectionSet);
                    writer.WriteNull("errors");
                    writer.WriteEndObject();
                }

                return (buffer.WrittenSpan.ToArray(), 200);
            }
            catch (GraphqlException e)
            {
                if (e.Location is null && e.Node?.Location is GraphQLLocation at && at.End > 0)
                {
                    e.Location = LineAndColumn(query, at.Start);
                }

                return (ErrorBody(e, now), e.DocumentedStatus);
            }
        }

        /// <summary>An error answer on its own (for errors found before a query runs: credentials, budget, body).</summary>
        public static byte[] ErrorBody(GraphqlException error, DateTimeOffset now)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            {
                w.WriteStartObject();
                w.WriteNull("data");
                w.WriteStartArray("errors");
                w.WriteStartObject();
                w.WriteString("message", error.Message);
                if (error.Path is { } path)
                {
                    w.WriteStartArray("path");
                    foreach (string step in path)
                    {
                        w.WriteStringValue(step);
                    }

                    w.WriteEndArray();
                }
                else
                {
                    w.WriteNull("path");
                }

                if (error.Location is (int line, int column))
                {
                    w.WriteStartArray("locations");
                    w.WriteStartObject();
                    w.WriteNumber("line", line);
                    w.WriteNumber("column", column);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                w.WriteStartObject("extensions");
                if (error.Code is not null)
                {
                    w.WriteString("code", error.Code);
                }

                w.WriteString("timestamp", now.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }

        private static GraphQLOperationDefinition ChooseOperation(GraphQLDocument document, string? operationName)
        {
            var operations = new List<GraphQLOperationDefinition>();
            foreach (ASTNode definition in document.Definitions)
            {
                if (definition is GraphQLOperationDefinition op)
                {
                    operations.Add(op);
                }
                else
                {
                    throw new GraphqlException("the emulator does not support fragment definitions; write the fields out") { Node = definition };
                }
            }

            GraphQLOperationDefinition? chosen = string.IsNullOrEmpty(operationName)
                ? operations.Count == 1 ? operations[0] : null
                : operations.FirstOrDefault(o => o.Name is not null && o.Name.StringValue == operationName);
            if (chosen is null)
            {
                throw new GraphqlException(string.IsNullOrEmpty(operationName)
                    ? "the document holds several operations; name one with operationName"
                    : $"no operation named \"{operationName}\" in the document");
            }

            if (chosen.Operation != OperationType.Query)
            {
                throw new GraphqlException($"unknown field \"{chosen.Operation.ToString().ToLowerInvariant()}\": the Analytics API answers queries only") { Node = chosen };
            }

            return chosen;
        }

        private void BindVariables(GraphQLOperationDefinition operation, JsonObject? provided)
        {
            if (operation.Variables is null)
            {
                return;
            }

            foreach (GraphQLVariableDefinition definition in operation.Variables.Items)
            {
                string name = definition.Variable.Name.StringValue;
                if (provided is not null && provided.TryGetPropertyValue(name, out JsonNode? value))
                {
                    variables[name] = value;
                }
                else if (definition.DefaultValue is not null)
                {
                    variables[name] = ValueOf(definition.DefaultValue);
                }
                else if (definition.Type is GraphQLNonNullType)
                {
                    throw GraphqlException.Args($"variable \"${name}\" is required but was not given");
                }
                else
                {
                    variables[name] = null;
                }
            }
        }

        private JsonNode? ValueOf(GraphQLValue value) => value switch
        {
            GraphQLVariable v => variables.TryGetValue(v.Name.StringValue, out JsonNode? bound)
                ? bound?.DeepClone()
                : throw new GraphqlException($"error parsing args: variable \"${v.Name.StringValue}\" is not defined by the operation") { Node = v },
            GraphQLIntValue i => long.TryParse(i.Value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
                ? JsonValue.Create(n)
                : throw GraphqlException.Args($"{i.Value} is not a 64-bit integer"),
            GraphQLFloatValue f => JsonValue.Create(double.Parse(f.Value.ToString(), CultureInfo.InvariantCulture)),
            GraphQLStringValue s => JsonValue.Create(s.Value.ToString()),
            GraphQLBooleanValue b => JsonValue.Create(b.BoolValue),
            GraphQLNullValue => null,
            GraphQLEnumValue e => JsonValue.Create(e.Name.StringValue),
            GraphQLListValue l => new JsonArray((l.Values ?? new List<GraphQLValue>()).Select(ValueOf).ToArray()),
            GraphQLObjectValue o => ObjectOf(o),
            _ => throw GraphqlException.Args("unsupported value " + value.Kind),
        };

        private JsonObject ObjectOf(GraphQLObjectValue value)
        {
            var result = new JsonObject();
            foreach (GraphQLObjectField field in value.Fields ?? new List<GraphQLObjectField>())
            {
                string name = field.Name.StringValue;
                if (result.ContainsKey(name))
                {
                    throw new GraphqlException($"error parsing args: input field \"{name}\" is given twice; combine the conditions with AND") { Node = field };
                }

                result[name] = ValueOf(field.Value);
            }

            return result;
        }

        // ---- the schema walk: Query -> viewer -> accounts -> account -> dataset / settings ----

        private void WriteQuery(GraphQLSelectionSet selections)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    switch (field.Name.StringValue)
                    {
                        case "viewer": WriteObject(field, noArguments: true, WriteViewer); break;
                        case "__typename": WriteTypename(field, "Query"); break;
                        default: throw GraphqlException.UnknownField(field.Name.StringValue, field);
                    }
                });
            }

            writer.WriteEndObject();
        }

        private void WriteViewer(GraphQLSelectionSet selections)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    switch (field.Name.StringValue)
                    {
                        case "accounts": WriteAccounts(field); break;
                        case "__typename": WriteTypename(field, "viewer"); break;
                        default: throw GraphqlException.UnknownField(field.Name.StringValue, field);
                    }
                });
            }

            writer.WriteEndObject();
        }

        private void WriteAccounts(GraphQLField field)
        {
            Dictionary<string, JsonNode?> args = Arguments(field, "filter");
            string? accountTag = null;
            if (args.TryGetValue("filter", out JsonNode? filter) && filter is JsonObject filterObject)
            {
                foreach (KeyValuePair<string, JsonNode?> pair in filterObject)
                {
                    if (pair.Key != "accountTag")
                    {
                        throw GraphqlException.Args($"unknown field \"{pair.Key}\" in filter of type AccountFilter_InputObject");
                    }

                    accountTag = pair.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                }
            }

            if (accountTag is null)
            {
                // The emulator asks for the one account as Cloudflare allows one per account-scoped query.
                throw GraphqlException.Args("accounts needs filter: {accountTag: \"<account id>\"} (one account per query)");
            }

            if (!ledger.Serves(accountTag))
            {
                throw new GraphqlException("not authorized for that account", "authz", documentedStatus: 403);
            }

            RequireSelections(field);
            writer.WritePropertyName(ResponseKey(field));
            writer.WriteStartArray();
            path.Add("0");
            try
            {
                WriteAccount(field.SelectionSet!, accountTag);
            }
            finally
            {
                path.RemoveAt(path.Count - 1);
            }

            writer.WriteEndArray();
        }

        private void WriteAccount(GraphQLSelectionSet selections, string accountId)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    switch (field.Name.StringValue)
                    {
                        case AnalyticsSchema.Dataset: WriteGroups(field, accountId); break;
                        case "settings": WriteObject(field, noArguments: true, WriteSettings); break;
                        case "__typename": WriteTypename(field, "account"); break;
                        default: throw GraphqlException.UnknownField(field.Name.StringValue, field);
                    }
                });
            }

            writer.WriteEndObject();
        }

        private void WriteSettings(GraphQLSelectionSet selections)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    switch (field.Name.StringValue)
                    {
                        case AnalyticsSchema.Dataset: WriteObject(field, noArguments: true, WriteDatasetSettings); break;
                        case "__typename": WriteTypename(field, AnalyticsSchema.AccountSettingsType); break;
                        default: throw GraphqlException.UnknownField(field.Name.StringValue, field);
                    }
                });
            }

            writer.WriteEndObject();
        }

        private void WriteDatasetSettings(GraphQLSelectionSet selections)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    string name = field.Name.StringValue;
                    if (name == "__typename")
                    {
                        WriteTypename(field, AnalyticsSchema.SettingsType);
                        return;
                    }

                    if (!AnalyticsSchema.SettingsFields.Contains(name))
                    {
                        throw GraphqlException.UnknownField(name, field);
                    }

                    RequireLeaf(field);
                    writer.WritePropertyName(ResponseKey(field));
                    switch (name)
                    {
                        case "enabled": writer.WriteBooleanValue(true); break;
                        case "maxPageSize": writer.WriteNumberValue(limits.MaxPageSize); break;
                        case "maxNumberOfFields": writer.WriteNumberValue(limits.MaxNumberOfFields); break;
                        case "maxDuration": writer.WriteNumberValue(limits.MaxDurationSeconds); break;
                        case "notOlderThan": writer.WriteNumberValue(limits.NotOlderThanSeconds); break;
                        default:
                            writer.WriteStartArray();
                            foreach (string available in AnalyticsSchema.AvailableFields)
                            {
                                writer.WriteStringValue(available);
                            }

                            writer.WriteEndArray();
                            break;
                    }
                });
            }

            writer.WriteEndObject();
        }

        // ---- the dataset ----

        private void WriteGroups(GraphQLField field, string accountId)
        {
            Dictionary<string, JsonNode?> args = Arguments(field, "filter", "limit", "orderBy");
            int limit = ReadLimit(args);
            if (!args.TryGetValue("filter", out JsonNode? filterNode))
            {
                throw GraphqlException.Args($"{AnalyticsSchema.Dataset} needs a filter (AccountTurnstileAdaptiveGroupsFilter_InputObject!), e.g. {{datetime_geq: \"...\", datetime_lt: \"...\"}}");
            }

            GroupsFilter filter = GroupsFilter.Compile(filterNode);
            RequireSelections(field);
            List<Dimension> dimensions = SelectedDimensions(field.SelectionSet!, out int leaves);
            if (leaves > limits.MaxNumberOfFields)
            {
                throw new GraphqlException($"number of fields can't be more than {limits.MaxNumberOfFields}");
            }

            List<(int Index, bool Descending)> order = ReadOrder(args, dimensions);
            CheckTimeRange(filter);

            List<Row> rows = Group(ledger.Read(accountId, filter.Matches), dimensions);
            rows.Sort((a, b) => CompareRows(a, b, order));
            writer.WritePropertyName(ResponseKey(field));
            writer.WriteStartArray();
            foreach (Row row in rows.Take(limit))
            {
                WriteRow(field.SelectionSet!, row, dimensions);
            }

            writer.WriteEndArray();
        }

        private int ReadLimit(Dictionary<string, JsonNode?> args)
        {
            if (!args.TryGetValue("limit", out JsonNode? node) || node is null)
            {
                throw GraphqlException.Args($"{AnalyticsSchema.Dataset} needs a limit (uint64!), at most {limits.MaxPageSize}");
            }

            long value;
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long whole))
            {
                value = whole;
            }
            else if (node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.TryGetValue(out double real) && real == Math.Floor(real))
            {
                value = (long)real;
            }
            else
            {
                throw GraphqlException.Args($"limit must be a whole number, not {node.ToJsonString()}");
            }

            if (value <= 0 || value > limits.MaxPageSize)
            {
                throw new GraphqlException($"limit must be positive number and not greater than {limits.MaxPageSize}");
            }

            return (int)value;
        }

        private void CheckTimeRange(GroupsFilter filter)
        {
            long now = (this.now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
            long oldest = now - (limits.NotOlderThanSeconds * 1_000_000);
            long lower = filter.LowerMicros ?? oldest;
            long upper = filter.UpperMicros ?? now;
            if (lower < oldest)
            {
                throw new GraphqlException($"cannot request data older than {limits.NotOlderThanSeconds}s");
            }

            if (upper - lower > limits.MaxDurationSeconds * 1_000_000)
            {
                throw new GraphqlException($"query time range is too large, the maximum is {limits.MaxDurationSeconds}s");
            }
        }

        /// <summary>
        /// Checks the row selection against the schema before any row is read (so an empty answer still refuses a bad
        /// field), and returns the dimensions selected (each once, in order of first mention) and the number of leaf fields.
        /// </summary>
        private List<Dimension> SelectedDimensions(GraphQLSelectionSet selections, out int leaves)
        {
            var dimensions = new List<Dimension>();
            int count = 0;
            foreach (GraphQLField field in Fields(selections))
            {
                Within(field, () =>
                {
                    string name = field.Name.StringValue;
                    switch (name)
                    {
                        case "count":
                            RequireLeaf(field);
                            count++;
                            break;
                        case "__typename":
                            RequireLeaf(field);
                            break;
                        case "confidence":
                            throw GraphqlException.NotRecorded(name);
                        case "avg":
                        case "dimensions":
                            Arguments(field);
                            RequireSelections(field);
                            foreach (GraphQLField inner in Fields(field.SelectionSet!))
                            {
                                Within(inner, () =>
                                {
                                    string innerName = inner.Name.StringValue;
                                    RequireLeaf(inner);
                                    if (innerName == "__typename")
                                    {
                                        return;
                                    }

                                    count++;
                                    if (name == "avg")
                                    {
                                        _ = innerName == "sampleInterval" ? 0 : throw GraphqlException.UnknownField(innerName, inner);
                                        return;
                                    }

                                    Dimension dimension = AnalyticsSchema.Find(innerName) ?? throw GraphqlException.UnknownField(innerName, inner);
                                    if (!dimension.Recorded)
                                    {
                                        throw GraphqlException.NotRecorded(innerName);
                                    }

                                    if (!dimensions.Contains(dimension))
                                    {
                                        dimensions.Add(dimension);
                                    }
                                });
                            }

                            break;
                        default:
                            throw GraphqlException.UnknownField(name, field);
                    }
                });
            }

            leaves = count;
            return dimensions;
        }

        private static List<(int Index, bool Descending)> ReadOrder(Dictionary<string, JsonNode?> args, List<Dimension> dimensions)
        {
            var order = new List<(int, bool)>();
            if (!args.TryGetValue("orderBy", out JsonNode? node) || node is null)
            {
                return order;
            }

            IEnumerable<JsonNode?> items = node is JsonArray array ? array : new[] { node };
            foreach (JsonNode? item in items)
            {
                string? text = item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                bool descending = text?.EndsWith("_DESC", StringComparison.Ordinal) == true;
                bool ascending = text?.EndsWith("_ASC", StringComparison.Ordinal) == true;
                string baseName = text is null ? "" : text.Substring(0, text.Length - (descending ? 5 : ascending ? 4 : 0));
                if (!(descending || ascending))
                {
                    throw GraphqlException.Args($"orderBy value {item?.ToJsonString() ?? "null"} is not an AccountTurnstileAdaptiveGroupsOrderBy (e.g. count_DESC, siteKey_ASC)");
                }

                switch (baseName)
                {
                    case "count":
                        order.Add((-1, descending));
                        continue;
                    case "avg_sampleInterval":
                        order.Add((-2, descending)); // every row samples at 1, so this orders nothing
                        continue;
                }

                Dimension? dimension = AnalyticsSchema.Find(baseName);
                if (dimension is null)
                {
                    throw GraphqlException.Args($"orderBy value \"{text}\" is not an AccountTurnstileAdaptiveGroupsOrderBy (e.g. count_DESC, siteKey_ASC)");
                }

                if (!dimension.Recorded)
                {
                    throw GraphqlException.NotRecorded(baseName);
                }

                int index = dimensions.IndexOf(dimension);
                if (index < 0)
                {
                    throw GraphqlException.Args($"orderBy {text} needs dimensions {{ {baseName} }} in the selection");
                }

                order.Add((index, descending));
            }

            return order;
        }

        /// <summary>One group: the raw values of the selected dimensions (text, or microseconds), and the summed count.</summary>
        private sealed class Row
        {
            public Row((string? Text, long Micros)[] raw) => Raw = raw;

            public (string? Text, long Micros)[] Raw { get; }

            public long Count { get; set; }
        }

        /// <summary>Compares the raw values of two groups; the ordinal text and the instant sort as their wire forms do.</summary>
        private sealed class RawComparer : IEqualityComparer<(string? Text, long Micros)[]>
        {
            public static readonly RawComparer Instance = new();

            public bool Equals((string? Text, long Micros)[]? x, (string? Text, long Micros)[]? y)
            {
                for (int i = 0; i < x!.Length; i++)
                {
                    if (x[i].Micros != y![i].Micros || !string.Equals(x[i].Text, y[i].Text, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            }

            public int GetHashCode((string? Text, long Micros)[] values)
            {
                var hash = new HashCode();
                foreach ((string? text, long micros) in values)
                {
                    hash.Add(text is null ? 0 : StringComparer.Ordinal.GetHashCode(text));
                    hash.Add(micros);
                }

                return hash.ToHashCode();
            }

            public static int Compare((string? Text, long Micros) a, (string? Text, long Micros) b) =>
                a.Text is not null || b.Text is not null ? string.CompareOrdinal(a.Text, b.Text) : a.Micros.CompareTo(b.Micros);
        }

        // Groups on the raw values and formats only the rows answered: a month of events for thousands of widgets is
        // hundreds of thousands of cells, and a string per cell and dimension would dominate the query.
        private static List<Row> Group(List<EventCell> cells, List<Dimension> dimensions)
        {
            var groups = new Dictionary<(string? Text, long Micros)[], Row>(RawComparer.Instance);
            var values = new (string? Text, long Micros)[dimensions.Count];
            foreach (EventCell cell in cells)
            {
                for (int i = 0; i < dimensions.Count; i++)
                {
                    dimensions[i].ValueOf(cell.Key, out string? text, out long micros);
                    values[i] = (text, micros);
                }

                if (!groups.TryGetValue(values, out Row? row))
                {
                    row = new Row(((string? Text, long Micros)[])values.Clone());
                    groups.Add(row.Raw, row);
                }

                row.Count += cell.Count;
            }

            return groups.Values.ToList();
        }

        // Ties (and no orderBy) fall back to the dimensions ascending, so repeated pages see one stable order.
        private static int CompareRows(Row a, Row b, List<(int Index, bool Descending)> order)
        {
            foreach ((int index, bool descending) in order)
            {
                int c = index switch
                {
                    -1 => a.Count.CompareTo(b.Count),
                    -2 => 0,
                    _ => RawComparer.Compare(a.Raw[index], b.Raw[index]),
                };
                if (c != 0)
                {
                    return descending ? -c : c;
                }
            }

            for (int i = 0; i < a.Raw.Length; i++)
            {
                int c = RawComparer.Compare(a.Raw[i], b.Raw[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }

        /// <summary>Writes one row; the selection was checked by <see cref="SelectedDimensions"/>.</summary>
        private void WriteRow(GraphQLSelectionSet selections, Row row, List<Dimension> dimensions)
        {
            writer.WriteStartObject();
            foreach (GraphQLField field in Fields(selections))
            {
                string key = ResponseKey(field);
                switch (field.Name.StringValue)
                {
                    case "count":
                        writer.WriteNumber(key, row.Count);
                        break;
                    case "__typename":
                        writer.WriteString(key, AnalyticsSchema.GroupsType);
                        break;
                    case "avg":
                        writer.WriteStartObject(key);
                        foreach (GraphQLField inner in Fields(field.SelectionSet!))
                        {
                            if (inner.Name.StringValue == "__typename")
                            {
                                writer.WriteString(ResponseKey(inner), AnalyticsSchema.AvgType);
                            }
                            else
                            {
                                writer.WriteNumber(ResponseKey(inner), 1); // the emulator keeps every event: no sampling
                            }
                        }

                        writer.WriteEndObject();
                        break;
                    default: // dimensions
                        writer.WriteStartObject(key);
                        foreach (GraphQLField inner in Fields(field.SelectionSet!))
                        {
                            string name = inner.Name.StringValue;
                            if (name == "__typename")
                            {
                                writer.WriteString(ResponseKey(inner), AnalyticsSchema.DimensionsType);
                                continue;
                            }

                            int index = dimensions.IndexOf(AnalyticsSchema.Find(name)!);
                            writer.WriteString(ResponseKey(inner), dimensions[index].Format(row.Raw[index].Text, row.Raw[index].Micros));
                        }

                        writer.WriteEndObject();
                        break;
                }
            }

            writer.WriteEndObject();
        }

        // ---- helpers ----

        private static IEnumerable<GraphQLField> Fields(GraphQLSelectionSet selections)
        {
            foreach (ASTNode selection in selections.Selections)
            {
                if (selection is not GraphQLField field)
                {
                    throw new GraphqlException("the emulator does not support fragments; write the fields out") { Node = selection };
                }

                if (field.Directives is { Count: > 0 })
                {
                    throw new GraphqlException("the emulator does not support directives such as @include and @skip") { Node = field };
                }

                yield return field;
            }
        }

        private static string ResponseKey(GraphQLField field) => field.Alias?.Name.StringValue ?? field.Name.StringValue;

        /// <summary>Runs <paramref name="body"/> with the field's key on the path, so an error inside names where it happened.</summary>
        private void Within(GraphQLField field, Action body)
        {
            path.Add(ResponseKey(field));
            try
            {
                body();
            }
            catch (GraphqlException e) when (Annotate(e, field))
            {
                throw; // never reached: Annotate returns false and only records the innermost field
            }
            finally
            {
                path.RemoveAt(path.Count - 1);
            }
        }

        private bool Annotate(GraphqlException e, GraphQLField field)
        {
            if (e.Path is null)
            {
                e.Path = path.ToArray();
                e.Node ??= field;
            }

            return false;
        }

        private void WriteObject(GraphQLField field, bool noArguments, Action<GraphQLSelectionSet> write)
        {
            if (noArguments)
            {
                Arguments(field);
            }

            RequireSelections(field);
            writer.WritePropertyName(ResponseKey(field));
            write(field.SelectionSet!);
        }

        private void WriteTypename(GraphQLField field, string typeName)
        {
            RequireLeaf(field);
            writer.WriteString(ResponseKey(field), typeName);
        }

        private void RequireLeaf(GraphQLField field)
        {
            Arguments(field);
            if (field.SelectionSet is not null)
            {
                throw new GraphqlException("scalar fields must have no selections") { Node = field };
            }
        }

        private static void RequireSelections(GraphQLField field)
        {
            if (field.SelectionSet is null || field.SelectionSet.Selections.Count == 0)
            {
                throw new GraphqlException("object field must have selections") { Node = field };
            }
        }

        private Dictionary<string, JsonNode?> Arguments(GraphQLField field, params string[] allowed)
        {
            var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (field.Arguments is null)
            {
                return result;
            }

            foreach (GraphQLArgument argument in field.Arguments.Items)
            {
                string name = argument.Name.StringValue;
                if (!allowed.Contains(name))
                {
                    throw new GraphqlException($"error parsing args: unknown argument \"{name}\" on field \"{field.Name.StringValue}\"") { Node = argument };
                }

                result[name] = ValueOf(argument.Value);
            }

            return result;
        }

        private static (int Line, int Column) LineAndColumn(string text, int offset)
        {
            int line = 1;
            int column = 1;
            for (int i = 0; i < offset && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return (line, column);
        }
    }
}
