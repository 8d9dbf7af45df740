using System;
using System.Collections.Generic;
using System.Globalization;

namespace TurnstileWidgets.Engine
{
    /// <summary>The base of every failure the engine raises; catch this to catch them all.</summary>
    public abstract class TurnstileException : Exception
    {
        /// <summary>
        /// Creates the exception. Messages never hold headers, credentials or secrets: text quoted from an answer may,
        /// so every credential this process holds is replaced by a placeholder here (<see cref="CredentialRedaction"/>).
        /// </summary>
        protected TurnstileException(string message, Exception? innerException = null)
            : base(CredentialRedaction.RedactCredentials(message) ?? "", innerException)
        {
        }
    }

    /// <summary>What kind of failure an API answer was, decided by the engine from the status, Cloudflare's codes and the operation.</summary>
    public enum TurnstileApiErrorKind
    {
        /// <summary>None of the kinds below (an unusual status).</summary>
        Other,
        /// <summary>The credential was not accepted (401, or Cloudflare's authentication codes): wrong, expired or revoked.</summary>
        Authentication,
        /// <summary>The credential is valid but lacks a permission for this account (403).</summary>
        PermissionDenied,
        /// <summary>The one resource the operation addresses (a widget) does not exist (404).</summary>
        NotFound,
        /// <summary>The API has no such route or account (404 on a collection, or Cloudflare's no-route codes): check the account id and base URL.</summary>
        RouteNotFound,
        /// <summary>Too many requests (429) and no more waiting allowed.</summary>
        RateLimited,
        /// <summary>The API refused the request's values (400, 422).</summary>
        Validation,
        /// <summary>An update tried to change a widget's region, which is fixed when it is created.</summary>
        RegionChangeRefused,
        /// <summary>The resource's state does not allow the operation now (409), such as a secret rotation during the previous secret's grace period.</summary>
        Conflict,
        /// <summary>The API failed (5xx).</summary>
        Server,
        /// <summary>The API answered success in a shape the client cannot use (no envelope, no result, a repeated page).</summary>
        UnexpectedAnswer,
    }

    /// <summary>The API operation a failure happened in; one per client method that sends requests.</summary>
    public enum TurnstileOperation
    {
        /// <summary>Not one of the operations below.</summary>
        Unknown,
        /// <summary><c>GET /user/tokens/verify</c>.</summary>
        VerifyToken,
        /// <summary><c>GET .../challenges/widgets</c>.</summary>
        ListWidgets,
        /// <summary><c>GET .../challenges/widgets/{sitekey}</c>.</summary>
        GetWidget,
        /// <summary><c>POST .../challenges/widgets</c>.</summary>
        CreateWidget,
        /// <summary><c>PUT .../challenges/widgets/{sitekey}</c>.</summary>
        UpdateWidget,
        /// <summary><c>DELETE .../challenges/widgets/{sitekey}</c>.</summary>
        DeleteWidget,
        /// <summary><c>POST .../challenges/widgets/{sitekey}/rotate_secret</c>.</summary>
        RotateSecret,
        /// <summary><c>POST</c> to the siteverify URL, which is not the API's base URL (its failures point there).</summary>
        Siteverify,
    }

    /// <summary>
    /// The API answered with a failure: an HTTP status and Cloudflare's error codes and messages,
    /// with the request's method and path (never its headers or body), classified as a <see cref="Kind"/>.
    /// </summary>
    public sealed class TurnstileApiException : TurnstileException
    {
        /// <summary>Creates the exception; the API's messages are kept with every credential replaced by a placeholder.</summary>
        public TurnstileApiException(string message, TurnstileApiErrorKind kind, TurnstileOperation operation, int statusCode, IReadOnlyList<ApiMessage> errors, string method, string path, TimeSpan? retryAfter = null, bool requestMayHaveTakenEffect = false, TimeSpan? maxBlockWait = null)
            : base(message)
        {
            MaxBlockWait = maxBlockWait;
            Kind = kind;
            Operation = operation;
            StatusCode = statusCode;
            Errors = Redact(errors);
            RequestMayHaveTakenEffect = requestMayHaveTakenEffect;
            Method = method;
            Path = path;
            RetryAfter = retryAfter;
        }

