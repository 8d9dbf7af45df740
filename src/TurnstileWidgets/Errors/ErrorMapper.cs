using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
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
        /// <summary>The API refused more domains than the account's plan allows per widget.</summary>
        public const string DomainLimitExceeded = "TurnstileDomainLimitExceeded";
        /// <summary>No widget has the name given to -Name (without wildcards).</summary>
        public const string WidgetNameNotFound = "TurnstileWidgetNameNotFound";
    }

    /// <summary>Turns engine failures into ErrorRecords: the error id, category, message, recommended action and target.</summary>
    internal static class ErrorMapper
    {
        /// <summary>The terminating error every widget cmdlet raises before <c>Connect-Turnstile</c>.</summary>
        public static ErrorRecord NotConnected() => Record(
            ErrorIds.NotConnected,
            ErrorCategory.InvalidOperation,
            "Not connected to Cloudflare. " + Session.ConnectionAdvice.Sentence,
            Session.ConnectionAdvice.Sentence,
            null,
            null);

        /// <summary>
        /// The error for a command without -Connection after a Connect-Turnstile that failed: the connection made before it
        /// belongs to what the user meant to leave (another account, perhaps).
        /// </summary>
        public static ErrorRecord LastConnectFailed(string name) => Record(
            ErrorIds.NotConnected,
            ErrorCategory.InvalidOperation,
            "The last Connect-Turnstile (as '" + DisplayText.Visible(name) + "') failed, so no command uses the connection made before it: it may be another account than the one you meant.",
            "Run Connect-Turnstile again with the right credential, name a connection with -Connection, or run Disconnect-Turnstile to clear it.",
            name,
            null);

        /// <summary>The error for a -Connection (or -Name) that names no connection; it lists the names there are.</summary>
        public static ErrorRecord ConnectionNotFound(string name)
        {
            string known = string.Join(", ", Session.TurnstileSession.All.Select(pair => pair.Key));
            // A name Connect-Turnstile would refuse (a space, a control character) gets the rule, not a command that fails.
            string? connect = System.Text.RegularExpressions.Regex.IsMatch(name, Session.TurnstileSession.NamePattern)
                ? "Connect-Turnstile -Name " + name
                : null;
            string message = "No connection is named '" + DisplayText.Visible(name) + "'. " + (connect == null
                ? (known.Length == 0 ? "There is no connection at all. " : "The connections are: " + known + ". ")
                    + "A connection's name has " + Session.TurnstileSession.NameRule + "."
                : known.Length == 0
                    ? "There is no connection at all: run " + connect + " first."
                    : "The connections are: " + known + ". Get-TurnstileConnection lists them; " + connect + " adds it.");
            return Record(ErrorIds.ConnectionNotFound, ErrorCategory.ObjectNotFound, message,
                "Give the name of a connection Get-TurnstileConnection lists, or connect under that name with Connect-Turnstile -Name.",
                name, new ItemNotFoundException(message));
        }

        /// <summary>The non-terminating error for a -Name without wildcards that no widget has, as Get-Item reports a missing path.</summary>
        public static ErrorRecord WidgetNameNotFound(string name)
        {
            string message = "No widget is named '" + DisplayText.Visible(name) + "'.";
            return Record(ErrorIds.WidgetNameNotFound, ErrorCategory.ObjectNotFound, message,
                "Check the name (it matches whole names, ignoring case); use wildcards such as -Name " + CommandText.Quoted("*" + WildcardPattern.Escape(name) + "*") + " to search, or Get-TurnstileWidget to list every widget.",
                name, new ItemNotFoundException(message));
        }

        /// <summary>
        /// Describes <paramref name="exception"/>. <paramref name="target"/> is the sitekey or name the
        /// cmdlet was working on (null for a listing). <paramref name="inUsersWords"/> names what the user gave for a
        /// wire field (<c>domains</c> is <c>-AddDomain</c> for <c>Set-TurnstileWidget -AddDomain</c>, a file entry's
        /// Domains for Sync); <see cref="ParameterNames.ForField"/> when null. Failures other than
        /// <see cref="TurnstileException"/> become <see cref="ErrorIds.ApiError"/>.
        /// </summary>
        public static ErrorRecord Map(Exception exception, object? target, Func<string, string?>? inUsersWords = null)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            Func<string, string?> named = inUsersWords ?? ParameterNames.ForField;
            switch (exception)
            {
                case RegionChangeRefusedException region:
                    return Record(ErrorIds.RegionChangeRefused, ErrorCategory.InvalidArgument, region.Message,
                        string.Format(CultureInfo.InvariantCulture,
                            "Leave -Region out, or pass -Region {0}. To use a widget in region '{1}', create a new one with New-TurnstileWidget -Region {1} and update your sites to its sitekey.",
                            region.CurrentRegion, region.RequestedRegion),
                        target ?? region.Sitekey, exception);
                case TurnstileValidationException validation when ParameterNames.IsConnectionField(validation.Field):
                    // Connect-Turnstile's values, or the CLOUDFLARE_* variables a first use connects from: either way fixes it.
                    return Record(ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument,
                        ParameterNames.InUsersWords(validation.Message, validation.Field, ParameterNames.ForField(validation.Field)),
                        Session.ConnectionAdvice.Sentence + " Nothing was sent to Cloudflare.",
                        target, exception);
                case TurnstileValidationException validation:
                    string? parameter = validation.Field == null ? null : named(validation.Field);
                    return Record(ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, ParameterNames.InUsersWords(validation.Message, validation.Field, parameter),
                        "Correct " + (parameter ?? "the value") + " and try again; nothing was sent to Cloudflare.",
                        target, exception);
                case Engine.Analytics.TurnstileAnalyticsException analytics:
                    return ObservationErrors.Map(analytics, target, null, null);
                case TurnstileTransportException transport:
                    return MapTransport(transport, target);
                case TurnstileApiException api:
                    return MapApi(api, target, named);
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
            // siteverify has its own URL (Connect-Turnstile -SiteverifyUri); the API's base URL is not where to look.
            string where = exception.Operation == TurnstileOperation.Siteverify ? SiteverifyUriAdvice : ApiBaseUriAdvice;
            if (exception.IsTimeout)
            {
                return Record(ErrorIds.RequestTimedOut, ErrorCategory.OperationTimeout,
                    exception.Message,
                    "Check the network and " + where + ", then try again; to allow more time, connect again with Connect-Turnstile -RequestTimeout (per attempt) or -OperationTimeout (the whole request)." + maybe,
                    target, exception);
            }

            return Record(ErrorIds.ConnectionFailed, ErrorCategory.ConnectionError,
                exception.Message,
                "Check the network connection, proxy settings and " + where + ", then try again." + maybe,
                target, exception);
        }

        // Decides on the engine's classification alone: never on the request path or Cloudflare's codes.
        private static ErrorRecord MapApi(TurnstileApiException exception, object? target, Func<string, string?> named)
        {
            string message = WithCloudflareErrors(exception);
            switch (exception.Kind)
            {
                case TurnstileApiErrorKind.Authentication when exception.Operation == TurnstileOperation.VerifyToken:
                case TurnstileApiErrorKind.PermissionDenied when exception.Operation == TurnstileOperation.VerifyToken:
                case TurnstileApiErrorKind.Validation when exception.Operation == TurnstileOperation.VerifyToken:
                    // Token verification names no account, so the engine's advice about the account id does not apply.
                    return Record(ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError,
                        "Cloudflare refused the API token (" + exception.Method + " " + exception.Path + ": " + exception.StatusCode.ToString(CultureInfo.InvariantCulture)
                        + CodesSuffix(exception.Errors) + "). The token itself is wrong, expired, revoked or not active; the account was not checked.",
                        "Check the token given to -ApiToken (or CLOUDFLARE_API_TOKEN): create or roll one in the Cloudflare dashboard (My Profile > API Tokens) with the "
                        + ReadPermission + " or " + WritePermission + " permission, then connect again.",
                        target, exception);
                case TurnstileApiErrorKind.Authentication:
                    return Record(ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, message,
                        "Check the API token (or email and Global API key): it may be wrong, expired, revoked, or lack the " + ReadPermission + " or " + WritePermission + " permission. Then run Connect-Turnstile again.",
                        target, exception);
                case TurnstileApiErrorKind.PermissionDenied:
                    return Record(ErrorIds.AccessDenied, ErrorCategory.PermissionDenied, message,
                        "Give the API token the " + WritePermission + " permission (" + ReadPermission + " to read only) for this account, or check " + AccountIdAdvice + ".",
                        target, exception);
                case TurnstileApiErrorKind.NotFound:
                    return Record(ErrorIds.WidgetNotFound, ErrorCategory.ObjectNotFound, message,
                        // The command adds what to do when the sitekey may be a name (TurnstileCmdlet.NameAsSitekeyAdvice).
                        "Check the sitekey; Get-TurnstileWidget lists the account's widgets, and Get-TurnstileWidget -Name finds one by its name.",
                        target, exception);
                case TurnstileApiErrorKind.RouteNotFound:
                    return Record(ErrorIds.ApiError, ErrorCategory.NotSpecified, message,
                        "Check " + AccountIdAdvice + ": the account was not found or this credential cannot see it.",
                        target, exception);
                case TurnstileApiErrorKind.RateLimited when exception.MaxBlockWait.HasValue && exception.RetryAfter.HasValue:
                    // The engine names its option (MaxBlockWait); the user set it as Connect-Turnstile's -MaxBlockWait.
                    string rest = DurationText.Format(exception.RetryAfter.Value);
                    return Record(ErrorIds.RateLimited, ErrorCategory.LimitsExceeded,
                        "Cloudflare is refusing requests with this credential (rate limit exceeded, 429) for " + rest
                        + " more, longer than -MaxBlockWait (" + DurationText.Format(exception.MaxBlockWait.Value) + ") lets a command wait: "
                        + exception.Method + " " + exception.Path + " was not carried out.",
                        "Wait " + rest + " and try again, or connect again with Connect-Turnstile -MaxBlockWait longer than that so commands wait for the block; Cloudflare limits each user to 1,200 requests per 5 minutes.",
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
                    int? domainLimit = ParameterNames.DomainLimit(exception.Errors);
                    if (domainLimit.HasValue)
                    {
                        // The limit depends on the account's plan, so only the API can say it; the module sends what it was given.
                        string domains = named("domains") ?? "-Domain";
                        return Record(ErrorIds.DomainLimitExceeded, ErrorCategory.LimitsExceeded,
                            string.Format(CultureInfo.InvariantCulture,
                                "{0}: Cloudflare allows at most {1} domains per widget for this account and refused the request. {2}",
                                domains, domainLimit.Value, message),
                            // -AddDomain adds to what the widget has (and -RemoveDomain beside it takes away: "add fewer with
                            // -RemoveDomain" says nothing); the others give the whole list.
                            string.Format(CultureInfo.InvariantCulture,
                                domains.IndexOf("-AddDomain", StringComparison.Ordinal) < 0
                                    ? "Give {1} at most {0} domains (the limit is set by the account's plan); nothing was changed."
                                    : domains.IndexOf("-RemoveDomain", StringComparison.Ordinal) < 0
                                        ? "Add fewer domains with {1}, so the widget has at most {0} in all (the limit is set by the account's plan); nothing was changed."
                                        : "Add fewer domains with -AddDomain, or remove more with -RemoveDomain, so the widget has at most {0} in all (the limit is set by the account's plan); nothing was changed.",
                                domainLimit.Value, domains),
                            target, exception);
                    }

                    string? fields = ParameterNames.NamedIn(exception.Errors, named);
                    return Record(ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, message,
                        fields == null ? "Correct the values Cloudflare named and try again." : "Correct " + fields + " and try again.",
                        target, exception);
                case TurnstileApiErrorKind.Server:
                    // Like a dropped connection: a create (or rotation) may have happened although it failed.
                    string check = exception.RequestMayHaveTakenEffect
                        ? " The request may have taken effect: check with Get-TurnstileWidget (for a create, whether the widget was created) before trying again."
                        : "";
                    return Record(ErrorIds.ServerError, ErrorCategory.NotSpecified, message,
                        "Cloudflare failed to handle the request; try again later and check https://www.cloudflarestatus.com." + check,
                        target, exception);
                case TurnstileApiErrorKind.UnexpectedAnswer when exception.Operation == TurnstileOperation.Siteverify:
                    // Something other than siteverify answered (a proxy's page, another service): no Cloudflare message to read.
                    return Record(ErrorIds.ApiError, ErrorCategory.InvalidResult, message,
                        "Check " + SiteverifyUriAdvice + ": it must be Cloudflare's siteverify (leave -SiteverifyUri out) or the emulator's /turnstile/v0/siteverify.",
                        target, exception);
                case TurnstileApiErrorKind.UnexpectedAnswer:
                    // The answer is what is wrong, not the request; after a write it was probably carried out, so sending
                    // it again could make a second widget or rotate twice.
                    return Record(ErrorIds.ApiError, ErrorCategory.InvalidResult, message,
                        exception.RequestMayHaveTakenEffect
                            ? "The request probably took effect: check with Get-TurnstileWidget before repeating it. If answers keep coming unreadable, check " + ApiBaseUriAdvice + "."
                            : "Check " + ApiBaseUriAdvice + ": it must be the Cloudflare API or the emulator. If it is, try again, and report it if it persists.",
                        target, exception);
                default:
                    return Record(ErrorIds.ApiError, ErrorCategory.NotSpecified, message,
                        "Read Cloudflare's message above; correct the request and try again.", target, exception);
            }
        }

        // A connection made on first use took its account from CLOUDFLARE_ACCOUNT_ID: the user never typed -AccountId.
        private const string AccountIdAdvice = "-AccountId (or " + EnvironmentSettings.AccountIdVariable + ")";

        // A connection made on first use took its address from CLOUDFLARE_BASE_URL: the user never typed -ApiBaseUri.
        private const string ApiBaseUriAdvice = "the connection's API address (Connect-Turnstile -ApiBaseUri or " + EnvironmentSettings.BaseUrlVariable + "; Get-TurnstileConnection shows it)";

        private const string SiteverifyUriAdvice = "the connection's siteverify URL (Connect-Turnstile -SiteverifyUri; Get-TurnstileConnection shows it)";

        private static string CodesSuffix(IReadOnlyList<ApiMessage>? errors) =>
            errors == null || errors.Count == 0 ? "" : ", " + string.Join("; ", errors.Select(e => e.ToString()));

        private const string ReadPermission = "'" + CloudflarePermissions.Read + "'";
        private const string WritePermission = "'" + CloudflarePermissions.Write + "'";

        private static bool IsSingleWidgetPath(string path)
        {
            string withoutQuery = path;
            int query = withoutQuery.IndexOf('?');
            if (query >= 0) withoutQuery = withoutQuery.Substring(0, query);
            const string marker = "/challenges/widgets/";
            int at = withoutQuery.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            return at >= 0 && withoutQuery.Length > at + marker.Length;
        }

        // The engine's message normally names the codes already; add any it left out so the user always sees them.
        private static string WithCloudflareErrors(TurnstileApiException exception)
        {
            var text = new StringBuilder(exception.Message);
            if (exception.Errors != null)
            {
                foreach (ApiMessage error in exception.Errors)
                {
                    // As the engine's message quotes them: control characters made visible.
                    string formatted = DisplayText.Visible(error.ToString());
                    string codeTag = "[" + error.Code.ToString(CultureInfo.InvariantCulture) + "]";
                    if (exception.Message.IndexOf(codeTag, StringComparison.Ordinal) >= 0
                        && exception.Message.IndexOf(DisplayText.Visible(error.Message), StringComparison.Ordinal) >= 0)
                    {
                        continue;
                    }

                    text.Append(text.Length > 0 && !EndsWithPunctuation(text) ? ". " : " ").Append(formatted);
                }
            }

            return text.ToString();
        }

        private static bool EndsWithPunctuation(StringBuilder text)
        {
            char last = text[text.Length - 1];
            return last == '.' || last == ':' || last == ';';
        }


        /// <summary>
        /// An ErrorRecord whose exception is a <see cref="TurnstileCommandException"/> (so <c>catch [TurnstileWidgets.TurnstileCommandException]</c>
        /// works) carrying the id, the HTTP status, Cloudflare's codes and the sitekey; <paramref name="exception"/> stays as its inner exception.
        /// </summary>
        internal static ErrorRecord Record(string errorId, ErrorCategory category, string message, string recommendedAction, object? target, Exception? exception)
        {
            var api = exception as TurnstileApiException;
            string? sitekey = exception switch
            {
                RegionChangeRefusedException region => region.Sitekey,
                TurnstileApiException _ => SitekeyInPath(api!.Path),
                TurnstileTransportException transport => SitekeyInPath(transport.Path),
                _ => null,
            };
            var wrapped = new TurnstileCommandException(message, errorId, exception, api?.StatusCode, api?.Errors?.Select(e => e.Code), sitekey);
            return new ErrorRecord(wrapped, errorId, category, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction },
            };
        }

        /// <summary>
        /// An ErrorRecord for a failure the module found itself (a file, a parameter value): <paramref name="exception"/>
        /// inside a <see cref="TurnstileCommandException"/> with the same message, so every error can be caught by one type.
        /// </summary>
        internal static ErrorRecord Wrap(Exception exception, string errorId, ErrorCategory category, object? target) =>
            new ErrorRecord(new TurnstileCommandException(MessageOf(exception), errorId, exception), errorId, category, target);

        // An ArgumentException's Message ends in the runtime's note of its ParamName (" (Parameter 'MaxReadAge')" on .NET,
        // "\r\nParameter name: MaxReadAge" on .NET Framework): .NET's words, not the user's; the messages
        // name the parameter as the user typed it (-MaxReadAge). The runtime itself gives the note to strip.
        private static string MessageOf(Exception exception)
        {
            if (exception is ArgumentException argument && !string.IsNullOrEmpty(argument.ParamName))
            {
                string note = new ArgumentException("", argument.ParamName).Message;
                if (note.Length > 0 && argument.Message.EndsWith(note, StringComparison.Ordinal))
                {
                    return argument.Message.Substring(0, argument.Message.Length - note.Length);
                }
            }

            return exception.Message;
        }

        private static string? SitekeyInPath(string path)
        {
            if (!IsSingleWidgetPath(path)) return null;
            string withoutQuery = path;
            int query = withoutQuery.IndexOf('?');
            if (query >= 0) withoutQuery = withoutQuery.Substring(0, query);
            const string marker = "/challenges/widgets/";
            string rest = withoutQuery.Substring(withoutQuery.IndexOf(marker, StringComparison.OrdinalIgnoreCase) + marker.Length);
            int slash = rest.IndexOf('/');
            return Uri.UnescapeDataString(slash < 0 ? rest : rest.Substring(0, slash));
        }
    }
}
