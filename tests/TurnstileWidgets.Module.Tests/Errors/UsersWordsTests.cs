using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;

namespace TurnstileWidgets.Module.Tests.Errors
{
    /// <summary>Issue 17: errors catchable by a public type, messages in parameter names, the domain limit as the API reports it.</summary>
    public class UsersWordsTests
    {
        private const string WidgetPath = "/client/v4/accounts/0123456789abcdef0123456789abcdef/challenges/widgets/0x4AAAAAAAkey";
        private const string CreatePath = "/client/v4/accounts/0123456789abcdef0123456789abcdef/challenges/widgets";

        // The kind and operation the engine would give these answers (it classifies; the module maps by kind).
        private static TurnstileApiException Api(int status, string path, int code, string text, string method = "GET")
        {
            TurnstileOperation operation = path.EndsWith("/user/tokens/verify", StringComparison.Ordinal) ? TurnstileOperation.VerifyToken
                : method == "POST" ? TurnstileOperation.CreateWidget
                : path == WidgetPath ? TurnstileOperation.GetWidget
                : TurnstileOperation.Unknown;
            TurnstileApiErrorKind kind = status switch
            {
                401 => TurnstileApiErrorKind.Authentication,
                403 => TurnstileApiErrorKind.PermissionDenied,
                404 => path == WidgetPath ? TurnstileApiErrorKind.NotFound : TurnstileApiErrorKind.RouteNotFound,
                429 => TurnstileApiErrorKind.RateLimited,
                400 or 422 => TurnstileApiErrorKind.Validation,
                >= 500 => TurnstileApiErrorKind.Server,
                _ => TurnstileApiErrorKind.Other,
            };
            return new TurnstileApiException("Cloudflare API refused " + method + " " + path + ": " + status + ": [" + code + "] " + text + ". Check the sitekey and the account id.",
                kind, operation, status, new[] { new ApiMessage { Code = code, Message = text } }, method, path);
        }

        [Fact]
        public void EveryMappedRecordCarriesThePublicExceptionWithTheEngineFailureInside()
        {
            TurnstileApiException inner = Api(404, WidgetPath, 10404, "widget not found");
            ErrorRecord record = ErrorMapper.Map(inner, "0x4AAAAAAAkey");

            var exception = Assert.IsType<TurnstileCommandException>(record.Exception);
            Assert.Same(inner, exception.InnerException);
            Assert.Equal("TurnstileWidgetNotFound", exception.ErrorId);
            Assert.Equal(404, exception.StatusCode);
            Assert.Equal(new[] { 10404 }, exception.CloudflareErrorCodes);
            Assert.Equal("0x4AAAAAAAkey", exception.Sitekey);
            Assert.Equal(record.ErrorDetails.Message, exception.Message);
        }

        [Fact]
        public void TheModulesOwnErrorsCarryItToo()
        {
            Assert.IsType<TurnstileCommandException>(ErrorMapper.NotConnected().Exception);
            ErrorRecord notFound = ErrorMapper.WidgetNameNotFound("newsletter");
            Assert.IsType<TurnstileCommandException>(notFound.Exception);
            Assert.IsType<ItemNotFoundException>(notFound.Exception.InnerException);
            Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
            Assert.Equal("newsletter", notFound.TargetObject);
        }

