using System;
using System.Collections.Generic;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class EnvironmentSettingsTests
{
    private static Func<string, string?> Vars(params (string Name, string Value)[] pairs)
    {
        var map = new Dictionary<string, string>();
        foreach (var (name, value) in pairs)
        {
            map[name] = value;
        }
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    [Fact]
    public void Nothing_set_gives_nothing()
    {
        var settings = EnvironmentSettings.Read(Vars());
        Assert.Null(settings.Credential);
        Assert.Null(settings.AccountId);
        Assert.Null(settings.BaseUri);
    }

    [Fact]
    public void Empty_values_count_as_unset()
    {
        var settings = EnvironmentSettings.Read(Vars(("CLOUDFLARE_API_TOKEN", ""), ("CLOUDFLARE_ACCOUNT_ID", "  "), ("CLOUDFLARE_BASE_URL", "")));
        Assert.Null(settings.Credential);
        Assert.Null(settings.AccountId);
        Assert.Null(settings.BaseUri);
    }

    [Fact]
    public void Reads_token_account_and_base_url()
    {
        var settings = EnvironmentSettings.Read(Vars(
            ("CLOUDFLARE_API_TOKEN", "tok-123"),
            ("CLOUDFLARE_ACCOUNT_ID", "0123456789abcdef0123456789abcdef"),
            ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:8787/client/v4")));
        Assert.Equal("ApiToken", settings.Credential!.Scheme);
        Assert.Equal("0123456789abcdef0123456789abcdef", settings.AccountId);
        Assert.Equal("http://127.0.0.1:8787/client/v4/", settings.BaseUri!.ToString());
    }

    [Fact]
    public void Token_wins_over_email_and_key()
    {
        var settings = EnvironmentSettings.Read(Vars(("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "key")));
        Assert.Equal("ApiToken", settings.Credential!.Scheme);
    }

    [Fact]
    public void Email_and_key_give_a_key_credential()
    {
        var settings = EnvironmentSettings.Read(Vars(("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "key")));
        Assert.Equal("ApiKey", settings.Credential!.Scheme);
    }

    [Fact]
    public void Half_a_key_pair_names_the_missing_variable()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => EnvironmentSettings.Read(Vars(("CLOUDFLARE_EMAIL", "a@b.c"))));
        Assert.Equal("CLOUDFLARE_API_KEY", ex.Field);
        ex = Assert.Throws<TurnstileValidationException>(() => EnvironmentSettings.Read(Vars(("CLOUDFLARE_API_KEY", "secret-key-value"))));
        Assert.Equal("CLOUDFLARE_EMAIL", ex.Field);
        Assert.DoesNotContain("secret-key-value", ex.Message);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/")]
    [InlineData("/client/v4")]
    [InlineData("https://user:hunter2@example.com/client/v4")]
    public void A_bad_base_url_names_the_variable(string url)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => EnvironmentSettings.Read(Vars(("CLOUDFLARE_BASE_URL", url))));
        Assert.Equal("CLOUDFLARE_BASE_URL", ex.Field);
        Assert.Contains("CLOUDFLARE_BASE_URL", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void A_token_with_a_line_break_names_the_variable_without_showing_the_token()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => EnvironmentSettings.Read(Vars(("CLOUDFLARE_API_TOKEN", "abc\ndef-secret"))));
        Assert.Equal("CLOUDFLARE_API_TOKEN", ex.Field);
        Assert.DoesNotContain("def-secret", ex.Message);
    }
}
