using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Analytics;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.Analytics;

/// <summary>The analytics client over real loopback HTTP: against the emulator (paging, chunks, ranges) and a scripted emulator (each GraphQL error, the separate budget).</summary>
public sealed class AnalyticsClientTests
{
    private const string Account = "0123456789abcdef0123456789abcdef";

    private static Task<InProcessEmulator> StartEmulator(int maxPageSize = 10000) =>
        InProcessEmulator.StartAsync(new EmulatorOptions { GraphqlMaxPageSize = maxPageSize });

    private static TurnstileClient ClientOf(Uri baseUri, string token, RecordedDelays? delays = null, RateLimitOptions? rateLimit = null) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token(token),
        AccountId = Account,
        BaseUri = baseUri,
        Retry = (delays ?? new RecordedDelays()).Options(),
        RateLimit = rateLimit ?? new RateLimitOptions(),
    });

    private static async Task AddEvents(InProcessEmulator emulator, IEnumerable<object> events)
    {
        using var http = new HttpClient();
        var control = new Uri(emulator.ControlUri, "events");
        string json = JsonSerializer.Serialize(new { events });
        using HttpResponseMessage response = await http.PostAsync(control, new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static object Event(string sitekey, string type, DateTimeOffset at, int count = 1) => new
    {
        sitekey,
        event_type = type,
        count,
        datetime = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
    };

    [Fact]
    public async Task PagesWithoutCursorsUntilAShortPageAndLosesNoRow()
    {
        await using InProcessEmulator emulator = await StartEmulator(maxPageSize: 3);
        DateTimeOffset yesterday = emulator.Server.UtcNow.AddDays(-1);
        var events = new List<object>();
        foreach (string sitekey in new[] { "0x4AAAAAAAsiteA", "0x4AAAAAAAsiteB" })
        {
            foreach (string type in TurnstileEventTypes.All.Take(4))
            {
                events.Add(Event(sitekey, type, yesterday, 2));
            }
        }
        await AddEvents(emulator, events);
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        AnalyticsResult result = await analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-7), Until = emulator.Server.UtcNow });

        Assert.Equal(8, result.Counts.Count);
        Assert.Equal(8, result.Counts.Select(c => c.Sitekey + "/" + c.EventType).Distinct().Count());
        Assert.All(result.Counts, c => Assert.Equal(2, c.Count));
        // settings, then pages of 3, 3 and 2 rows.
        Assert.Equal(4, result.Queries);
        Assert.Equal(4, (await emulator.GetStatsAsync()).GraphqlRequests);
    }

    [Fact]
    public async Task AskesForSitekeysInChunksOfAThousandNeverOnePerWidget()
    {
        await using InProcessEmulator emulator = await StartEmulator();
        string[] sitekeys = Enumerable.Range(0, 2500).Select(i => "0x4AAAAAAAsite" + i.ToString("D5")).ToArray();
        await AddEvents(emulator, new[] { Event(sitekeys[0], "challenge_issued", emulator.Server.UtcNow.AddHours(-3), 5), Event(sitekeys[2499], "challenge_issued", emulator.Server.UtcNow.AddHours(-3), 7), Event("0x4AAAAAAAnotAsked", "challenge_issued", emulator.Server.UtcNow.AddHours(-3)) });
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        AnalyticsResult result = await analytics.GetCountsAsync(new AnalyticsQuery { Sitekeys = sitekeys, Since = emulator.Server.UtcNow.AddDays(-1), Until = emulator.Server.UtcNow, GroupBy = AnalyticsGrouping.Day });

        Assert.Equal(new long[] { 5, 7 }, result.Counts.Select(c => c.Count).ToArray());
        Assert.All(result.Counts, c => Assert.Equal(emulator.Server.UtcNow.AddHours(-3).UtcDateTime.ToString("yyyy-MM-dd"), c.Group));
        Assert.Equal(1 + 3, result.Queries);
        Assert.Equal(4, (await emulator.GetStatsAsync()).GraphqlRequests);
    }

    [Fact]
    public async Task ARangeWiderThanTheSettingsAllowFailsAfterTheSettingsQueryOnly()
    {
        await using InProcessEmulator emulator = await StartEmulator();
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-40), Until = emulator.Server.UtcNow }));

        Assert.Equal(AnalyticsErrorKind.TimeRangeTooLarge, failure.Kind);
        Assert.Equal(TimeSpan.FromDays(31), failure.Settings!.MaxDuration);
        Assert.Contains("at most 31 days", failure.Message);
        Assert.Equal(1, (await emulator.GetStatsAsync()).GraphqlRequests);
    }

    [Fact]
    public async Task DataOlderThanTheDatasetKeepsIsTheApisOwnClassifiedError()
    {
        await using InProcessEmulator emulator = await StartEmulator();
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-100), Until = emulator.Server.UtcNow.AddDays(-95) }));

        Assert.Equal(AnalyticsErrorKind.DataTooOld, failure.Kind);
        Assert.Contains("older than", failure.Messages.Single());
        Assert.Contains("keeps 90 days", failure.Message);
    }

    [Fact]
    public async Task AnEmptyRangeIsRefusedBeforeAnyQuery()
    {
        await using InProcessEmulator emulator = await StartEmulator();
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client);

        DateTimeOffset now = emulator.Server.UtcNow;
        var failure = await Assert.ThrowsAsync<TurnstileValidationException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = now, Until = now }));

        Assert.Equal("until", failure.Field);
        Assert.Equal(0, (await emulator.GetStatsAsync()).GraphqlRequests);
    }

    [Theory]
    [InlineData(false, 200)]
    [InlineData(true, 429)]
    public async Task TheEmulatorsDepletedBudgetIsClassifiedWhateverTheStatus(bool documentedStatuses, int status)
    {
        await using InProcessEmulator emulator = await InProcessEmulator.StartAsync(new EmulatorOptions { GraphqlRateLimit = "2/300", GraphqlDocumentedErrorStatuses = documentedStatuses });
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));
        await analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-1), Until = emulator.Server.UtcNow });

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-1), Until = emulator.Server.UtcNow }));

        Assert.Equal(AnalyticsErrorKind.BudgetDepleted, failure.Kind);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), failure.RetryAfter);
    }

    [Fact]
    public async Task AnErrorWithADocumentedStatusIsStillReadFromTheEnvelope()
    {
        await using InProcessEmulator emulator = await InProcessEmulator.StartAsync(new EmulatorOptions { GraphqlDocumentedErrorStatuses = true });
        using TurnstileClient client = ClientOf(emulator.BaseUri, emulator.ApiToken);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = emulator.Server.UtcNow.AddDays(-100), Until = emulator.Server.UtcNow.AddDays(-95) }));

        Assert.Equal(AnalyticsErrorKind.DataTooOld, failure.Kind);
        Assert.Equal(400, failure.StatusCode);
    }

    private const string Settings = """{"data":{"viewer":{"accounts":[{"settings":{"turnstileAdaptiveGroups":{"enabled":true,"maxPageSize":10000,"maxDuration":2678400,"notOlderThan":7776000}}}]}},"errors":null}""";
    private const string NoRows = """{"data":{"viewer":{"accounts":[{"turnstileAdaptiveGroups":[]}]}},"errors":null}""";

    private static string Error(string message) => JsonSerializer.Serialize(new { data = (object?)null, errors = new[] { new { message, path = (string[]?)null } } });

    [Theory]
    [InlineData("unknown field \"siteKey\"", AnalyticsErrorKind.UnknownField)]
    [InlineData("query time range is too large", AnalyticsErrorKind.TimeRangeTooLarge)]
    [InlineData("cannot request data older than 2592000s", AnalyticsErrorKind.DataTooOld)]
    [InlineData("rate limiter budget depleted, try again after 5 minutes", AnalyticsErrorKind.BudgetDepleted)]
    [InlineData("limit must be positive number and not greater than 5000", AnalyticsErrorKind.InvalidLimit)]
    public async Task EachGraphQlErrorArrivingWithHttp200BecomesAClassifiedFailure(string message, AnalyticsErrorKind kind)
    {
        int seen = 0;
        await using var emulator = new ScriptedServer(request => ++seen == 1 ? new ScriptedResponse(200, Settings) : new ScriptedResponse(200, Error(message)));
        using TurnstileClient client = ClientOf(emulator.BaseUri, "scripted-token");
        var budget = new GraphQlBudget(300, TimeSpan.FromMinutes(5));
        var analytics = new TurnstileAnalyticsClient(client, budget);

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetCountsAsync(new AnalyticsQuery { Since = DateTimeOffset.UtcNow.AddDays(-1), Until = DateTimeOffset.UtcNow }));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(200, failure.StatusCode);
        Assert.Equal(message, failure.Messages.Single());
        Assert.Contains(message, failure.Message);
        Assert.Equal(2, seen);
        if (kind == AnalyticsErrorKind.BudgetDepleted)
        {
            Assert.Equal(TimeSpan.FromMinutes(5), failure.RetryAfter);
        }
    }

    [Fact]
    public async Task TooManyQueriesInProgressIsRetriedWithTheClientsBackoff()
    {
        var answers = new Queue<string>(new[] { Settings, Error("too many queries in progress"), Error("too many queries in progress"), NoRows });
        await using var emulator = new ScriptedServer(_ => new ScriptedResponse(200, answers.Dequeue()));
        var delays = new RecordedDelays();
        using TurnstileClient client = ClientOf(emulator.BaseUri, "scripted-token", delays);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        AnalyticsResult result = await analytics.GetCountsAsync(new AnalyticsQuery { Since = DateTimeOffset.UtcNow.AddDays(-1), Until = DateTimeOffset.UtcNow });

        Assert.Empty(result.Counts);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }, delays.Delays);
    }

    [Fact]
    public async Task A401IsNotAuthorizedAndNamesTheAccount()
    {
        await using var emulator = new ScriptedServer(_ => new ScriptedResponse(401, """{"data":null,"errors":[{"message":"Unauthorized"}]}"""));
        using TurnstileClient client = ClientOf(emulator.BaseUri, "scripted-token");
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));

        var failure = await Assert.ThrowsAsync<TurnstileAnalyticsException>(() => analytics.GetSettingsAsync());

        Assert.Equal(AnalyticsErrorKind.NotAuthorized, failure.Kind);
        Assert.Contains(Account, failure.Message);
        Assert.DoesNotContain("scripted-token", failure.Message);
    }

    [Fact]
    public async Task GraphQlQueriesDoNotSpendTheRestBudgetAndTheRestPacerNeverDelaysThem()
    {
        // Every answer says one REST request is left for 300 s: a REST request after it would wait; GraphQL ones must not.
        var headers = new Dictionary<string, string> { ["Ratelimit"] = "\"default\";r=1;t=300", ["Ratelimit-Policy"] = "\"burst\";q=1200;w=300" };
        await using var emulator = new ScriptedServer(request => request.Target.Contains("graphql", StringComparison.Ordinal)
            ? new ScriptedResponse(200, request.Body.Contains("TurnstileSettings", StringComparison.Ordinal) ? Settings : NoRows)
            : new ScriptedResponse(200, ScriptedServer.ListPage(1, 1, 1, 5), Headers: headers));
        var delays = new RecordedDelays();
        using TurnstileClient client = ClientOf(emulator.BaseUri, "budget-token-" + Guid.NewGuid().ToString("N"), delays);
        await client.GetWidgetPageAsync(new WidgetListQuery { PerPage = 5 }, 1);
        var analytics = new TurnstileAnalyticsClient(client, new GraphQlBudget(300, TimeSpan.FromMinutes(5)));
        RateLimitStatus before = client.GetRateLimitStatus()!;

        for (int i = 0; i < 5; i++)
        {
            await analytics.GetCountsAsync(new AnalyticsQuery { Since = DateTimeOffset.UtcNow.AddDays(-1), Until = DateTimeOffset.UtcNow });
        }

        Assert.Empty(delays.Delays);
        Assert.Equal(before.QuotaRemaining, client.GetRateLimitStatus()!.QuotaRemaining);
    }
}
