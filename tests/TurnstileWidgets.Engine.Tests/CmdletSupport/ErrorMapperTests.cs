using System;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.CmdletSupport;

namespace TurnstileWidgets.Engine.Tests.CmdletSupport
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
        [InlineData(404, WidgetPath, 10404, "TurnstileWidgetNotFound", "ObjectNotFound")]
        [InlineData(404, ListPath, 7003, "TurnstileApiError", "NotSpecified")]
        [InlineData(404, WidgetPath, 7003, "TurnstileApiError", "NotSpecified")]
        [InlineData(401, ListPath, 0, "TurnstileAuthenticationFailed", "AuthenticationError")]
        [InlineData(403, ListPath, 10000, "TurnstileAuthenticationFailed", "AuthenticationError")]
        [InlineData(403, ListPath, 9109, "TurnstileAccessDenied", "PermissionDenied")]
        [InlineData(429, ListPath, 971, "TurnstileRateLimited", "LimitsExceeded")]
        [InlineData(400, WidgetPath, 10001, "TurnstileValidationFailed", "InvalidArgument")]
        [InlineData(400, WidgetPath, 10004, "TurnstileRegionChangeRefused", "InvalidArgument")]
        [InlineData(400, WidgetPath + "/rotate_secret", 10005, "TurnstileSecretRotationRefused", "ResourceBusy")]
        [InlineData(409, WidgetPath + "/rotate_secret", 0, "TurnstileSecretRotationRefused", "ResourceBusy")]
        [InlineData(500, ListPath, 10500, "TurnstileServerError", "NotSpecified")]
        [InlineData(503, WidgetPath, 0, "TurnstileServerError", "NotSpecified")]
        [InlineData(409, WidgetPath, 0, "TurnstileApiError", "NotSpecified")]
        public void ApiFailuresMapToTheSurfaceIds(int status, string path, int code, string errorId, string category)
        {
            ErrorDescriptor descriptor = ErrorMapper.Map(Api(status, path, code), "0x4AAA");
            Assert.Equal(errorId, descriptor.ErrorId);
            Assert.Equal(category, descriptor.CategoryName);
            Assert.Equal("0x4AAA", descriptor.TargetObject);
            Assert.False(descriptor.IsTerminating);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.RecommendedAction));
        }

        [Fact]
        public void MessageCarriesCloudflareCodesEvenWhenTheEngineLeftThemOut()
        {
            ErrorDescriptor descriptor = ErrorMapper.Map(Api(400, WidgetPath, 10001), null);
            Assert.Contains("[10001] refused for a reason", descriptor.Message);
        }

        [Fact]
        public void CodesAlreadyInTheMessageAreNotRepeated()
        {
            var exception = new TurnstileApiException("Cloudflare API refused GET /x: 400 Bad Request: [10001] bad name.", 400,
                new[] { new ApiMessage { Code = 10001, Message = "bad name" } }, "GET", "/x");
            ErrorDescriptor descriptor = ErrorMapper.Map(exception, null);
            Assert.Equal(exception.Message, descriptor.Message);
        }

        [Fact]
        public void RateLimitSaysHowLongToWait()
        {
            ErrorDescriptor descriptor = ErrorMapper.Map(Api(429, ListPath, 971, retryAfter: TimeSpan.FromSeconds(30)), null);
            Assert.StartsWith("Wait 30 s", descriptor.RecommendedAction);
        }

        [Fact]
        public void TimeoutAndConnectionFailure()
        {
            var timeout = new TurnstileTransportException("timed out", "POST", ListPath, isTimeout: true, requestMayHaveTakenEffect: true);
            ErrorDescriptor timedOut = ErrorMapper.Map(timeout, "login");
            Assert.Equal("TurnstileRequestTimedOut", timedOut.ErrorId);
            Assert.Equal("OperationTimeout", timedOut.CategoryName);
            Assert.Contains("may have taken effect", timedOut.RecommendedAction);

            var refused = new TurnstileTransportException("refused", "GET", ListPath, isTimeout: false, requestMayHaveTakenEffect: false);
            ErrorDescriptor failed = ErrorMapper.Map(refused, null);
            Assert.Equal("TurnstileConnectionFailed", failed.ErrorId);
            Assert.Equal("ConnectionError", failed.CategoryName);
            Assert.DoesNotContain("may have taken effect", failed.RecommendedAction);
        }

        [Fact]
        public void ValidationFailure()
        {
            ErrorDescriptor descriptor = ErrorMapper.Map(new TurnstileValidationException("domains", "domains: too many"), "login");
            Assert.Equal("TurnstileValidationFailed", descriptor.ErrorId);
            Assert.Equal("InvalidArgument", descriptor.CategoryName);
            Assert.Contains("nothing was sent", descriptor.RecommendedAction);
            Assert.Equal("login", descriptor.TargetObject);
        }

        [Fact]
        public void NotConnectedIsTerminating()
        {
            ErrorDescriptor descriptor = ErrorMapper.NotConnected();
            Assert.Equal("TurnstileNotConnected", descriptor.ErrorId);
            Assert.Equal("InvalidOperation", descriptor.CategoryName);
            Assert.True(descriptor.IsTerminating);
            Assert.Contains("Run Connect-Turnstile first", descriptor.Message);
        }

        [Fact]
        public void AnythingElseIsAnApiError()
        {
            ErrorDescriptor descriptor = ErrorMapper.Map(new InvalidOperationException("odd"), null);
            Assert.Equal("TurnstileApiError", descriptor.ErrorId);
            Assert.Equal("NotSpecified", descriptor.CategoryName);
        }

        [Theory]
        [InlineData("InvalidOperation")]
        [InlineData("ObjectNotFound")]
        [InlineData("AuthenticationError")]
        [InlineData("PermissionDenied")]
        [InlineData("LimitsExceeded")]
        [InlineData("InvalidArgument")]
        [InlineData("ResourceBusy")]
        [InlineData("NotSpecified")]
        [InlineData("ConnectionError")]
        [InlineData("OperationTimeout")]
        public void EveryCategoryNameIsAnErrorCategoryMember(string name)
        {
            // System.Management.Automation.ErrorCategory's members, by name (the engine cannot reference it).
            string[] members =
            {
                "NotSpecified", "OpenError", "CloseError", "DeviceError", "DeadlockDetected", "InvalidArgument", "InvalidData",
                "InvalidOperation", "InvalidResult", "InvalidType", "MetadataError", "NotImplemented", "NotInstalled",
                "ObjectNotFound", "OperationStopped", "OperationTimeout", "SyntaxError", "ParserError", "PermissionDenied",
                "ResourceBusy", "ResourceExists", "ResourceUnavailable", "ReadError", "WriteError", "FromStdErr",
                "SecurityError", "ProtocolError", "ConnectionError", "AuthenticationError", "LimitsExceeded",
                "QuotaExceeded", "NotEnabled",
            };
            Assert.Contains(name, members);
        }
    }
}
