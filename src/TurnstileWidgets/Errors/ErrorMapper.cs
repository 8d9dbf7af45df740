using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using TurnstileWidgets.Commands;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Errors
{
    /// <summary>The cmdlets' ErrorRecord ids, one per kind of failure.</summary>
    internal static class ErrorIds
    {
        /// <summary>No <c>Connect-Turnstile</c> yet.</summary>
        public const string NotConnected = "TurnstileNotConnected";
        /// <summary>No connection has the name given to -Connection or -Name.</summary>
        public const string ConnectionNotFound = "TurnstileConnectionNotFound";
        /// <summary>No widget has the sitekey.</summary>
        public const string WidgetNotFound = "TurnstileWidgetNotFound";
        /// <summary>The credential was refused.</summary>
        public const string AuthenticationFailed = "TurnstileAuthenticationFailed";
        /// <summary>The credential lacks a permission.</summary>
        public const string AccessDenied = "TurnstileAccessDenied";
        /// <summary>Too many requests, retries exhausted.</summary>
        public const string RateLimited = "TurnstileRateLimited";
        /// <summary>Input refused, by the module or the API.</summary>
        public const string ValidationFailed = "TurnstileValidationFailed";
        /// <summary>A widget's region cannot change.</summary>
        public const string RegionChangeRefused = "TurnstileRegionChangeRefused";
        /// <summary>A secret rotation is still in its grace period.</summary>
        public const string SecretRotationRefused = "TurnstileSecretRotationRefused";
        /// <summary>The API failed (5xx).</summary>
        public const string ServerError = "TurnstileServerError";
        /// <summary>No answer: the connection failed or dropped.</summary>
        public const string ConnectionFailed = "TurnstileConnectionFailed";
        /// <summary>No answer within the request timeout.</summary>
        public const string RequestTimedOut = "TurnstileRequestTimedOut";
        /// <summary>Anything else the API refused.</summary>
        public const string ApiError = "TurnstileApiError";
    }

    /// <summary>Turns engine failures into ErrorRecords: the error id, category, message, recommended action and target.</summary>
    internal static class ErrorMapper
    {
        /// <summary>The terminating error every widget cmdlet raises before <c>Connect-Turnstile</c>.</summary>
        public static ErrorRecord NotConnected() => Record(
            ErrorIds.NotConnected,
            ErrorCategory.InvalidOperation,
            "Not connected to Cloudflare. Run Connect-Turnstile first.",
            "Run Connect-Turnstile with -ApiToken (or -Email and -ApiKey) and -AccountId, or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID and run Connect-Turnstile.",
            null,
            null);

        /// <summary>The error for a -Connection (or -Name) that names no connection; it lists the names there are.</summary>
        public static ErrorRecord ConnectionNotFound(string name)
        {
            string known = string.Join(", ", Session.TurnstileSession.All.Select(pair => pair.Key));
            string message = "No connection is named '" + name + "'. " + (known.Length == 0
                ? "There is no connection at all: run Connect-Turnstile -Name " + name + " first."
                : "The connections are: " + known + ". Get-TurnstileConnection lists them; Connect-Turnstile -Name " + name + " adds it.");
            return Record(ErrorIds.ConnectionNotFound, ErrorCategory.ObjectNotFound, message,
                "Give the name of a connection Get-TurnstileConnection lists, or connect under that name with Connect-Turnstile -Name.",
                name, new ItemNotFoundException(message));
        }

        /// <summary>
        /// Describes <paramref name="exception"/>. <paramref name="target"/> is the sitekey or name the
        /// cmdlet was working on (null for a listing). Failures other than <see cref="TurnstileException"/>
        /// become <see cref="ErrorIds.ApiError"/>.
        /// </summary>
        public static ErrorRecord Map(Exception exception, object? target)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            switch (exception)
            {
                case RegionChangeRefusedException region:
                    return Record(ErrorIds.RegionChangeRefused, ErrorCategory.InvalidArgument, region.Message,
                        string.Format(CultureInfo.InvariantCulture,
                            "Leave -Region out, or pass -Region {0}. To use a widget in region '{1}', create a new one with New-TurnstileWidget -Region {1} and update your sites to its sitekey.",
                            region.CurrentRegion, region.RequestedRegion),
                        target ?? region.Sitekey, exception);
                case TurnstileValidationException validation:
                    return Record(ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, validation.Message,
                        "Correct the value" + (string.IsNullOrEmpty(validation.Field) ? "" : " of '" + validation.Field + "'") + " and try again; nothing was sent to Cloudflare.",
                        target, exception);
                case TurnstileTransportException transport:
                    return MapTransport(transport, target);
                case TurnstileApiException api:
                    return MapApi(api, target);
                default:
                    return Record(ErrorIds.ApiError, ErrorCategory.NotSpecified, exception.Message,
                        "Try again; if it keeps failing, run the command with -Verbose and report the output.",
                        target, exception);
            }
        }

        private static ErrorRecord MapTransport(TurnstileTransportException exception, object? target)
        {
            // The engine's message already names the request, what failed and how often it was tried: said once.
            string maybe = exception.RequestMayHaveTakenEffect
                ? " The request may have taken effect: check with Get-TurnstileWidget before trying again."
                : "";
            if (exception.IsTimeout)
            {
                return Record(ErrorIds.RequestTimedOut, ErrorCategory.OperationTimeout,
                    exception.Message,
                    "Try again later." + maybe, target, exception);
            }

            return Record(ErrorIds.ConnectionFailed, ErrorCategory.ConnectionError,
                exception.Message,
                "Check the network connection, proxy settings and -ApiBaseUri, then try again." + maybe,
                target, exception);
        }

        // Decides on the engine's classification alone: never on the request path or Cloudflare's codes.
        private static ErrorRecord MapApi(TurnstileApiException exception, object? target)
        {
            string message = exception.Message;
            switch (exception.Kind)
            {
                case TurnstileApiErrorKind.Authentication:
                    return Record(ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, message,
                        "Check the API token (or email and Global API key): it may be wrong, expired, revoked, or lack the 'Turnstile Sites Read'/'Turnstile Sites Write' permission. Then run Connect-Turnstile again.",
                        target, exception);
                case TurnstileApiErrorKind.PermissionDenied:
                    return Record(ErrorIds.AccessDenied, ErrorCategory.PermissionDenied, message,
                        "Give the API token the 'Turnstile Sites Write' (or 'Account Settings Write') permission for this account, or check -AccountId.",
                        target, exception);
                case TurnstileApiErrorKind.NotFound:
                    return Record(ErrorIds.WidgetNotFound, ErrorCategory.ObjectNotFound, message,
                        "Check the sitekey; Get-TurnstileWidget lists the account's widgets.",
                        target, exception);
                case TurnstileApiErrorKind.RouteNotFound:
                    return Record(ErrorIds.ApiError, ErrorCategory.NotSpecified, message,
                        "Check -AccountId: the account was not found or this credential cannot see it.",
                        target, exception);
                case TurnstileApiErrorKind.RateLimited:
                    string wait = exception.RetryAfter.HasValue
                        ? "Wait " + DurationText.Format(exception.RetryAfter.Value) + " and try again"
                        : "Wait a few minutes and try again";
                    return Record(ErrorIds.RateLimited, ErrorCategory.LimitsExceeded, message,
                        wait + "; Cloudflare limits each user to 1,200 requests per 5 minutes.",
                        target, exception);
                case TurnstileApiErrorKind.RegionChangeRefused:
                    return Record(ErrorIds.RegionChangeRefused, ErrorCategory.InvalidArgument, message,
                        "Leave -Region out. A widget's region is fixed when it is created; to use another region, create a new widget with New-TurnstileWidget -Region and update your sites to its sitekey.",
                        target, exception);
                case TurnstileApiErrorKind.Conflict when exception.Operation == TurnstileOperation.RotateSecret:
                    return Record(ErrorIds.SecretRotationRefused, ErrorCategory.ResourceBusy, message,
                        "The widget's previous secret is still in its 2-hour grace period; rotate again after it ends.",
                        target, exception);
                case TurnstileApiErrorKind.Conflict:
                    return Record(ErrorIds.ApiError, ErrorCategory.ResourceBusy, message,
                        "The widget's current state does not allow this now; read it again with Get-TurnstileWidget and retry.",
                        target, exception);
                case TurnstileApiErrorKind.Validation:
                    return Record(ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, message,
                        "Correct the values Cloudflare named and try again.",
                        target, exception);
                case TurnstileApiErrorKind.Server:
                    return Record(ErrorIds.ServerError, ErrorCategory.NotSpecified, message,
                        "Cloudflare failed to handle the request; try again later and check https://www.cloudflarestatus.com.",
                        target, exception);
                default:
                    return Record(ErrorIds.ApiError, ErrorCategory.NotSpecified, message,
                        "Read Cloudflare's message above; correct the request and try again.", target, exception);
            }
        }

        private static ErrorRecord Record(string errorId, ErrorCategory category, string message, string recommendedAction, object? target, Exception? exception)
        {
            // Only the module's own failures lack an exception; PowerShell needs one for $_.Exception.
            return new ErrorRecord(exception ?? new InvalidOperationException(message), errorId, category, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction },
            };
        }
    }
}
