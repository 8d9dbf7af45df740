using System.Net.Http;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class SecretTests
{
    private const string Token = "tok-SECRET-0123456789";
    private const string Key = "key-SECRET-9876543210";

    [Fact]
    public void Credentials_show_only_their_scheme()
    {
        var token = TestSecrets.Token(Token);
        var key = TurnstileCredential.FromApiKey("me@example.com", TestSecrets.Secure(Key));
        Assert.Equal("ApiToken", token.ToString());
        Assert.Equal("ApiKey", key.ToString());
        Assert.DoesNotContain("SECRET", token.ToString() + key.ToString());
    }

    [Fact]
    public void Credential_keeps_a_read_only_copy()
    {
        var secure = TestSecrets.Secure(Token);
        var credential = TurnstileCredential.FromApiToken(secure);
        secure.AppendChar('x');
        secure.Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        credential.ApplyTo(request);
        Assert.Equal("Bearer " + Token, string.Join("", request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public void Key_credential_writes_both_headers()
    {
        var credential = TurnstileCredential.FromApiKey("me@example.com", TestSecrets.Secure(Key));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        credential.ApplyTo(request);
        Assert.Equal("me@example.com", string.Join("", request.Headers.GetValues("X-Auth-Email")));
        Assert.Equal(Key, string.Join("", request.Headers.GetValues("X-Auth-Key")));
        Assert.False(request.Headers.Contains("Authorization"));
    }

    [Fact]
    public void Empty_or_malformed_secrets_are_refused_without_echo()
    {
        Assert.Equal("api_token", Assert.Throws<TurnstileValidationException>(() => TurnstileCredential.FromApiToken(TestSecrets.Secure(""))).Field);
        var ex = Assert.Throws<TurnstileValidationException>(() => TurnstileCredential.FromApiToken(TestSecrets.Secure("SECRET part\r\n")));
        Assert.DoesNotContain("SECRET", ex.Message);
        Assert.Equal("email", Assert.Throws<TurnstileValidationException>(() => TurnstileCredential.FromApiKey(" ", TestSecrets.Secure(Key))).Field);
    }

    [Fact]
    public void Widget_to_string_never_shows_its_secret()
    {
        var widget = new Widget { Name = "login", Sitekey = "0x4AAA", Secret = "0xSECRET" };
        Assert.Equal("login (0x4AAA)", widget.ToString());
    }

    [Fact]
    public void Client_requires_a_credential_and_a_valid_account()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions()));
        Assert.Equal("credential", ex.Field);
        ex = Assert.Throws<TurnstileValidationException>(() => new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token(Token), AccountId = "nope" }));
        Assert.Equal("account_id", ex.Field);
    }

    [Fact]
    public void Client_describes_itself_without_secrets()
    {
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token(Token), AccountId = "0123456789abcdef0123456789abcdef" });
        Assert.Equal("ApiToken", client.AuthenticationScheme);
        Assert.Equal(TurnstileClientOptions.DefaultBaseUri, client.BaseUri);
        Assert.DoesNotContain("SECRET", client.ToString());
    }

    [Fact]
    public void User_agent_is_the_informational_version_without_commit()
    {
        Assert.Matches(@"^TurnstileWidgets/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", TurnstileClient.UserAgent);
    }

    [Fact]
    public async System.Threading.Tasks.Task Widget_operations_without_an_account_id_say_how_to_give_one()
    {
        using var client = new TurnstileClient(new TurnstileClientOptions { Credential = TestSecrets.Token(Token) });
        var ex = await Assert.ThrowsAsync<TurnstileValidationException>(() => client.GetWidgetAsync("0x4AAA"));
        Assert.Equal("account_id", ex.Field);
        Assert.Contains("CLOUDFLARE_ACCOUNT_ID", ex.Message);
    }
}
