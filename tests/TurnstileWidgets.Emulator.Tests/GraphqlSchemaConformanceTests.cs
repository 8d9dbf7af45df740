using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using GraphQLParser;
using GraphQLParser.AST;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// The emulator's GraphQL answers checked against Cloudflare's schema (Schema/turnstile-analytics.graphql, a copy of
    /// shared/reference): every field answered exists on its type, with a JSON value of that type; every filter field
    /// and orderBy value of the schema is either served or refused as not recorded, never "unknown".
    /// </summary>
    public sealed class GraphqlSchemaConformanceTests : AnalyticsTestBase
    {
        // The path to the dataset, as the schema file's header gives it (the file holds the dataset's own definitions).
        private const string RootPath = """
            type Query { viewer: viewer }
            type viewer { accounts(filter: AccountFilter_InputObject): [account!]! }
            input AccountFilter_InputObject { accountTag: string! }
            type account {
              turnstileAdaptiveGroups(filter: AccountTurnstileAdaptiveGroupsFilter_InputObject!, limit: uint64!, orderBy: [AccountTurnstileAdaptiveGroupsOrderBy!]): [AccountTurnstileAdaptiveGroups!]!
              settings: AccountSettings
            }
            type AccountSettings { turnstileAdaptiveGroups: Settings! }
            """;

        private static readonly Lazy<Dictionary<string, ASTNode>> Types = new(() =>
        {
            string sdl = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schema", "turnstile-analytics.graphql")) + "\n" + RootPath;
            GraphQLDocument document = Parser.Parse(sdl);
            return document.Definitions.OfType<GraphQLTypeDefinition>().ToDictionary(d => d.Name.StringValue, d => (ASTNode)d, StringComparer.Ordinal);
        });

        protected override EmulatorOptions Configure(EmulatorOptions options)
        {
            options.GraphqlRateLimit = "off"; // the filter and orderBy sweeps send a few hundred queries
            return options;
        }

        private static GraphQLObjectTypeDefinition ObjectType(string name) => Assert.IsAssignableFrom<GraphQLObjectTypeDefinition>(Types.Value[name]);

        private static IEnumerable<GraphQLFieldDefinition> FieldsOf(string type) => ObjectType(type).Fields!.Items;

        [Fact]
        public async Task Every_field_answered_exists_in_the_schema_with_the_right_type()
        {
            await SeedEventsAsync("[" + Event("sk-1", "challenge_issued", 4, "2026-11-30T10:15:42Z", "login", "example.com", "DE") + "]");
            string dimensions = string.Join(" ", FieldsOf("AccountTurnstileAdaptiveGroupsDimensions").Select(f => f.Name.StringValue)
                .Where(n => n is not ("asn" or "browserMajor" or "browserName" or "ipv4" or "ipv6" or "osMajor" or "osName" or "userAgent")));
            string settings = string.Join(" ", FieldsOf("Settings").Select(f => f.Name.StringValue));

            ApiAnswer answer = await GraphqlAsync($$"""
                { viewer { accounts(filter: {accountTag: "{{Server.AccountId}}"}) {
                    turnstileAdaptiveGroups(limit: 10, filter: {{{LastWeek}}}, orderBy: [count_DESC]) {
                      count avg { sampleInterval } dimensions { {{dimensions}} }
                    }
                    settings { turnstileAdaptiveGroups { {{settings}} } }
                } } }
                """);

            Assert.Equal(JsonValueKind.Null, answer.Body.GetProperty("errors").ValueKind);
            int checkedFields = Check(answer.Body.GetProperty("data"), new GraphQLNamedType(new GraphQLName("Query")), "data");
            Assert.True(checkedFields >= 25, $"only {checkedFields} fields checked");
            JsonElement row = answer.Body.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("turnstileAdaptiveGroups")[0];
            Assert.Equal(13, row.GetProperty("dimensions").EnumerateObject().Count());
        }

        [Fact]
        public async Task The_fields_settings_lists_as_available_are_the_schemas_recorded_ones()
        {
            ApiAnswer answer = await GraphqlAsync($"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ settings {{ turnstileAdaptiveGroups {{ availableFields }} }} }} }} }}");
            string[] available = answer.Body.GetProperty("data").GetProperty("viewer").GetProperty("accounts")[0].GetProperty("settings")
                .GetProperty("turnstileAdaptiveGroups").GetProperty("availableFields").EnumerateArray().Select(e => e.GetString()!).ToArray();

            foreach (string field in available)
            {
                string[] path = field.Split('_');
                string type = "AccountTurnstileAdaptiveGroups";
                if (path.Length == 2)
                {
                    GraphQLFieldDefinition outer = FieldsOf(type).Single(f => f.Name.StringValue == path[0]);
                    type = NamedTypeOf(outer.Type);
                }

                Assert.Contains(FieldsOf(type), f => f.Name.StringValue == path[^1]);
            }
        }

        [Fact]
        public async Task Every_filter_field_of_the_schema_is_served_or_refused_as_not_recorded()
        {
            var input = Assert.IsAssignableFrom<GraphQLInputObjectTypeDefinition>(Types.Value["AccountTurnstileAdaptiveGroupsFilter_InputObject"]);
            var notRecorded = new List<string>();
            foreach (GraphQLInputValueDefinition field in input.Fields!.Items)
            {
                string name = field.Name.StringValue;
                string value = ValueFor(field.Type);
                ApiAnswer answer = await GraphqlAsync(
                    $"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ turnstileAdaptiveGroups(limit: 1, filter: {{{LastWeek}, AND: [{{{name}: {value}}}]}}) {{ count }} }} }} }}");
                JsonElement errors = answer.Body.GetProperty("errors");
                if (errors.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                string message = errors[0].GetProperty("message").GetString()!;
                Assert.True(message.StartsWith("the emulator does not record", StringComparison.Ordinal), $"{name}: {message}");
                notRecorded.Add(name);
            }

            Assert.All(notRecorded, n => Assert.Matches("^(asn|browserMajor|browserName|ipv4|ipv6|osMajor|osName|userAgent)(_|$)", n));
            Assert.Contains("siteKey_notlike", input.Fields!.Items.Select(f => f.Name.StringValue).Except(notRecorded));
        }

        [Fact]
        public async Task Every_orderBy_value_of_the_schema_is_served_or_refused_as_not_recorded()
        {
            var orderBy = Assert.IsAssignableFrom<GraphQLEnumTypeDefinition>(Types.Value["AccountTurnstileAdaptiveGroupsOrderBy"]);
            foreach (GraphQLEnumValueDefinition value in orderBy.Values!.Items)
            {
                string name = value.Name.StringValue;
                string dimension = name.Substring(0, name.LastIndexOf('_'));
                string selection = dimension is "count" or "avg_sampleInterval" ? "count" : $"count dimensions {{ {dimension} }}";
                ApiAnswer answer = await GraphqlAsync(
                    $"{{ viewer {{ accounts(filter: {{accountTag: \"{Server.AccountId}\"}}) {{ turnstileAdaptiveGroups(limit: 1, filter: {{{LastWeek}}}, orderBy: [{name}]) {{ {selection} }} }} }} }}");
                JsonElement errors = answer.Body.GetProperty("errors");
                Assert.True(errors.ValueKind == JsonValueKind.Null || errors[0].GetProperty("message").GetString()!.StartsWith("the emulator does not record", StringComparison.Ordinal), $"{name}: {answer.Raw}");
            }
        }

        private static string ValueFor(GraphQLType type) => type switch
        {
            GraphQLNonNullType n => ValueFor(n.Type),
            GraphQLListType l => "[" + ValueFor(l.Type) + "]",
            GraphQLNamedType named => named.Name.StringValue switch
            {
                "string" => "\"x\"",
                "Date" => "\"2026-11-30\"",
                "Time" => "\"2026-11-30T00:00:00Z\"",
                "uint32" or "float64" => "1",
                "AccountTurnstileAdaptiveGroupsFilter_InputObject" => "{siteKey_neq: \"x\"}",
                string other => throw new InvalidOperationException("no sample value for " + other),
            },
            _ => throw new InvalidOperationException(type.Kind.ToString()),
        };

        private static string NamedTypeOf(GraphQLType type) => type switch
        {
            GraphQLNonNullType n => NamedTypeOf(n.Type),
            GraphQLListType l => NamedTypeOf(l.Type),
            GraphQLNamedType named => named.Name.StringValue,
            _ => throw new InvalidOperationException(type.Kind.ToString()),
        };

        /// <summary>Checks a JSON value against a schema type; returns how many object fields were checked.</summary>
        private static int Check(JsonElement value, GraphQLType type, string at)
        {
            switch (type)
            {
                case GraphQLNonNullType nonNull:
                    Assert.True(value.ValueKind != JsonValueKind.Null, $"{at} is null but the schema says non-null");
                    return Check(value, nonNull.Type, at);
                case GraphQLListType list:
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        return 0;
                    }

                    Assert.True(value.ValueKind == JsonValueKind.Array, $"{at} should be a list");
                    return value.EnumerateArray().Select((item, i) => Check(item, list.Type, $"{at}[{i}]")).Sum();
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            string name = ((GraphQLNamedType)type).Name.StringValue;
            switch (name)
            {
                case "string":
                    Assert.True(value.ValueKind == JsonValueKind.String, $"{at} should be a string");
                    return 0;
                case "Date":
                    Assert.True(DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), $"{at} should be a Date");
                    return 0;
                case "Time":
                    Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", value.GetString());
                    return 0;
                case "uint64" or "uint32":
                    Assert.True(value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _), $"{at} should be an unsigned integer");
                    return 0;
                case "int64":
                    Assert.True(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _), $"{at} should be an integer");
                    return 0;
                case "float64":
                    Assert.True(value.ValueKind == JsonValueKind.Number, $"{at} should be a number");
                    return 0;
                case "bool":
                    Assert.True(value.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{at} should be a bool");
                    return 0;
            }

            Assert.True(value.ValueKind == JsonValueKind.Object, $"{at} should be an object of type {name}");
            Dictionary<string, GraphQLFieldDefinition> fields = FieldsOf(name).ToDictionary(f => f.Name.StringValue, StringComparer.Ordinal);
            int count = 0;
            foreach (JsonProperty property in value.EnumerateObject())
            {
                Assert.True(fields.TryGetValue(property.Name, out GraphQLFieldDefinition? definition), $"{at}.{property.Name} is not a field of {name}");
                count += 1 + Check(property.Value, definition!.Type, at + "." + property.Name);
            }

            return count;
        }
    }
}
