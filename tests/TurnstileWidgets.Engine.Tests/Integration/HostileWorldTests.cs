using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.DesiredState;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>Issue 16, client side: what a hostile world (echoing proxies, dead servers, odd input) cannot do to the engine.</summary>
public class HostileWorldTests : EmulatorTest
{
    private const string EchoedToken = "echoed-token-0123456789abcdefghij";
    private const string EchoedKey = "echoed-global-key-0123456789abcdef";
    private const string EchoedEmail = "owner@echo.example.com";

    public HostileWorldTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    private static TurnstileClient ClientOn(Uri baseUri, TurnstileCredential credential, RecordedDelays? delays = null, int maxRetries = 0,
        TimeSpan? requestTimeout = null, TimeSpan? operationTimeout = null) => new(new TurnstileClientOptions
    {
        Credential = credential,
        AccountId = "0123456789abcdef0123456789abcdef",
        BaseUri = baseUri,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        OperationTimeout = operationTimeout ?? TimeSpan.FromMinutes(2),
        Retry = (delays ?? new RecordedDelays()).Options(maxRetries),
        RateLimit = new RateLimitOptions { Pace = false },
    });

    private static string Echo(SeenRequest request) =>
        string.Join(" ", new[] { "Authorization", "X-Auth-Email", "X-Auth-Key" }.Select(h => h + "=" + (request.Headers.TryGetValue(h, out string? v) ? v : "")));

    public static TheoryData<string> EchoForms => new() { "envelope", "plain", "header", "url-encoded" };

    [Theory]
    [MemberData(nameof(EchoForms))]
    public async Task An_echoed_token_is_replaced_by_a_placeholder_in_the_exception_its_errors_and_the_observer(string form)
    {
        await using var server = new ScriptedServer(request => form switch
        {
            "envelope" => new ScriptedResponse(403, "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"denied for " + Echo(request) + "\",\"documentation_url\":\"https://x/?t=" + Echo(request) + "\"}],\"messages\":[],\"result\":null}"),
            "plain" => new ScriptedResponse(502, "bad gateway " + Echo(request), "text/plain"),
            "url-encoded" => new ScriptedResponse(400, "refused " + Uri.EscapeDataString(Echo(request)), "text/plain"),
            _ => new ScriptedResponse(403, "{\"success\":false,\"errors\":[],\"messages\":[],\"result\":null}", Headers: new Dictionary<string, string> { ["cf-ray"] = Echo(request), ["Ratelimit"] = Echo(request) }),
        });
        var observer = new RecordingObserver();
        using var client = ClientOn(server.BaseUri, TestSecrets.Token(EchoedToken));
        TurnstileException ex;
        using (client.Observe(observer))
        {
            ex = await Assert.ThrowsAnyAsync<TurnstileException>(() => client.GetWidgetAsync("0x4AAAAAAAB"));
        }

        string shown = ex + string.Join("\n", (ex as TurnstileApiException)?.Errors.Select(e => e.Message + e.DocumentationUrl) ?? Array.Empty<string>())
            + string.Join("\n", observer.Records.Select(r => r.RayId + r.RateLimit + r.RateLimitPolicy));
        Assert.DoesNotContain(EchoedToken, shown);
        Assert.DoesNotContain(Uri.EscapeDataString(EchoedToken), shown);
        if (form != "header")
        {
            Assert.Contains(CredentialRedaction.ApiTokenPlaceholder, ex.Message);
        }
        else
        {
            Assert.Contains(observer.Records, r => r.RayId != null && r.RayId.Contains(CredentialRedaction.ApiTokenPlaceholder));
        }
    }

