using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;

namespace TurnstileWidgets.Module.Tests.Errors
{
    public class ErrorMapperTests
    {
        private const string WidgetPath = "/client/v4/accounts/0123456789abcdef0123456789abcdef/challenges/widgets/0x4AAA";
        private const string ListPath = "/client/v4/accounts/0123456789abcdef0123456789abcdef/challenges/widgets?page=1&per_page=1000";

        private static TurnstileApiException Api(int status, string path, int code = 0, string method = "GET", TimeSpan? retryAfter = null)
        {
            ApiMessage[] errors = code == 0 ? Array.Empty<ApiMessage>() : new[] { new ApiMessage { Code = code, Message = "refused for a reason" } };
            return new TurnstileApiException("Cloudflare API refused " + method + " " + path + ": " + status, status, errors, method, path, retryAfter);
        }

        [Theory]
        [InlineData(404, WidgetPath, 10404, "TurnstileWidgetNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData(404, ListPath, 7003, "TurnstileApiError", ErrorCategory.NotSpecified)]
        [InlineData(404, WidgetPath, 7003, "TurnstileApiError", ErrorCategory.NotSpecified)]
        [InlineData(401, ListPath, 0, "TurnstileAuthenticationFailed", ErrorCategory.AuthenticationError)]
        [InlineData(403, ListPath, 10000, "TurnstileAuthenticationFailed", ErrorCategory.AuthenticationError)]
        [InlineData(403, ListPath, 9109, "TurnstileAccessDenied", ErrorCategory.PermissionDenied)]
        [InlineData(429, ListPath, 971, "TurnstileRateLimited", ErrorCategory.LimitsExceeded)]
        [InlineData(400, WidgetPath, 10001, "TurnstileValidationFailed", ErrorCategory.InvalidArgument)]
        [InlineData(400, WidgetPath, 10004, "TurnstileRegionChangeRefused", ErrorCategory.InvalidArgument)]
        [InlineData(400, WidgetPath + "/rotate_secret", 10005, "TurnstileSecretRotationRefused", ErrorCategory.ResourceBusy)]
        [InlineData(409, WidgetPath + "/rotate_secret", 0, "TurnstileSecretRotationRefused", ErrorCategory.ResourceBusy)]
        [InlineData(500, ListPath, 10500, "TurnstileServerError", ErrorCategory.NotSpecified)]
        [InlineData(503, WidgetPath, 0, "TurnstileServerError", ErrorCategory.NotSpecified)]
        [InlineData(409, WidgetPath, 0, "TurnstileApiError", ErrorCategory.NotSpecified)]
        public void ApiFailuresMapToTheSurfaceIds(int status, string path, int code, string errorId, ErrorCategory category)
        {
            ErrorRecord descriptor = ErrorMapper.Map(Api(status, path, code), "0x4AAA");
            Assert.Equal(errorId, descriptor.FullyQualifiedErrorId);
            Assert.Equal(category, descriptor.CategoryInfo.Category);
            Assert.Equal("0x4AAA", descriptor.TargetObject);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.ErrorDetails.RecommendedAction));
        }

        [Fact]
        public void MessageCarriesCloudflareCodesEvenWhenTheEngineLeftThemOut()
        {
            ErrorRecord descriptor = ErrorMapper.Map(Api(400, WidgetPath, 10001), null);
            Assert.Contains("[10001] refused for a reason", descriptor.ErrorDetails.Message);
        }

        [Fact]
        public void CodesAlreadyInTheMessageAreNotRepeated()
        {
            var exception = new TurnstileApiException("Cloudflare API refused GET /x: 400 Bad Request: [10001] bad name.", 400,
                new[] { new ApiMessage { Code = 10001, Message = "bad name" } }, "GET", "/x");
            ErrorRecord descriptor = ErrorMapper.Map(exception, null);
            Assert.Equal(exception.Message, descriptor.ErrorDetails.Message);
        }

        [Fact]
        public void RateLimitSaysHowLongToWait()
        {
            ErrorRecord descriptor = ErrorMapper.Map(Api(429, ListPath, 971, retryAfter: TimeSpan.FromSeconds(30)), null);
            Assert.StartsWith("Wait 30 s", descriptor.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void TimeoutAndConnectionFailure()
        {
            var timeout = new TurnstileTransportException("timed out", "POST", ListPath, isTimeout: true, requestMayHaveTakenEffect: true);
            ErrorRecord timedOut = ErrorMapper.Map(timeout, "login");
            Assert.Equal("TurnstileRequestTimedOut", timedOut.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, timedOut.CategoryInfo.Category);
            Assert.Contains("may have taken effect", timedOut.ErrorDetails.RecommendedAction);

            var refused = new TurnstileTransportException("refused", "GET", ListPath, isTimeout: false, requestMayHaveTakenEffect: false);
            ErrorRecord failed = ErrorMapper.Map(refused, null);
            Assert.Equal("TurnstileConnectionFailed", failed.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, failed.CategoryInfo.Category);
            Assert.DoesNotContain("may have taken effect", failed.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void ValidationFailure()
        {
            ErrorRecord descriptor = ErrorMapper.Map(new TurnstileValidationException("domains", "domains: too many"), "login");
            Assert.Equal("TurnstileValidationFailed", descriptor.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, descriptor.CategoryInfo.Category);
            Assert.Contains("nothing was sent", descriptor.ErrorDetails.RecommendedAction);
            Assert.Equal("login", descriptor.TargetObject);
        }

        [Fact]
        public void NotConnectedIsTerminating()
        {
            ErrorRecord descriptor = ErrorMapper.NotConnected();
            Assert.Equal("TurnstileNotConnected", descriptor.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, descriptor.CategoryInfo.Category);
            Assert.Contains("Run Connect-Turnstile first", descriptor.ErrorDetails.Message);
        }

        [Fact]
        public void RegionChangeRefusedGivesTheWayOut()
        {
            ErrorRecord record = ErrorMapper.Map(new RegionChangeRefusedException("0x4AAAAAAAkey", "world", "china"), null);
            Assert.Equal("TurnstileRegionChangeRefused", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
            Assert.Equal("0x4AAAAAAAkey", record.TargetObject);
            Assert.Contains("New-TurnstileWidget -Region china", record.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void AnythingElseIsAnApiError()
        {
            ErrorRecord descriptor = ErrorMapper.Map(new InvalidOperationException("odd"), null);
            Assert.Equal("TurnstileApiError", descriptor.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.NotSpecified, descriptor.CategoryInfo.Category);
        }
    }
}
