using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using TurnstileWidgets.Engine.Analytics;
using TurnstileWidgets.Engine.Siteverify;

namespace TurnstileWidgets.Engine.Tests.Analytics;

/// <summary>The query text and variables, checked against Cloudflare's schema of the dataset; the error and code tables.</summary>
public sealed class AnalyticsQueryTests
{
    private static readonly Lazy<string> Schema = new(() =>
    {
        string? directory = AppContext.BaseDirectory;
        while (directory != null && !File.Exists(Path.Combine(directory, "TurnstileWidgets.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        return File.ReadAllText(Path.Combine(directory!, "tests", "TurnstileWidgets.Emulator.Tests", "Schema", "turnstile-analytics.graphql"));
    });

    private static bool SchemaHasField(string typeName, string field)
    {
        Match block = Regex.Match(Schema.Value, @"(?:type|input|enum) " + Regex.Escape(typeName) + @" \{(?<body>[^}]*)\}");
        Assert.True(block.Success, typeName + " is not in the schema file.");
        return Regex.IsMatch(block.Groups["body"].Value, @"^\s*" + Regex.Escape(field) + @"\b", RegexOptions.Multiline);
    }

    [Theory]
    [InlineData(AnalyticsGrouping.None, "siteKey eventType", "siteKey_ASC, eventType_ASC")]
    [InlineData(AnalyticsGrouping.Day, "siteKey eventType date", "siteKey_ASC, eventType_ASC, date_ASC")]
    [InlineData(AnalyticsGrouping.Hour, "siteKey eventType datetimeHour", "siteKey_ASC, eventType_ASC, datetimeHour_ASC")]
    [InlineData(AnalyticsGrouping.Action, "siteKey eventType action", "siteKey_ASC, eventType_ASC, action_ASC")]
    [InlineData(AnalyticsGrouping.Hostname, "siteKey eventType hostname", "siteKey_ASC, eventType_ASC, hostname_ASC")]
    [InlineData(AnalyticsGrouping.Country, "siteKey eventType countryCode", "siteKey_ASC, eventType_ASC, countryCode_ASC")]
    public void TheCountsQueryGroupsBySitekeyAndEventTypeWithTheSameOrderOnEveryPage(AnalyticsGrouping grouping, string dimensions, string orderBy)
    {
        string text = GraphQlQuery.CountsText(grouping, 500);

        Assert.Contains("accounts(filter: {accountTag: $accountTag})", text);
        Assert.Contains("turnstileAdaptiveGroups(limit: 500, filter: $filter, orderBy: [" + orderBy + "])", text);
        Assert.Contains("dimensions { " + dimensions + " }", text);
        Assert.Contains("count", text);
        foreach (string dimension in dimensions.Split(' '))
        {
            Assert.True(SchemaHasField("AccountTurnstileAdaptiveGroupsDimensions", dimension), dimension);
            Assert.True(SchemaHasField("AccountTurnstileAdaptiveGroupsOrderBy", dimension + "_ASC"), dimension + "_ASC");
            Assert.True(SchemaHasField("AccountTurnstileAdaptiveGroupsFilter_InputObject", dimension + "_gt"), dimension + "_gt");
            Assert.True(SchemaHasField("AccountTurnstileAdaptiveGroupsFilter_InputObject", dimension), dimension);
        }
    }

    [Fact]
    public void TheRangeIsWidenedToWholeSecondsSoTheNewestEventsCount()
    {
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        (DateTimeOffset since, DateTimeOffset until) = GraphQlQuery.WholeSeconds(start.AddMilliseconds(700), start.AddDays(1).AddMilliseconds(400));
        Assert.Equal(start, since);
        Assert.Equal(start.AddDays(1).AddSeconds(1), until);
        Assert.Equal((start, start.AddDays(1)), GraphQlQuery.WholeSeconds(start, start.AddDays(1)));
    }

    [Fact]
    public void TheSettingsQueryAsksForTheSchemasSettingsFields()
    {
        foreach (string field in new[] { "enabled", "maxPageSize", "maxDuration", "notOlderThan" })
        {
            Assert.Contains(field, GraphQlQuery.SettingsText);
            Assert.True(SchemaHasField("Settings", field), field);
        }
    }

    [Fact]
    public void TheFirstPageFiltersTheRangeAndTheSitekeysInVariablesNeverInTheText()
    {
        var since = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(2));
        var until = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
        byte[] body = GraphQlQuery.CountsBody("q", "0123456789abcdef0123456789abcdef", since, until, new[] { "0x4AAA\"quote", "0x4BBB" }, GraphQlQuery.Keys(AnalyticsGrouping.None), null);

        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement variables = document.RootElement.GetProperty("variables");
        Assert.Equal("q", document.RootElement.GetProperty("query").GetString());
        Assert.Equal("0123456789abcdef0123456789abcdef", variables.GetProperty("accountTag").GetString());
        JsonElement[] and = variables.GetProperty("filter").GetProperty("AND").EnumerateArray().ToArray();
        Assert.Equal(3, and.Length);
        Assert.Equal("2026-11-26T08:00:00Z", and[0].GetProperty("datetime_geq").GetString());
        Assert.Equal("2026-12-03T08:00:00Z", and[1].GetProperty("datetime_lt").GetString());
        Assert.Equal(new[] { "0x4AAA\"quote", "0x4BBB" }, and[2].GetProperty("siteKey_in").EnumerateArray().Select(e => e.GetString()).ToArray());
        foreach (string field in new[] { "datetime_geq", "datetime_lt", "siteKey_in" })
        {
            Assert.True(SchemaHasField("AccountTurnstileAdaptiveGroupsFilter_InputObject", field), field);
        }
    }

    [Fact]
    public void ALaterPageMovesTheFilterPastTheLastRowInThePageOrder()
    {
        IReadOnlyList<string> keys = GraphQlQuery.Keys(AnalyticsGrouping.Day);
        byte[] body = GraphQlQuery.CountsBody("q", "0123456789abcdef0123456789abcdef", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), null, keys, new[] { "0x4K", "challenge_issued", "2026-12-01" });

        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement[] and = document.RootElement.GetProperty("variables").GetProperty("filter").GetProperty("AND").EnumerateArray().ToArray();
        Assert.Equal(3, and.Length);
        JsonElement[] or = and[2].GetProperty("OR").EnumerateArray().ToArray();
        Assert.Equal("""{"siteKey_gt":"0x4K"}""", or[0].GetRawText());
        Assert.Equal("""{"siteKey":"0x4K","eventType_gt":"challenge_issued"}""", or[1].GetRawText());
        Assert.Equal("""{"siteKey":"0x4K","eventType":"challenge_issued","date_gt":"2026-12-01"}""", or[2].GetRawText());
    }

    [Theory]
    [InlineData("unknown field \"nosuch\"", AnalyticsErrorKind.UnknownField)]
    [InlineData("query time range is too large, the maximum is 2678400s", AnalyticsErrorKind.TimeRangeTooLarge)]
    [InlineData("cannot request data older than 7776000s", AnalyticsErrorKind.DataTooOld)]
    [InlineData("rate limiter budget depleted, try again after 5 minutes", AnalyticsErrorKind.BudgetDepleted)]
    [InlineData("too many queries in progress", AnalyticsErrorKind.TooManyInProgress)]
    [InlineData("limit must be positive number and not greater than 10000", AnalyticsErrorKind.InvalidLimit)]
    [InlineData("not authorized for that account", AnalyticsErrorKind.NotAuthorized)]
    [InlineData("something new", AnalyticsErrorKind.Other)]
    public void EachDocumentedGraphQlErrorHasItsKind(string message, AnalyticsErrorKind kind)
    {
        Assert.Equal(kind, GraphQlErrors.Classify(200, new[] { message }));
    }

    [Fact]
    public void Http401WithoutAKnownMessageIsNotAuthorized()
    {
        Assert.Equal(AnalyticsErrorKind.NotAuthorized, GraphQlErrors.Classify(401, new[] { "Unauthorized" }));
        Assert.Equal(AnalyticsErrorKind.NotAuthorized, GraphQlErrors.Classify(403, new[] { "nope" }));
    }

    [Fact]
    public void TotalsAddTheDocumentedTypesAndKeepUnknownOnesOutOfThem()
    {
        var counts = new Dictionary<string, long>
        {
            ["challenge_issued"] = 10,
            ["challenge_non_interactive_solved"] = 4,
            ["challenge_interactive_solved"] = 2,
            ["challenge_non_interactive_siteverify_solved"] = 3,
            ["challenge_interactive_siteverify_solved"] = 1,
            ["challenge_clearance_siteverify_solved"] = 1,
            ["challenge_siteverify_failed_double_redemption"] = 1,
            ["challenge_siteverify_failed_invalid_token"] = 2,
            ["challenge_siteverify_failed_other"] = 3,
            ["challenge_siteverify_ratelimited"] = 4,
            ["challenge_from_the_future"] = 99,
        };

        EventTotals totals = TurnstileEventTypes.Total(counts);

        Assert.Equal(10, totals.Issued);
        Assert.Equal(6, totals.Solved);
        Assert.Equal(5, totals.SiteverifySucceeded);
        Assert.Equal(10, totals.SiteverifyFailed);
        Assert.Equal(0.6, totals.SolveRate, 10);
        Assert.Equal(0, TurnstileEventTypes.Total(new Dictionary<string, long>()).SolveRate);
    }

    [Theory]
    [InlineData(false, "invalid-input-response", true)]
    [InlineData(false, "invalid-input-secret", false)]
    [InlineData(false, "timeout-or-duplicate", true)]
    [InlineData(true, "", true)]
    [InlineData(false, "internal-error", null)]
    [InlineData(false, "bad-request", null)]
    [InlineData(false, "missing-input-secret", null)]
    public void ASecretCheckReadsTheCodesAsCloudflareDocumentsThem(bool success, string code, bool? accepted)
    {
        var result = new SiteverifyResult { Success = success, ErrorCodes = code.Length == 0 ? Array.Empty<string>() : new[] { code } };

        Assert.Equal(accepted, SiteverifyErrorCodes.SecretAccepted(result));
    }
}