    [Fact]
    public async Task An_echoed_key_and_email_are_replaced_and_a_truncated_plain_body_leaves_no_part_of_the_key()
    {
        await using var server = new ScriptedServer(request => new ScriptedResponse(503, new string('x', 140) + Echo(request), "text/plain"));
        using var client = ClientOn(server.BaseUri, TurnstileCredential.FromApiKey(EchoedEmail, TestSecrets.Secure(EchoedKey)));
        var ex = await Assert.ThrowsAnyAsync<TurnstileException>(() => client.GetWidgetAsync("0x4AAAAAAAB"));
        Assert.DoesNotContain(EchoedEmail, ex.ToString());
        Assert.DoesNotContain("echoed-global", ex.ToString());
        Assert.DoesNotContain("echoed-glo", ex.ToString());
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 0)]
    [InlineData(2, 2)]
    public async Task A_token_quoted_with_a_few_characters_cut_off_is_still_replaced(int cutAtStart, int cutAtEnd)
    {
        // A proxy that shows "the token starting ..." gives away all but the last characters: as good as the token.
        string quoted = EchoedToken.Substring(cutAtStart, EchoedToken.Length - cutAtStart - cutAtEnd);
        await using var server = new ScriptedServer(_ => new ScriptedResponse(400,
            "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"bad token starting " + quoted + "\"}],\"messages\":[],\"result\":null}"));
        using var client = ClientOn(server.BaseUri, TestSecrets.Token(EchoedToken));
        var ex = await Assert.ThrowsAnyAsync<TurnstileException>(() => client.GetWidgetAsync("0x4AAAAAAAB"));
        Assert.DoesNotContain(quoted, ex.ToString());
        Assert.Contains(CredentialRedaction.ApiTokenPlaceholder, ex.Message);
    }

    [Theory]
    [InlineData('\0', "U+0000 NULL", 5)]
    [InlineData('\r', "U+000D CARRIAGE RETURN", 5)]
    [InlineData('\n', "U+000A LINE FEED", 5)]
    [InlineData('\t', "U+0009 CHARACTER TABULATION", 5)]
    [InlineData('\u001b', "U+001B ESCAPE", 5)]
    [InlineData('\u007f', "U+007F DELETE", 5)]
    public void A_token_or_key_with_a_control_character_is_refused_naming_it_and_its_place(char control, string described, int position)
    {
        string secret = "abcd" + control + "efghijklmnop";
        var token = Assert.Throws<TurnstileValidationException>(() => TestSecrets.Token(secret));
        Assert.Contains(described, token.Message);
        Assert.Contains("position " + position, token.Message);
        Assert.DoesNotContain("efghijklmnop", token.Message);
        var key = Assert.Throws<TurnstileValidationException>(() => TurnstileCredential.FromApiKey("a@example.com", TestSecrets.Secure(secret)));
        Assert.Contains(described, key.Message);
    }

    [Fact]
    public async Task A_token_with_a_nul_is_not_cut_at_the_nul_and_sends_nothing()
    {
        // Before: the secret was read back up to the NUL, so "<real token>\0junk" authenticated as the real token.
        Assert.Throws<TurnstileValidationException>(() => TestSecrets.Token(Emulator.ApiToken + "\0junk"));
        Assert.Equal(0, (await Emulator.GetStatsAsync()).TotalRequests);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("http://admin:hunter2@127.0.0.1:1/client/v4")]
    [InlineData("https://admin:hunter2@api.example.com/client/v4")]
    [InlineData("ftp://admin:hunter2@127.0.0.1:1/client/v4")]
    public void A_password_in_a_base_url_never_reaches_a_message(string url)
    {
        var parsed = Assert.Throws<TurnstileValidationException>(() => BaseUris.Parse(url, "-ApiBaseUri"));
        Assert.DoesNotContain("hunter2", parsed.Message);
        Assert.Contains("-ApiBaseUri", parsed.Message);
        var options = Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-url-test"), BaseUri = new Uri(url) }));
        Assert.DoesNotContain("hunter2", options.Message);
        var environment = Assert.Throws<TurnstileValidationException>(() => EnvironmentSettings.Read(name => name == EnvironmentSettings.BaseUrlVariable ? url : null));
        Assert.DoesNotContain("hunter2", environment.Message);
        Assert.Contains(EnvironmentSettings.BaseUrlVariable, environment.Message);
        Assert.DoesNotContain("hunter2", CredentialRedaction.WithoutUserInfo(new Uri(url)));
    }

    public static TheoryData<string, string, int> ControlNames => new()
    {
        { "a\0b", "U+0000 NULL", 2 },
        { "a\rb", "U+000D CARRIAGE RETURN", 2 },
        { "ab\n", "U+000A LINE FEED", 3 },
        { "a\tb", "U+0009 CHARACTER TABULATION", 2 },
        { "\u0007ab", "U+0007 BELL", 1 },
        { "a\u007f", "U+007F DELETE", 2 },
        { "x\u001b[2J", "U+001B ESCAPE", 2 },
        { "invoice\u202Efdp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE", 8 },
        { "a\u0085b", "U+0085", 2 },
    };

    [Theory]
    [MemberData(nameof(ControlNames))]
    public async Task A_name_with_a_control_character_is_refused_before_any_request(string name, string described, int position)
    {
        using var client = Fixture.Client();
        var ex = await Assert.ThrowsAsync<TurnstileValidationException>(() => client.CreateWidgetAsync(new WidgetDefinition { Name = name, Domains = new[] { "example.com" } }));
        Assert.Equal("name", ex.Field);
        Assert.Contains(described, ex.Message);
        Assert.Contains("position " + position, ex.Message);
        Assert.Equal(-1, ControlCharacters.Find(ex.Message));
        Assert.Throws<TurnstileValidationException>(() => WidgetMerge.CheckRequest(new WidgetChanges { Name = name }));
        Assert.Equal(0, (await Emulator.GetStatsAsync()).TotalRequests);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("   \t ")]
    [InlineData("\u00a0\u2003")]
    public void A_whitespace_only_name_is_refused(string name)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateName(name));
        Assert.True(ex.Message.Contains("only whitespace") || ex.Message.Contains("control character"), ex.Message);
    }

    [Fact]
    public void Right_to_left_names_keep_their_marks_and_emoji_their_joiners()
    {
        WidgetValidator.ValidateName("\u05e9\u05dc\u05d5\u05dd\u200f login");
        WidgetValidator.ValidateName("team \U0001F468\u200D\U0001F4BB");
        Assert.Equal("a\u241bb\u2400<U+202E>", ControlCharacters.MakeVisible("a\u001bb\0\u202E"));
    }

    public static TheoryData<string, string> Idns => new()
    {
        { "münchen.de", "xn--mnchen-3ya.de" },
        { "пример.рф", "xn--e1afmkfd.xn--p1ai" },
        { "例え.jp", "xn--r8jz45g.jp" },
    };

    [Theory]
    [MemberData(nameof(Idns))]
    public async Task An_internationalised_domain_is_sent_in_ascii_and_compares_equal_to_it(string unicode, string ascii)
    {
        Assert.Equal(ascii, DomainNames.ToAscii(unicode));
        using var client = Fixture.Client();

        Widget created = await client.CreateWidgetAsync(new WidgetDefinition { Name = "idn", Domains = new[] { unicode } });
        Assert.Equal(new[] { ascii }, created.Domains);

        var notes = new List<string>();
        WidgetMergeResult merge = WidgetMerge.Merge(created, new WidgetChanges { AddDomains = new[] { unicode } });
        Assert.False(merge.HasChanges);
        Assert.Contains(merge.Notes, n => n.Contains(ascii) && n.Contains(unicode));

        DesiredEntries entries = DesiredStateFile.ReadJson("[{\"Name\": \"idn\", \"Domains\": [\"" + unicode + "\"]}]", "idn.json");
        Assert.Empty(entries.Invalid);
        Assert.Contains(entries.Notes, n => n.Contains("entry 1 of idn.json") && n.Contains(ascii));
        WidgetPlan plan = WidgetPlanner.Plan(entries.Entries, new[] { created }, prune: false);
        Assert.True(plan.IsInSync);
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { "{\"Name\": {\"x\": 1}, \"Domains\": [\"example.com\"]}", "Name is an object" },
        { "{\"Name\": [\"a\"], \"Domains\": [\"example.com\"]}", "Name is a list" },
        { "{\"Name\": 7, \"Domains\": [\"example.com\"]}", "Name is a number" },
        { "{\"Name\": false, \"Domains\": [\"example.com\"]}", "Name is true/false" },
        { "{\"Name\": \"a\", \"Domains\": {\"d\": 1}}", "Domains is an object" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\", [\"nested\"]]}", "Domains item 2 is a list" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\"], \"Mode\": [\"managed\"]}", "Mode is a list" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\"], \"Region\": {\"r\": 1}}", "Region is an object" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\"], \"ClearanceLevel\": 3}", "ClearanceLevel is a number" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\"], \"Offlabel\": \"maybe\"}", "Offlabel 'maybe' is not true or false" },
        { "{\"Name\": \"a\", \"Domains\": [\"example.com\"], \"EphemeralId\": {\"e\": true}}", "EphemeralId is an object" },
        { "{\"Sitekey\": 12345, \"Name\": \"a\"}", "Sitekey is a number" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_field_of_the_wrong_type_is_refused_naming_the_entry_and_field(string entry, string expected)
    {
        DesiredEntries entries = DesiredStateFile.ReadJson("[{\"Name\": \"fine\", \"Domains\": [\"example.com\"]}, " + entry + "]", "widgets.json");
        Assert.Single(entries.Entries);
        PlanProblem problem = Assert.Single(entries.Invalid);
        Assert.Contains("entry 2 of widgets.json", problem.Message);
        Assert.Contains(expected, problem.Message);
        WidgetPlan plan = WidgetPlanner.Plan(entries.Entries, Array.Empty<Widget>(), prune: true, entries.Invalid);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void A_script_block_from_a_psd1_is_refused_by_its_type_not_sent_as_its_text()
    {
        // The module hands .psd1 values over as they are; anything but text is refused here, whatever its type.
        var row = new List<KeyValuePair<string, object?>> { new("Name", new Uri("https://not.text/")), new("Domains", "example.com") };
        DesiredEntries entries = DesiredStateFile.Read(new[] { row }, "widgets.psd1");
        Assert.Contains("Name is a Uri", Assert.Single(entries.Invalid).Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_with_the_operation_timeout()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await blackHole.AcceptTcpClientAsync());
                }
            }
            catch (Exception)
            {
            }
        });
        var baseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/client/v4/");

        using (var client = ClientOn(baseUri, TestSecrets.Token("black-hole-token"), maxRetries: 4, requestTimeout: TimeSpan.FromMilliseconds(100), operationTimeout: TimeSpan.FromMilliseconds(300)))
        {
            var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.GetWidgetAsync("0x4AAAAAAAB"));
            Assert.True(ex.IsTimeout);
            Assert.Contains("OperationTimeout", ex.Message);
            Assert.False(ex.RequestMayHaveTakenEffect);
        }

        using (var client = ClientOn(baseUri, TestSecrets.Token("black-hole-token"), maxRetries: 2, requestTimeout: TimeSpan.FromMilliseconds(50), operationTimeout: Timeout.InfiniteTimeSpan))
        {
            var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.GetWidgetAsync("0x4AAAAAAAB"));
            Assert.True(ex.IsTimeout);
            Assert.Contains("after 3 attempts", ex.Message);
            Assert.Contains("(RequestTimeout)", ex.Message);
        }

        using (var client = ClientOn(baseUri, TestSecrets.Token("black-hole-token"), requestTimeout: TimeSpan.FromMilliseconds(50)))
        {
            var ex = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.CreateWidgetAsync(new WidgetDefinition { Name = "x", Domains = new[] { "example.com" } }));
            Assert.True(ex.RequestMayHaveTakenEffect);
        }

        blackHole.Stop();
        foreach (TcpClient client in held.ToArray())
        {
            client.Dispose();
        }
    }

    [Fact]
    public void The_timeouts_must_be_positive()
    {
        Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-timeouts"), OperationTimeout = TimeSpan.Zero }));
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-timeouts"), OperationTimeout = Timeout.InfiniteTimeSpan });
        Assert.Equal(Timeout.InfiniteTimeSpan, client.OperationTimeout);
        Assert.Equal(TurnstileClientOptions.DefaultRequestTimeout, client.RequestTimeout);
    }

    [Fact]
    public void A_timeout_longer_than_a_timer_can_wait_is_refused_when_the_client_is_made()
    {
        var tooLong = TurnstileClientOptions.MaxTimeout + TimeSpan.FromMilliseconds(1);
        Assert.Equal("request_timeout", Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-timeouts"), RequestTimeout = tooLong })).Field);
        Assert.Equal("operation_timeout", Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-timeouts"), OperationTimeout = TimeSpan.MaxValue })).Field);
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token("token-for-timeouts"), RequestTimeout = TurnstileClientOptions.MaxTimeout });
        Assert.Equal(TurnstileClientOptions.MaxTimeout, client.RequestTimeout);
    }

    [Fact]
    public async Task A_create_refused_with_a_5xx_says_to_check_whether_it_was_created()
    {
        using var client = Fixture.Client(maxRetries: 4);
        Server.ScriptFaults(new FaultStep { Status = 500 });
        var create = await Assert.ThrowsAsync<TurnstileApiException>(() => client.CreateWidgetAsync(new WidgetDefinition { Name = "maybe", Domains = new[] { "example.com" } }));
        Assert.True(create.RequestMayHaveTakenEffect);
        Assert.Contains("whether the widget was created", create.Message);
        Assert.Equal(0, Server.WidgetCount);

        Server.ScriptFaults(new FaultStep { Status = 500 }, new FaultStep { Status = 500 }, new FaultStep { Status = 500 }, new FaultStep { Status = 500 }, new FaultStep { Status = 500 });
        var read = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.False(read.RequestMayHaveTakenEffect);
        Assert.DoesNotContain("whether the widget was created", read.Message);
    }
}
