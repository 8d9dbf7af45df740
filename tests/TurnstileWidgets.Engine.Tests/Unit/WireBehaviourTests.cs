using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

/// <summary>Wire behaviour the emulator cannot produce, over a scripted loopback server.</summary>
public class WireBehaviourTests
{
    private const string Account = "0123456789abcdef0123456789abcdef";
    private const string Token = "scripted-SECRET-token";

    private static TurnstileClient Client(ScriptedServer server, RecordedDelays? delays = null, int maxRetries = 0) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token(Token),
        AccountId = Account,
        BaseUri = server.BaseUri,
        Retry = (delays ?? new RecordedDelays()).Options(maxRetries),
    });

    [Fact]
    public async Task A_server_that_repeats_a_page_stops_the_listing_with_a_clear_error()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, ScriptedServer.ListPage(0, 5, 1, 5)));
        using var client = Client(server);
        var seen = new List<Widget>();
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(async () =>
        {
            await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }))
            {
                seen.Add(widget);
            }
        });
        Assert.Equal(5, seen.Count);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("page=2", ex.Path);
        Assert.Contains("already sent", ex.Message);
        Assert.DoesNotContain(Token, ex.Message);
    }

    [Fact]
    public async Task Unknown_enum_values_and_fields_do_not_break_a_listing()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200,
            ScriptedServer.ListPage(0, 3, 1, 1000, mode: "adaptive", extra: ",\"brand_new_field\":{\"x\":[1,2]},\"deployed_via\":\"wrangler\"")));
        using var client = Client(server);
        var widgets = new List<Widget>();
        await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery()))
        {
            widgets.Add(widget);
        }
        Assert.Equal(3, widgets.Count);
        Assert.All(widgets, w => Assert.Equal("adaptive", w.UnrecognizedValues["mode"]));
        Assert.All(widgets, w => Assert.Equal(WidgetMode.Managed, w.Mode));
        Assert.All(widgets, w => Assert.Null(w.Secret));
        Assert.Equal("wrangler", widgets[0].DeployedVia);
        Assert.Equal(new DateTimeOffset(2014, 1, 1, 5, 20, 0, TimeSpan.Zero).AddTicks(1231230), widgets[0].CreatedOn);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_server_that_caps_per_page_is_followed_to_the_end()
    {
        await using var server = new ScriptedServer(request =>
        {
            int page = int.Parse(request.Target.Split("page=")[1].Split('&')[0]);
            return new ScriptedResponse(200, ScriptedServer.ListPage((page - 1) * 2, page < 3 ? 2 : 1, page, 2));
        });
        using var client = Client(server);
        var names = new List<string>();
        await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery()))
        {
            names.Add(widget.Name);
        }
        Assert.Equal(new[] { "w0", "w1", "w2", "w3", "w4" }, names);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Without_a_total_count_only_a_short_page_ends_the_listing()
    {
        // Two full pages of 5, then the empty page: the only proof of the end a server without total_count gives.
        await using var server = new ScriptedServer(request =>
        {
            int page = int.Parse(request.Target.Split("page=")[1].Split('&')[0]);
            return new ScriptedResponse(200, ScriptedServer.ListPage((page - 1) * 5, page <= 2 ? 5 : 0, page, 5, totalCount: null));
        });
        using var client = Client(server);
        var names = new List<string>();
        await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }))
        {
            names.Add(widget.Name);
        }
        Assert.Equal(10, names.Count);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_full_page_that_reaches_the_total_count_ends_the_listing()
    {
        await using var server = new ScriptedServer(request =>
        {
            int page = int.Parse(request.Target.Split("page=")[1].Split('&')[0]);
            return new ScriptedResponse(200, ScriptedServer.ListPage((page - 1) * 5, 5, page, 5, totalCount: 10));
        });
        using var client = Client(server);
        int count = 0;
        await foreach (var widget in client.ListWidgetsAsync(new WidgetListQuery { PerPage = 5 }))
        {
            count++;
        }
        Assert.Equal(10, count);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_non_json_error_body_is_described_not_dumped()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(502, "<html><body>bad gateway</body></html>", "text/html"));
        using var client = Client(server);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(502, ex.StatusCode);
        Assert.Empty(ex.Errors);
        Assert.StartsWith($"Cloudflare API refused GET /accounts/{Account}/challenges/widgets/0x4AAA: 502 Bad Gateway (the body was not a Cloudflare JSON envelope: text/html", ex.Message);
        Assert.DoesNotContain("<html>", ex.Message);
    }

    [Fact]
    public async Task A_plain_text_error_body_is_quoted_briefly()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(503, "upstream connect error\r\n", "text/plain"));
        using var client = Client(server);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Contains("upstream connect error", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public async Task A_success_status_with_success_false_is_an_api_error()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, """{"success":false,"errors":[{"code":1234,"message":"odd"}],"messages":[],"result":null}"""));
        using var client = Client(server);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(1234, Assert.Single(ex.Errors).Code);
    }

    [Fact]
    public async Task A_success_body_that_is_not_json_is_an_api_error()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, "<html>captive portal</html>", "text/html"));
        using var client = Client(server);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Contains("base URL", ex.Message);
    }

    [Fact]
    public async Task Redirects_are_not_followed_so_credentials_stay_with_the_api()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(302, "", Headers: new Dictionary<string, string> { ["Location"] = "http://127.0.0.2:1/steal" }));
        using var client = new TurnstileClient(new TurnstileClientOptions
        {
            Credential = TurnstileCredential.FromApiKey("me@example.com", TestSecrets.Secure("key-SECRET")),
            AccountId = Account,
            BaseUri = server.BaseUri,
            Retry = new RecordedDelays().Options(0),
        });
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(302, ex.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Headers_carry_the_credential_user_agent_and_json_body()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, """{"success":true,"errors":[],"messages":[],"result":{"sitekey":"0x4AAA","secret":"0xSEC","name":"n","domains":["example.com"],"mode":"invisible","region":"china","clearance_level":"jschallenge","bot_fight_mode":true,"ephemeral_id":true,"offlabel":true,"created_on":"2024-01-01T00:00:00Z","modified_on":"2024-01-02T00:00:00Z"}}"""));
        using var client = Client(server);
        var widget = await client.CreateWidgetAsync(new WidgetDefinition { Name = "n", Domains = new List<string> { "example.com" }, Mode = WidgetMode.Invisible, ClearanceLevel = ClearanceLevel.JsChallenge });
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/client/v4/accounts/{Account}/challenges/widgets", request.Target);
        Assert.Equal("Bearer " + Token, request.Headers["Authorization"]);
        Assert.Equal(TurnstileClient.UserAgent, request.Headers["User-Agent"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        Assert.Equal("""{"name":"n","domains":["example.com"],"mode":"invisible","clearance_level":"jschallenge"}""", request.Body);
        Assert.Equal("0xSEC", widget.Secret);
        Assert.Equal(WidgetRegion.China, widget.Region);
        Assert.Equal(ClearanceLevel.JsChallenge, widget.ClearanceLevel);
        Assert.True(widget.BotFightMode && widget.EphemeralId && widget.Offlabel);
        Assert.Empty(widget.UnrecognizedValues);
    }

    [Fact]
    public async Task Filter_values_are_escaped_into_the_query()
    {
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, ScriptedServer.ListPage(0, 0, 1, 1000)));
        using var client = Client(server);
        await foreach (var _ in client.ListWidgetsAsync(new WidgetListQuery { Filter = "name:a&b=c d/e", Order = WidgetOrder.CreatedOn, Direction = OrderDirection.Descending, PerPage = 50 }))
        {
        }
        var request = Assert.Single(server.Requests);
        Assert.Equal($"/client/v4/accounts/{Account}/challenges/widgets?page=1&per_page=50&order=created_on&direction=desc&filter=name%3Aa%26b%3Dc%20d%2Fe", request.Target);
    }

    [Fact]
    public async Task Retry_after_http_date_is_measured_against_the_response_date()
    {
        var date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        int calls = 0;
        await using var server = new ScriptedServer(_ => ++calls == 1
            ? new ScriptedResponse(429, """{"success":false,"errors":[{"code":971,"message":"rate limited"}],"messages":[],"result":null}""",
                Headers: new Dictionary<string, string> { ["Date"] = date.ToString("r"), ["Retry-After"] = date.AddSeconds(7).ToString("r") })
            : new ScriptedResponse(200, ScriptedServer.ListPage(0, 0, 1, 1000)));
        var delays = new RecordedDelays();
        using var client = Client(server, delays, maxRetries: 2);
        var page = await client.GetWidgetPageAsync(new WidgetListQuery(), 1);
        Assert.Empty(page.Widgets);
        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, delays.Delays);
    }
}
