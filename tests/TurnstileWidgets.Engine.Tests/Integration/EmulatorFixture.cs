using System;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>One emulator on a loopback port chosen by the OS, shared by every integration test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    /// <summary>The emulator from the shared launcher: addresses, credentials, seeding and stats.</summary>
    public InProcessEmulator Emulator { get; private set; } = null!;

    /// <summary>The emulator's own test hooks (scripted faults, the clock).</summary>
    public EmulatorServer Server => Emulator.Server;

    public async Task InitializeAsync()
    {
        Emulator = await InProcessEmulator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
    }

    public TurnstileCredential TokenCredential => TestSecrets.Token(Emulator.ApiToken!);

    public TurnstileCredential KeyCredential => TurnstileCredential.FromApiKey(Server.Email, TestSecrets.Secure(Server.ApiKey));

    /// <summary>A client on the emulator whose retry waits are recorded, never slept.</summary>
    public TurnstileClient Client(RecordedDelays? delays = null, int maxRetries = 4, TurnstileCredential? credential = null, string? accountId = null,
        TimeSpan? requestTimeout = null, TimeSpan? maxTotalWait = null, Uri? baseUri = null, RateLimitOptions? rateLimit = null) => new(new TurnstileClientOptions
    {
        RateLimit = rateLimit ?? new RateLimitOptions(),
        Credential = credential ?? TokenCredential,
        AccountId = accountId ?? Emulator.AccountId,
        BaseUri = baseUri ?? Emulator.BaseUri,
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
public abstract class EmulatorTest : IAsyncLifetime
{
    protected EmulatorTest(EmulatorFixture fixture)
    {
        Fixture = fixture;
    }

    protected EmulatorFixture Fixture { get; }

    /// <summary>The emulator from the shared launcher: seeding and stats go through its control endpoints.</summary>
    protected InProcessEmulator Emulator => Fixture.Emulator;

    /// <summary>The emulator's own test hooks (scripted faults, the clock).</summary>
    protected EmulatorServer Server => Fixture.Server;

    /// <summary>Empties the store, the counters and the faults before each test.</summary>
    public virtual Task InitializeAsync() => Emulator.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static WidgetDefinition Definition(string name = "login form", params string[] domains) => new()
    {
        Name = name,
        Domains = domains.Length == 0 ? new System.Collections.Generic.List<string> { "example.com" } : new System.Collections.Generic.List<string>(domains),
        Mode = WidgetMode.Managed,
    };
}
