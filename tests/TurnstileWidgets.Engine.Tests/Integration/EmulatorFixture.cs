using System;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>One emulator on a loopback port chosen by the OS, shared by every integration test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
    }

    public TurnstileCredential TokenCredential => TestSecrets.Token(Server.ApiToken);

    public TurnstileCredential KeyCredential => TurnstileCredential.FromApiKey(Server.Email, TestSecrets.Secure(Server.ApiKey));

    /// <summary>A client on the emulator whose retry waits are recorded, never slept.</summary>
    public TurnstileClient Client(RecordedDelays? delays = null, int maxRetries = 4, TurnstileCredential? credential = null, string? accountId = null,
        TimeSpan? requestTimeout = null, TimeSpan? maxTotalWait = null, Uri? baseUri = null, RateLimitOptions? rateLimit = null) => new(new TurnstileClientOptions
    {
        RateLimit = rateLimit ?? new RateLimitOptions(),
        Credential = credential ?? TokenCredential,
        AccountId = accountId ?? Server.AccountId,
        BaseUri = baseUri ?? Server.BaseUri,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(60),
        Retry = (delays ?? new RecordedDelays()).Options(maxRetries, maxTotalWait),
    });
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "emulator";
}

/// <summary>Every integration test starts from an empty emulator with no scripted faults.</summary>
[Collection(EmulatorCollection.Name)]
public abstract class EmulatorTest
{
    protected EmulatorTest(EmulatorFixture fixture)
    {
        Fixture = fixture;
        fixture.Server.Reset();
    }

    protected EmulatorFixture Fixture { get; }

    protected EmulatorServer Server => Fixture.Server;

    protected static WidgetDefinition Definition(string name = "login form", params string[] domains) => new()
    {
        Name = name,
        Domains = domains.Length == 0 ? new System.Collections.Generic.List<string> { "example.com" } : new System.Collections.Generic.List<string>(domains),
        Mode = WidgetMode.Managed,
    };
}
