using System;
using System.Net;
using System.Net.Http;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Internal;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class RateLimitPacerTests
{
    private static HttpResponseMessage Answer(string? limit, string? policy = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (limit != null)
        {
            response.Headers.TryAddWithoutValidation("Ratelimit", limit);
        }
        if (policy != null)
        {
            response.Headers.TryAddWithoutValidation("Ratelimit-Policy", policy);
        }
        return response;
    }

    [Fact]
    public void Reads_cloudflares_header_format()
    {
        RateLimitReport report = RateLimitReport.Read(Answer("\"default\";r=50;t=30", "\"burst\";q=100;w=60"))!.Value;
        Assert.Equal(50, report.Remaining);
        Assert.Equal(30, report.ResetSeconds);
        Assert.Equal(100, report.Quota);
        Assert.Equal(60, report.WindowSeconds);
    }

    [Fact]
    public void The_most_restrictive_of_several_limits_governs_and_bad_items_are_skipped()
    {
        RateLimitReport report = RateLimitReport.Read(Answer("\"a\";r=900;t=200, \"b\";r=7;t=4, \"c\";r=x;t=1, \"d\";t=9"))!.Value;
        Assert.Equal(7, report.Remaining);
        Assert.Equal(4, report.ResetSeconds);
        Assert.Null(report.Quota);
        Assert.Null(RateLimitReport.Read(Answer(null)));
        Assert.Null(RateLimitReport.Read(Answer("\"default\";q=5")));
    }

    [Fact]
    public void Fingerprints_name_one_budget_per_credential_and_api_and_hold_no_secret()
    {
        var api = new Uri("https://api.cloudflare.com/client/v4/");
        string a = TestSecrets.Token("token-value-one").BudgetFingerprint(api);
        Assert.Equal(a, TestSecrets.Token("token-value-one").BudgetFingerprint(new Uri("https://API.cloudflare.com/client/v4")));
        Assert.NotEqual(a, TestSecrets.Token("token-value-two").BudgetFingerprint(api));
        Assert.NotEqual(a, TestSecrets.Token("token-value-one").BudgetFingerprint(new Uri("http://127.0.0.1:5000/client/v4/")));
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.DoesNotContain("token-value-one", a);

        string key = TurnstileCredential.FromApiKey("User@Example.com", TestSecrets.Secure("key-1")).BudgetFingerprint(api);
        Assert.Equal(key, TurnstileCredential.FromApiKey("user@example.com", TestSecrets.Secure("key-1")).BudgetFingerprint(api));
        Assert.NotEqual(key, TurnstileCredential.FromApiKey("user@example.com", TestSecrets.Secure("key-2")).BudgetFingerprint(api));
    }

    [Fact]
    public void Defaults_cover_cloudflares_five_minute_block()
    {
        var options = new RateLimitOptions();
        Assert.True(options.Pace);
        Assert.True(options.MaxBlockWait > TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(6), options.MaxBlockWait);
        Assert.NotNull(new TurnstileClientOptions().RateLimit);
    }
}