        [Theory]
        [InlineData("domains", "domains: 'https://x' has a scheme.", "-Domain: 'https://x' has a scheme.", "-Domain")]
        [InlineData("account_id", "account_id: 'xyz' is not an account id.", "-AccountId: 'xyz' is not an account id.", "-AccountId")]
        [InlineData("filter", "filter: 'x' is not a filter.", "-Filter: 'x' is not a filter.", "-Filter")]
        [InlineData("order", "order: 9 is not a valid value.", "-SortBy: 9 is not a valid value.", "-SortBy")]
        public void ValidationMessagesNameTheParameter(string field, string engineMessage, string expected, string parameter)
        {
            ErrorRecord record = ErrorMapper.Map(new TurnstileValidationException(field, engineMessage), null);

            Assert.Equal(expected, record.ErrorDetails.Message);
            Assert.Contains(parameter, record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.DoesNotContain("'" + field + "'", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("field `domains` must hold 1 to 15 entries, not 16", 15)]
        [InlineData("too many domains: at most 200 are allowed", 200)]
        [InlineData("A widget may have a maximum of 10 hostnames", 10)]
        public void TheDomainLimitIsTheOneTheApiReported(string cloudflareText, int limit)
        {
            ErrorRecord record = ErrorMapper.Map(Api(400, CreatePath, 10001, cloudflareText, "POST"), "login");

            Assert.StartsWith("TurnstileDomainLimitExceeded", record.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.LimitsExceeded, record.CategoryInfo.Category);
            Assert.StartsWith("-Domain: Cloudflare allows at most " + limit + " domains", record.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.Contains("-Domain at most " + limit, record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        [Fact]
        public void AnotherRefusalNamesTheParametersOfTheFieldsCloudflareNamed()
        {
            ErrorRecord record = ErrorMapper.Map(Api(400, CreatePath, 10001, "invalid value in field `mode`", "POST"), "login");

            Assert.StartsWith("TurnstileValidationFailed", record.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal("Correct -Mode and try again.", record.ErrorDetails.RecommendedAction);
        }

        [Theory]
        [InlineData(401, 1000)]
        [InlineData(403, 10000)]
        public void ARefusedTokenIsTheTokensProblem(int status, int code)
        {
            ErrorRecord record = ErrorMapper.Map(Api(status, "/client/v4/user/tokens/verify", code, "Invalid API Token"), null);

            Assert.StartsWith("TurnstileAuthenticationFailed", record.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("API token", record.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("account id", record.ErrorDetails.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("account id", record.ErrorDetails.RecommendedAction, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("'Turnstile Sites Read' or 'Turnstile Sites Write'", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        [Fact]
        public void PermissionsAreCalledByCloudflaresNames()
        {
            ErrorRecord record = ErrorMapper.Map(Api(403, CreatePath, 9109, "Unauthorized to access requested resource"), null);
            Assert.Contains("'Turnstile Sites Write'", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.DoesNotContain("Edit", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }
    }

    /// <summary>What the views show of text the API holds.</summary>
    public class DisplayTextTests
    {
        [Theory]
        [InlineData("plain", "plain")]
        [InlineData("red\u001b[31mname", "red\u241b[31mname")]
        [InlineData("tab\there\r\n", "tab\u2409here\u240d\u240a")]
        [InlineData("del\u007f", "del\u2421")]
        [InlineData("csi\u009b2J", "csi<U+009B>2J")]
        [InlineData("txt\u202Eexe", "txt<U+202E>exe")]
        public void ControlCharactersBecomeVisible(string text, string shown) => Assert.Equal(shown, DisplayText.Visible(text));

        [Fact]
        public void TheDomainsColumnShowsTheFirstDomainAndTheCountOfTheRest()
        {
            Assert.Equal("", DisplayText.FirstDomain(Array.Empty<string>()));
            Assert.Equal("example.com", DisplayText.FirstDomain(new[] { "example.com" }));
            Assert.Equal("example.com (+2)", DisplayText.FirstDomain(new[] { "example.com", "a.example.com", "b.example.com" }));
            Assert.Equal("a-very-long-subdomain\u2026 (+1)", DisplayText.FirstDomain(new[] { "a-very-long-subdomain-name.example.com", "b.example.com" }));
        }

        [Fact]
        public void CappedKeepsWholeTextUpToTheCap()
        {
            Assert.Equal("login-form", DisplayText.Capped("login-form", 24));
            Assert.Equal(24, DisplayText.Capped(new string('x', 30), 24).Length);
            Assert.EndsWith("\u2026", DisplayText.Capped(new string('x', 30), 24), StringComparison.Ordinal);
        }

        [Fact]
        public void APlanShowsAListChangeAsWhatItGainsAndLoses()
        {
            var change = new TurnstileWidgetChange
            {
                Action = "Update",
                Name = "shop",
                Sitekey = "0x4AAAAAAAB",
                LastModifiedVia = "dashboard",
                DeployedVia = "api",
                Changes = new[]
                {
                    new TurnstileWidgetPropertyChange { Property = "Domains", Current = new[] { "a.example.com", "old.example.com" }, Desired = new[] { "a.example.com", "new.example.com" } },
                    new TurnstileWidgetPropertyChange { Property = "Mode", Current = "managed", Desired = "invisible" },
                },
            };

            Assert.Equal(
                "Update shop (0x4AAAAAAAB)\n    Domains: +new.example.com, -old.example.com\n    Mode: managed -> invisible\n    (last modified via dashboard, deployed via api)",
                DisplayText.Plan(change));
        }
    }
}
