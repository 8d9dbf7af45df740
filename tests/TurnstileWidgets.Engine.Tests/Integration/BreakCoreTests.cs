using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Siteverify;
using TurnstileWidgets.Engine.Tests.Support;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>A hostile tester's probes of the new transport core (issue 18), against the shared emulator.</summary>
public sealed class BreakCoreErrorKindTests : EmulatorTest
{
    public BreakCoreErrorKindTests(EmulatorFixture fixture)
        : base(fixture)
    {
    }

    [Theory]
    [InlineData(400, null, TurnstileApiErrorKind.Validation)]
    [InlineData(401, null, TurnstileApiErrorKind.Authentication)]
    [InlineData(403, null, TurnstileApiErrorKind.Authentication)] // the emulator's default 403 code is 10000
    [InlineData(403, 9109, TurnstileApiErrorKind.PermissionDenied)]
    [InlineData(404, null, TurnstileApiErrorKind.RouteNotFound)] // the emulator's default 404 code is 7003
    [InlineData(404, 10404, TurnstileApiErrorKind.NotFound)]
    [InlineData(405, null, TurnstileApiErrorKind.Other)]
    [InlineData(409, null, TurnstileApiErrorKind.Conflict)]
    [InlineData(413, 10002, TurnstileApiErrorKind.Other)]
    [InlineData(422, null, TurnstileApiErrorKind.Validation)]
    [InlineData(429, null, TurnstileApiErrorKind.RateLimited)]
    [InlineData(500, null, TurnstileApiErrorKind.Server)]
    [InlineData(502, null, TurnstileApiErrorKind.Server)]
    [InlineData(503, null, TurnstileApiErrorKind.Server)]
    [InlineData(504, null, TurnstileApiErrorKind.Server)]
    public async Task Every_status_the_emulator_can_script_on_an_update_is_classified_with_its_operation(int status, int? code, TurnstileApiErrorKind kind)
    {
        using TurnstileClient client = Fixture.Client(maxRetries: 0);
        Widget widget = await client.CreateWidgetAsync(Definition());
        Server.ScriptFaults(new FaultStep { Status = status, Code = code, Method = "PUT" });

        var error = await Assert.ThrowsAsync<TurnstileApiException>(() => client.UpdateWidgetAsync(widget.Sitekey, Definition("renamed")));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(TurnstileOperation.UpdateWidget, error.Operation);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("PUT", error.Method);
        Assert.Null(error.MaxBlockWait);
    }
}

/// <summary>GraphQL and siteverify have budgets of their own: a block on the REST budget must not hold them.</summary>
public sealed class BreakCoreOutsideRestBudgetTests : IAsyncLifetime
{
    private InProcessEmulator emulator = null!;
    private readonly RecordedDelays delays = new();

    public async Task InitializeAsync()
    {
        emulator = await InProcessEmulator.StartAsync(new EmulatorOptions
        {
            ApiToken = "outside-" + Guid.NewGuid().ToString("N"),
            RateLimit = "2/300",
            RateLimitBlockSeconds = 300,
        });
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    [Fact]
    public async Task Siteverify_goes_by_while_the_rest_budget_is_blocked()
    {
        using var client = new TurnstileClient(new TurnstileClientOptions
        {
            Credential = TestSecrets.Token(emulator.ApiToken),
            AccountId = emulator.AccountId,
            BaseUri = emulator.BaseUri,
            UtcNow = () => emulator.Server.UtcNow,
            RateLimit = new RateLimitOptions { MaxBlockWait = TimeSpan.Zero },
            Retry = delays.Options(),
        });
        using (var raw = new HttpClient { BaseAddress = emulator.BaseUri })
        {
            raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.ApiToken);
            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage _ = await raw.GetAsync("user/tokens/verify");
            }
        }
        // The client learns of the block.
        var blocked = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(TurnstileApiErrorKind.RateLimited, blocked.Kind);
        long refused = (await emulator.GetStatsAsync()).RateLimitedResponses;

