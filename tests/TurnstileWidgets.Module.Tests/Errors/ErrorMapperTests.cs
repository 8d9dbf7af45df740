using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;

namespace TurnstileWidgets.Module.Tests.Errors
{
    public class ErrorMapperTests
    {
        private const string ListPath = "/client/v4/accounts/0123456789abcdef0123456789abcdef/challenges/widgets?page=1&per_page=1000";

        private static TurnstileApiException Api(TurnstileApiErrorKind kind, TurnstileOperation operation = TurnstileOperation.GetWidget, TimeSpan? retryAfter = null) =>
            // Status, codes and path are deliberately unrelated to the kind: the mapper must decide on the kind alone. The
            // message names the code, as the engine's do, so the mapper (which adds codes a message left out) keeps it as is.
            new TurnstileApiException("Cloudflare API refused GET /x: 418: [1] refused for a reason", kind, operation, 418,
                new[] { new ApiMessage { Code = 1, Message = "refused for a reason" } }, "GET", "/x", retryAfter);

        [Theory]
        [InlineData(TurnstileApiErrorKind.NotFound, TurnstileOperation.GetWidget, "TurnstileWidgetNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData(TurnstileApiErrorKind.RouteNotFound, TurnstileOperation.ListWidgets, "TurnstileApiError", ErrorCategory.NotSpecified)]
        [InlineData(TurnstileApiErrorKind.Authentication, TurnstileOperation.ListWidgets, "TurnstileAuthenticationFailed", ErrorCategory.AuthenticationError)]
        [InlineData(TurnstileApiErrorKind.PermissionDenied, TurnstileOperation.ListWidgets, "TurnstileAccessDenied", ErrorCategory.PermissionDenied)]
        [InlineData(TurnstileApiErrorKind.RateLimited, TurnstileOperation.ListWidgets, "TurnstileRateLimited", ErrorCategory.LimitsExceeded)]
        [InlineData(TurnstileApiErrorKind.Validation, TurnstileOperation.UpdateWidget, "TurnstileValidationFailed", ErrorCategory.InvalidArgument)]
        [InlineData(TurnstileApiErrorKind.RegionChangeRefused, TurnstileOperation.UpdateWidget, "TurnstileRegionChangeRefused", ErrorCategory.InvalidArgument)]
        [InlineData(TurnstileApiErrorKind.Conflict, TurnstileOperation.RotateSecret, "TurnstileSecretRotationRefused", ErrorCategory.ResourceBusy)]
        [InlineData(TurnstileApiErrorKind.Conflict, TurnstileOperation.UpdateWidget, "TurnstileApiError", ErrorCategory.ResourceBusy)]
        [InlineData(TurnstileApiErrorKind.Server, TurnstileOperation.ListWidgets, "TurnstileServerError", ErrorCategory.NotSpecified)]
        [InlineData(TurnstileApiErrorKind.UnexpectedAnswer, TurnstileOperation.ListWidgets, "TurnstileApiError", ErrorCategory.InvalidResult)]
        [InlineData(TurnstileApiErrorKind.Other, TurnstileOperation.GetWidget, "TurnstileApiError", ErrorCategory.NotSpecified)]
        public void ApiFailureKindsMapToTheSurfaceIds(TurnstileApiErrorKind kind, TurnstileOperation operation, string errorId, ErrorCategory category)
        {
            TurnstileApiException exception = Api(kind, operation);
            ErrorRecord descriptor = ErrorMapper.Map(exception, "0x4AAA");
            Assert.Equal(errorId, descriptor.FullyQualifiedErrorId);
            Assert.Equal(category, descriptor.CategoryInfo.Category);
            Assert.Equal("0x4AAA", descriptor.TargetObject);
            Assert.Equal(exception.Message, descriptor.ErrorDetails.Message);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.ErrorDetails.RecommendedAction));
        }

        [Fact]
        public void RateLimitSaysHowLongToWait()
        {
            ErrorRecord descriptor = ErrorMapper.Map(Api(TurnstileApiErrorKind.RateLimited, TurnstileOperation.ListWidgets, TimeSpan.FromSeconds(30)), null);
            Assert.StartsWith("Wait 30 s", descriptor.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void A_rate_limit_wait_beyond_MaxBlockWait_names_the_parameter_and_how_long_the_block_lasts()
        {
            var exception = new TurnstileApiException("DELETE /accounts/a/challenges/widgets/0x4AAA was not sent: blocked (MaxBlockWait).",
                TurnstileApiErrorKind.RateLimited, TurnstileOperation.DeleteWidget, 429, Array.Empty<ApiMessage>(), "DELETE",
                "/accounts/a/challenges/widgets/0x4AAA", TimeSpan.FromSeconds(270), maxBlockWait: TimeSpan.FromSeconds(5));

            ErrorRecord record = ErrorMapper.Map(exception, "0x4AAA");

            Assert.Equal("TurnstileRateLimited", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, record.CategoryInfo.Category);
            Assert.Equal("0x4AAA", record.TargetObject);
            Assert.Contains("270 s", record.ErrorDetails.Message);
            Assert.Contains("-MaxBlockWait", record.ErrorDetails.Message);
            Assert.Contains("5 s", record.ErrorDetails.Message);
            Assert.DoesNotContain("(MaxBlockWait)", record.ErrorDetails.Message);
            Assert.Contains("Connect-Turnstile -MaxBlockWait", record.ErrorDetails.RecommendedAction);
            Assert.Same(exception, record.Exception.InnerException);
        }

        [Fact]
        public void TimeoutAndConnectionFailure()
        {
            var timeout = new TurnstileTransportException("timed out", TurnstileOperation.CreateWidget, "POST", ListPath, isTimeout: true, requestMayHaveTakenEffect: true);
            ErrorRecord timedOut = ErrorMapper.Map(timeout, "login");
            Assert.Equal("TurnstileRequestTimedOut", timedOut.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, timedOut.CategoryInfo.Category);
            Assert.Contains("may have taken effect", timedOut.ErrorDetails.RecommendedAction);

            var refused = new TurnstileTransportException("refused", TurnstileOperation.ListWidgets, "GET", ListPath, isTimeout: false, requestMayHaveTakenEffect: false);
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
            Assert.Contains("Run Connect-Turnstile -ApiToken <token> -AccountId <account id>", descriptor.ErrorDetails.Message);
            Assert.Contains("CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID", descriptor.ErrorDetails.Message);
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
