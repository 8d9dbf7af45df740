using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Siteverify;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.Analytics;

/// <summary>The siteverify client against the emulator's siteverify: single use, expiry, idempotency, secrets, test keys, retried internal errors.</summary>
public sealed class SiteverifyClientTests : IAsyncLifetime
{
    private InProcessEmulator emulator = null!;
    private TurnstileClient client = null!;
    private SiteverifyClient siteverify = null!;
    private readonly RecordedDelays delays = new();
    private readonly List<RequestRecord> records = new();

    public async Task InitializeAsync()
    {
        emulator = await InProcessEmulator.StartAsync();
        client = new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token(emulator.ApiToken), AccountId = emulator.AccountId, BaseUri = emulator.BaseUri, Retry = delays.Options() });
        siteverify = new SiteverifyClient(client, emulator.Server.SiteverifyUri);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await emulator.DisposeAsync();
    }

    private Uri Control(string path) => new(emulator.ControlUri, path);

    private async Task<JsonElement> PostControl(string path, object body)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.PostAsync(Control(path), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<Widget> NewWidget()
    {
        return await client.CreateWidgetAsync(new WidgetDefinition { Name = "app", Domains = new List<string> { "example.com" }, Mode = WidgetMode.Managed });
    }

    private async Task<string> Token(Widget widget) => (await PostControl("tokens", new { sitekey = widget.Sitekey, action = "login" })).GetProperty("token").GetString()!;

    [Fact]
    public async Task AVisitorTokenIsValidOnceThenTimeoutOrDuplicate()
    {
        Widget widget = await NewWidget();
        string token = await Token(widget);

        SiteverifyResult first = await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = token, RemoteIp = "203.0.113.7" });
        SiteverifyResult second = await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = token });

        Assert.True(first.Success);
        Assert.Equal("login", first.Action);
        Assert.Equal("example.com", first.Hostname);
        Assert.NotNull(first.ChallengeTimestamp);
        Assert.False(second.Success);
        Assert.Equal(new[] { SiteverifyErrorCodes.TimeoutOrDuplicate }, second.ErrorCodes);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyValidatesTheTokenAgain()
    {
        Widget widget = await NewWidget();
        string token = await Token(widget);
        Guid key = Guid.NewGuid();

        Assert.True((await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = token, IdempotencyKey = key })).Success);
        Assert.True((await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = token, IdempotencyKey = key })).Success);
    }

    [Fact]
    public async Task ATokenExpiresAfter300SecondsOnTheEmulatorClock()
    {
        Widget widget = await NewWidget();
        string token = await Token(widget);
        emulator.Server.AdvanceClock(TimeSpan.FromSeconds(301));

        SiteverifyResult result = await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = token });

        Assert.Equal(new[] { SiteverifyErrorCodes.TimeoutOrDuplicate }, result.ErrorCodes);
    }

    [Fact]
    public async Task ASecretCheckAcceptsTheCurrentAndPreviousSecretAndRefusesAWrongOne()
    {
        Widget widget = await NewWidget();
        Widget rotated = await client.RotateSecretAsync(widget.Sitekey, invalidateImmediately: false);

        SecretCheck current = await siteverify.CheckSecretAsync(TestSecrets.Secure(rotated.Secret!));
        SecretCheck previous = await siteverify.CheckSecretAsync(TestSecrets.Secure(widget.Secret!));
        SecretCheck wrong = await siteverify.CheckSecretAsync(TestSecrets.Secure("0x4AAAAAAAwrongSecretwrongSecret00"));

        Assert.True(current.Accepted);
        Assert.Equal(new[] { SiteverifyErrorCodes.InvalidInputResponse }, current.ErrorCodes);
        Assert.True(previous.Accepted);
        Assert.False(wrong.Accepted);
        Assert.Equal(new[] { SiteverifyErrorCodes.InvalidInputSecret }, wrong.ErrorCodes);
    }

    [Theory]
    [InlineData("1x0000000000000000000000000000000AA", true, "")]
    [InlineData("2x0000000000000000000000000000000AA", false, "invalid-input-response")]
    [InlineData("3x0000000000000000000000000000000AA", false, "timeout-or-duplicate")]
    public async Task TheTestSecretsJudgeTheDummyTokenAsDocumented(string secret, bool success, string code)
    {
        SiteverifyResult result = await siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(secret), Response = SiteverifyErrorCodes.ProbeToken });

        Assert.Equal(success, result.Success);
        Assert.Equal(code.Length == 0 ? Array.Empty<string>() : new[] { code }, result.ErrorCodes);
        Assert.True(result.ResultWithTestingKey);
    }

    [Fact]
    public async Task InternalErrorIsRetriedAsCloudflareDocuments()
    {
        Widget widget = await NewWidget();
        await PostControl("siteverify/faults", new { internal_errors = 2 });

        SecretCheck check = await siteverify.CheckSecretAsync(TestSecrets.Secure(widget.Secret!));

        Assert.True(check.Accepted);
        Assert.Equal(2, delays.Delays.Count);
    }

    [Fact]
    public async Task TheSecretNeverReachesTheRequestRecordsOrAFailure()
    {
        Widget widget = await NewWidget();
        var observer = new Observer(records);
        using (client.Observe(observer))
        {
            await siteverify.CheckSecretAsync(TestSecrets.Secure(widget.Secret!));
        }

        RequestRecord record = Assert.Single(records);
        Assert.Equal("POST", record.Method);
        Assert.Equal("/turnstile/v0/siteverify", record.Path);
        Assert.DoesNotContain(widget.Secret!, JsonSerializer.Serialize(record));
        var tooLong = await Assert.ThrowsAsync<TurnstileValidationException>(() => siteverify.VerifyAsync(new SiteverifyRequest { Secret = TestSecrets.Secure(widget.Secret!), Response = new string('a', 2049) }));
        Assert.DoesNotContain(widget.Secret!, tooLong.Message);
    }

    [Fact]
    public void ASiteverifyUriMustBeAbsoluteHttpWithoutUserInfo()
    {
        Assert.Throws<TurnstileValidationException>(() => SiteverifyClient.ValidateUri(new Uri("ftp://example.com/x")));
        Assert.Throws<TurnstileValidationException>(() => SiteverifyClient.ValidateUri(new Uri("https://user:pw@example.com/x")));
        Assert.Equal(SiteverifyClient.DefaultUri, new SiteverifyClient(client).Uri);
    }

    private sealed class Observer : IRequestObserver
    {
        private readonly List<RequestRecord> records;

        public Observer(List<RequestRecord> records) => this.records = records;

        public void RequestCompleted(RequestRecord record) => records.Add(record);

        public void RetryScheduled(RetryNotice notice)
        {
        }
    }
}

/// <summary>Which siteverify goes with an API address when none is named.</summary>
public sealed class SiteverifyDefaultTests
{
    [Fact]
    public void Cloudflare_API_goes_with_Cloudflare_siteverify() =>
        Assert.Equal(SiteverifyClient.DefaultUri, SiteverifyClient.DefaultFor(TurnstileClientOptions.DefaultBaseUri));

    [Theory]
    [InlineData("http://127.0.0.1:40123/client/v4/", "http://127.0.0.1:40123/turnstile/v0/siteverify")]
    [InlineData("https://rehearsal.example.com/client/v4", "https://rehearsal.example.com/turnstile/v0/siteverify")]
    public void Any_other_API_goes_with_its_own_host_so_secrets_never_leave_for_Cloudflare(string api, string expected) =>
        Assert.Equal(new Uri(expected), SiteverifyClient.DefaultFor(new Uri(api)));
}