        var siteverify = new SiteverifyClient(client, emulator.Server.SiteverifyUri);
        SiteverifyResult result = await siteverify.VerifyAsync(new SiteverifyRequest
        {
            Secret = TestSecrets.Secure("1x0000000000000000000000000000000AA"),
            Response = "XXXX.DUMMY.TOKEN.XXXX",
        });

        Assert.True(result.Success);
        Assert.Empty(delays.Delays);
        Assert.Equal(refused, (await emulator.GetStatsAsync()).RateLimitedResponses);
        Assert.Equal(1, (await emulator.GetStatsAsync()).SiteverifyRequests);
    }
}

/// <summary>An answer whose body stops coming: each attempt's RequestTimeout covers the body, error answers' too.</summary>
public sealed class BreakCoreStalledBodyTests
{
    /// <summary>Answers every request with the status line, headers and the first byte of a longer body, then stays silent.</summary>
    private static async Task<(System.Net.Sockets.TcpListener Listener, Task Serving)> StallingServerAsync(int status, System.Threading.CancellationToken stop)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        Task serving = Task.Run(async () =>
        {
            var held = new System.Collections.Generic.List<System.Net.Sockets.TcpClient>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    System.Net.Sockets.TcpClient client = await listener.AcceptTcpClientAsync(stop);
                    held.Add(client);
                    System.Net.Sockets.NetworkStream stream = client.GetStream();
                    byte[] buffer = new byte[8192];
                    _ = await stream.ReadAsync(buffer, stop);
                    string head = $"HTTP/1.1 {status} Status\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), stop);
                    await stream.FlushAsync(stop);
                }
            }
            catch (Exception)
            {
            }
            finally
            {
                held.ForEach(c => c.Dispose());
            }
        });
        await Task.Yield();
        return (listener, serving);
    }

    private static TurnstileClient Client(int port) => new(new TurnstileClientOptions
    {
        Credential = TestSecrets.Token("stalled-body-token"),
        AccountId = "0123456789abcdef0123456789abcdef",
        BaseUri = new Uri($"http://127.0.0.1:{port}/client/v4/"),
        // Long enough for a cold start on a busy machine to get the headers; the body never comes, whatever the bound.
        RequestTimeout = TimeSpan.FromSeconds(3),
        OperationTimeout = TimeSpan.FromMinutes(10),
        Retry = new RecordedDelays().Options(maxRetries: 0),
    });

    [Fact]
    public async Task A_success_whose_body_stops_coming_fails_as_a_timeout_of_the_attempt()
    {
        using var stop = new System.Threading.CancellationTokenSource();
        (System.Net.Sockets.TcpListener listener, Task serving) = await StallingServerAsync(200, stop.Token);
        try
        {
            using TurnstileClient client = Client(((System.Net.IPEndPoint)listener.LocalEndpoint).Port);

            var error = await Assert.ThrowsAsync<TurnstileTransportException>(() => client.GetWidgetAsync("0x4AAAAAAAAAAAAAAAAAAAAA"));

            Assert.True(error.IsTimeout);
            Assert.Contains("RequestTimeout", error.Message);
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
            await serving;
        }
    }

    [Fact]
    public async Task An_error_whose_body_stops_coming_is_classified_by_its_status_within_the_attempts_timeout()
    {
        using var stop = new System.Threading.CancellationTokenSource();
        (System.Net.Sockets.TcpListener listener, Task serving) = await StallingServerAsync(404, stop.Token);
        try
        {
            using TurnstileClient client = Client(((System.Net.IPEndPoint)listener.LocalEndpoint).Port);

            // It used to be read under OperationTimeout only (10 minutes here), then fail as the whole request's timeout.
            var error = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAAAAAAAAAAAAAAAAAAAA"));

            Assert.Equal(404, error.StatusCode);
            Assert.Equal(TurnstileApiErrorKind.NotFound, error.Kind);
            Assert.Equal(TurnstileOperation.GetWidget, error.Operation);
            Assert.Contains("did not arrive in full", error.Message);
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
            await serving;
        }
    }
}