        /// <summary>What kind of failure it was; callers decide on this, never on the path or Cloudflare's codes.</summary>
        public TurnstileApiErrorKind Kind { get; }
        /// <summary>The operation that failed.</summary>
        public TurnstileOperation Operation { get; }
        /// <summary>The HTTP status code.</summary>
        public int StatusCode { get; }
        /// <summary>The envelope's <c>errors</c>.</summary>
        public IReadOnlyList<ApiMessage> Errors { get; }
        /// <summary>The request's HTTP method.</summary>
        public string Method { get; }
        /// <summary>The request's path and query below the base URI.</summary>
        public string Path { get; }
        /// <summary>How long the API asked to wait, for a 429 that ran out of retries.</summary>
        public TimeSpan? RetryAfter { get; }
        /// <summary>
        /// Set when the request failed because the rate-limit wait it needed (<see cref="RetryAfter"/>) was longer than
        /// <see cref="RateLimitOptions.MaxBlockWait"/> allowed: the limit that applied. Null for any other failure.
        /// </summary>
        public TimeSpan? MaxBlockWait { get; }
        /// <summary>
        /// True when the request may have been carried out despite the failure (a 5xx or 408 to a create, update, delete
        /// or rotation): check the widget before repeating it, as after a dropped connection.
        /// </summary>
        public bool RequestMayHaveTakenEffect { get; }

        private static IReadOnlyList<ApiMessage> Redact(IReadOnlyList<ApiMessage>? errors)
        {
            if (errors == null || errors.Count == 0)
            {
                return errors ?? Array.Empty<ApiMessage>();
            }
            var redacted = new ApiMessage[errors.Count];
            for (int i = 0; i < redacted.Length; i++)
            {
                ApiMessage error = errors[i];
                redacted[i] = new ApiMessage
                {
                    Code = error.Code,
                    Message = CredentialRedaction.RedactCredentials(error.Message) ?? "",
                    DocumentationUrl = CredentialRedaction.RedactCredentials(error.DocumentationUrl),
                    SourcePointer = CredentialRedaction.RedactCredentials(error.SourcePointer),
                };
            }
            return redacted;
        }
    }

    /// <summary>
    /// No answer came: the connection failed, was dropped, or the request timed out.
    /// Distinct from <see cref="TurnstileApiException"/>, where the API did answer.
    /// </summary>
    public sealed class TurnstileTransportException : TurnstileException
    {
        /// <summary>Creates the exception.</summary>
        public TurnstileTransportException(string message, TurnstileOperation operation, string method, string path, bool isTimeout, bool requestMayHaveTakenEffect, Exception? innerException = null)
            : base(message, innerException)
        {
            Operation = operation;
            Method = method;
            Path = path;
            IsTimeout = isTimeout;
            RequestMayHaveTakenEffect = requestMayHaveTakenEffect;
        }

        /// <summary>The operation that failed.</summary>
        public TurnstileOperation Operation { get; }
        /// <summary>The request's HTTP method.</summary>
        public string Method { get; }
        /// <summary>The request's path and query below the base URI.</summary>
        public string Path { get; }
        /// <summary>True when the per-request timeout ran out.</summary>
        public bool IsTimeout { get; }
        /// <summary>
        /// True when the request may have reached the API (dropped connection, timeout): a create
        /// or rotation may have happened, so check before trying again.
        /// </summary>
        public bool RequestMayHaveTakenEffect { get; }
    }

    /// <summary>Input refused before any request was sent.</summary>
    public sealed class TurnstileValidationException : TurnstileException
    {
        /// <summary>Creates the exception.</summary>
        public TurnstileValidationException(string field, string message)
            : base(message)
        {
            Field = field;
        }

        /// <summary>The field at fault, by its wire name (<c>name</c>, <c>domains</c>, <c>sitekey</c>, <c>account_id</c>, ...).</summary>
        public string Field { get; }
    }

    /// <summary>
    /// Raised before any request when an update asks for a region other than the widget's:
    /// the API fixes a widget's region when it is created.
    /// </summary>
    public sealed class RegionChangeRefusedException : TurnstileException
    {
        /// <summary>Creates the exception.</summary>
        public RegionChangeRefusedException(string sitekey, string currentRegion, string requestedRegion)
            : base(string.Format(CultureInfo.InvariantCulture,
                "Widget '{0}' is in region '{1}' and cannot be moved to '{2}': a widget's region is fixed when it is created.",
                sitekey, currentRegion, requestedRegion))
        {
            Sitekey = sitekey;
            CurrentRegion = currentRegion;
            RequestedRegion = requestedRegion;
        }

        /// <summary>The widget's sitekey.</summary>
        public string Sitekey { get; }
        /// <summary>The widget's region (wire value).</summary>
        public string CurrentRegion { get; }
        /// <summary>The region asked for (wire value).</summary>
        public string RequestedRegion { get; }
    }
}
