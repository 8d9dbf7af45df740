using System;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class ErrorTests : EmulatorTest
{
    private const string OtherAccount = "fedcba9876543210fedcba9876543210";

    public ErrorTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public async Task A_wrong_token_is_a_403_with_cloudflare_codes_and_no_secret()
    {
        const string wrong = "wrong-SECRET-token";
        using var client = Fixture.Client(credential: TestSecrets.Token(wrong));
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(10000, Assert.Single(ex.Errors).Code);
        Assert.StartsWith($"Cloudflare API refused GET /accounts/{Emulator.AccountId}/challenges/widgets/0x4AAA: 403 Forbidden: [10000] ", ex.Message);
        Assert.DoesNotContain(wrong, ex.ToString());

        var access = await Assert.ThrowsAsync<TurnstileApiException>(() => client.VerifyAccessAsync());
        Assert.Equal(403, access.StatusCode);
        Assert.DoesNotContain(wrong, access.ToString());
    }

    [Fact]
    public async Task A_wrong_api_key_is_refused_without_echoing_it()
    {
        const string wrong = "wrong-SECRET-key";
        using var client = Fixture.Client(credential: TurnstileCredential.FromApiKey(Server.Email, TestSecrets.Secure(wrong)));
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.VerifyAccessAsync());
        Assert.Equal(403, ex.StatusCode);
        Assert.DoesNotContain(wrong, ex.ToString());
    }

    [Fact]
    public async Task Another_account_is_a_403_that_says_which_permission_and_account()
    {
        using var client = Fixture.Client(accountId: OtherAccount);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.VerifyAccessAsync());
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(9109, Assert.Single(ex.Errors).Code);
        Assert.Contains(OtherAccount, ex.Message);
        Assert.Contains("Turnstile Sites Read", ex.Message);
        Assert.Equal($"/accounts/{OtherAccount}/challenges/widgets?page=1&per_page=5", ex.Path);

        var create = await Assert.ThrowsAsync<TurnstileApiException>(() => client.CreateWidgetAsync(Definition()));
        Assert.Equal(403, create.StatusCode);
        Assert.Equal("POST", create.Method);
    }

    [Fact]
    public async Task An_unknown_route_is_7003()
    {
        using var client = Fixture.Client(baseUri: new Uri(Emulator.BaseUri, "../v3/"));
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(7003, Assert.Single(ex.Errors).Code);
        Assert.Contains("base URL", ex.Message);
    }

    [Fact]
    public async Task Real_answers_carry_their_kind_and_operation()
    {
        using var client = Fixture.Client();
        var missing = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAAAAAAnothere"));
        Assert.Equal((TurnstileApiErrorKind.NotFound, TurnstileOperation.GetWidget), (missing.Kind, missing.Operation));
        var deleted = await Assert.ThrowsAsync<TurnstileApiException>(() => client.DeleteWidgetAsync("0x4AAAAAAAnothere"));
        Assert.Equal((TurnstileApiErrorKind.NotFound, TurnstileOperation.DeleteWidget), (deleted.Kind, deleted.Operation));

        using var wrongRoute = Fixture.Client(baseUri: new Uri(Emulator.BaseUri, "../v3/"));
        var route = await Assert.ThrowsAsync<TurnstileApiException>(() => wrongRoute.GetWidgetAsync("0x4AAA"));
        Assert.Equal(TurnstileApiErrorKind.RouteNotFound, route.Kind);

        using var otherAccount = Fixture.Client(accountId: OtherAccount);
        var denied = await Assert.ThrowsAsync<TurnstileApiException>(() => otherAccount.GetWidgetPageAsync(new WidgetListQuery(), 1));
        Assert.Equal((TurnstileApiErrorKind.PermissionDenied, TurnstileOperation.ListWidgets), (denied.Kind, denied.Operation));

        using var wrongToken = Fixture.Client(credential: TestSecrets.Token("wrong-token"));
        var refused = await Assert.ThrowsAsync<TurnstileApiException>(() => wrongToken.CreateWidgetAsync(Definition()));
        Assert.Equal((TurnstileApiErrorKind.Authentication, TurnstileOperation.CreateWidget), (refused.Kind, refused.Operation));
    }

    [Fact]
    public async Task Errors_are_not_retried()
    {
        var delays = new RecordedDelays();
        using var client = Fixture.Client(delays);
        await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal(1, (await Emulator.GetStatsAsync()).TotalRequests);
        Assert.Empty(delays.Delays);
    }

    [Fact]
    public async Task A_caller_token_cancelled_before_the_call_sends_nothing()
    {
        using var client = Fixture.Client();
        using var cancellation = new System.Threading.CancellationTokenSource();
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetWidgetAsync("0x4AAA", cancellation.Token));
        Assert.Equal(0, (await Emulator.GetStatsAsync()).TotalRequests);
    }
}
