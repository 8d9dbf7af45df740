using System;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class ErrorFormattingTests
{
    [Fact]
    public void Api_error_reads_like_the_documented_example()
    {
        string message = ApiErrors.Format("GET", "/accounts/0123/challenges/widgets/0x4AAA", 404, "Not Found",
            new[] { new ApiMessage { Code = 10404, Message = "widget not found" } }, null, null);
        Assert.Equal("Cloudflare API refused GET /accounts/0123/challenges/widgets/0x4AAA: 404 Not Found: [10404] widget not found", message);
    }

    [Fact]
    public void Several_errors_are_joined_and_advice_follows()
    {
        string message = ApiErrors.Format("POST", "/accounts/a/challenges/widgets", 400, null,
            new[] { new ApiMessage { Code = 10001, Message = "bad name" }, new ApiMessage { Code = 10002, Message = "bad domain" } }, null, "Fix it.");
        Assert.Equal("Cloudflare API refused POST /accounts/a/challenges/widgets: 400 Bad Request: [10001] bad name; [10002] bad domain. Fix it.", message);
    }

    [Fact]
    public void A_non_json_body_is_described()
    {
        string message = ApiErrors.Format("GET", "/x", 502, "Bad Gateway", Array.Empty<ApiMessage>(), "the body was not a Cloudflare JSON envelope: text/html, 120 bytes", null);
        Assert.Equal("Cloudflare API refused GET /x: 502 Bad Gateway (the body was not a Cloudflare JSON envelope: text/html, 120 bytes)", message);
    }

    [Theory]
    [InlineData(401, "credential")]
    [InlineData(403, "Turnstile Sites")]
    [InlineData(404, "sitekey")]
    [InlineData(429, "wait")]
    [InlineData(503, "try again later")]
    public void Advice_says_what_to_do(int status, string expected)
    {
        Assert.Contains(expected, ApiErrors.Advice(status, Array.Empty<ApiMessage>(), "acc", null, null));
    }

    [Fact]
    public void A_403_with_a_credential_code_is_told_about_the_credential_not_the_account()
    {
        string advice = ApiErrors.Advice(403, new[] { new ApiMessage { Code = 10000, Message = "Authentication error" } }, "acc", null, null)!;
        Assert.Contains("credential was not accepted", advice);
        Assert.DoesNotContain("account id", advice);
    }

    [Fact]
    public void Advice_for_a_long_retry_after_says_how_long()
    {
        string advice = ApiErrors.Advice(429, Array.Empty<ApiMessage>(), "acc", TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(300))!;
        Assert.Contains("10 min", advice);
        Assert.Contains("300 s", advice);
    }

    [Fact]
    public void No_route_points_at_the_account_and_base_url()
    {
        Assert.Contains("base URL", ApiErrors.Advice(404, new[] { new ApiMessage { Code = 7003, Message = "No route for the URI" } }, "acc", null, null));
    }

    [Fact]
    public void Api_message_formats_as_cloudflare_shows_it()
    {
        Assert.Equal("[7003] No route for the URI", new ApiMessage { Code = 7003, Message = "No route for the URI" }.ToString());
    }
}
