using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>Turns a failed response into a <see cref="TurnstileApiException"/> whose message says what happened and what to do.</summary>
    internal static class ApiErrors
    {
        private const int MaxErrorBody = 64 * 1024;

        internal static string ReasonPhrase(int status, string? serverPhrase)
        {
            switch (status)
            {
                case 400: return "Bad Request";
                case 401: return "Unauthorized";
                case 403: return "Forbidden";
                case 404: return "Not Found";
                case 405: return "Method Not Allowed";
                case 408: return "Request Timeout";
                case 409: return "Conflict";
                case 413: return "Payload Too Large";
                case 415: return "Unsupported Media Type";
                case 422: return "Unprocessable Entity";
                case 429: return "Too Many Requests";
                case 500: return "Internal Server Error";
                case 502: return "Bad Gateway";
                case 503: return "Service Unavailable";
                case 504: return "Gateway Timeout";
                default: return serverPhrase ?? "";
            }
        }

        /// <summary>
        /// <c>Cloudflare API refused GET /accounts/…/widgets/x: 404 Not Found: [10404] widget not found. Check …</c>
        /// </summary>
        internal static string Format(string method, string path, int status, string? reasonPhrase, IReadOnlyList<ApiMessage> errors, string? bodyNote, string? advice)
        {
            var builder = new StringBuilder();
            // A success status with an answer that cannot be read is no refusal (the request was carried out).
            builder.Append(status >= 200 && status < 300 ? "Cloudflare API answered " : "Cloudflare API refused ").Append(method).Append(' ').Append(path).Append(": ").Append(status);
            string phrase = ReasonPhrase(status, reasonPhrase);
            if (phrase.Length > 0)
            {
                builder.Append(' ').Append(ControlCharacters.MakeVisible(phrase));
            }
            if (errors.Count > 0)
            {
                // Cloudflare quotes the values it refuses, which may hold control characters: shown, never acted on by the terminal.
                builder.Append(": ").Append(ControlCharacters.MakeVisible(string.Join("; ", errors.Select(e => e.ToString()))));
            }
            else if (bodyNote != null)
            {
                builder.Append(" (").Append(bodyNote).Append(')');
            }
            string text = builder.ToString().TrimEnd();
            if (!string.IsNullOrEmpty(advice))
            {
                text += (text.EndsWith(".", StringComparison.Ordinal) ? " " : ". ") + advice;
            }
            return text;
        }

        // Cloudflare's codes: a credential it cannot accept (whatever status carries them), no such route, an update that
        // tried to change the region, a rotation refused during the previous secret's grace period.
        private static readonly int[] AuthenticationCodes = { 10000, 6003, 6100, 6101, 6102, 6103, 6111, 9103, 9106 };
        private const int NoRouteCode = 7003;
        private const int NoRouteCodeOld = 7000;
        private const int RegionChangeCode = 10004;
        private const int RotationRefusedCode = 10005;

        /// <summary>
        /// The one place a failed answer is classified: from the status, Cloudflare's codes and whether the request
        /// addressed one resource. Callers (the module's ErrorMapper) decide on the kind alone.
        /// </summary>
        internal static TurnstileApiErrorKind Classify(int status, IReadOnlyList<ApiMessage> errors, bool addressesOneResource)
        {
            if (status >= 300 && status < 400)
            {
                // Something between the client and the API redirected (a proxy, an http:// base URL): not the API's answer.
                return TurnstileApiErrorKind.UnexpectedAnswer;
            }
            if (status == 401 || (status == 403 && errors.Any(e => Array.IndexOf(AuthenticationCodes, e.Code) >= 0)))
            {
                return TurnstileApiErrorKind.Authentication;
            }
            if (status == 403)
            {
                return TurnstileApiErrorKind.PermissionDenied;
            }
            if (status == 404)
            {
                bool noRoute = errors.Any(e => e.Code == NoRouteCode || e.Code == NoRouteCodeOld);
                return addressesOneResource && !noRoute ? TurnstileApiErrorKind.NotFound : TurnstileApiErrorKind.RouteNotFound;
            }
            if (status == 429)
            {
                return TurnstileApiErrorKind.RateLimited;
            }
            if (errors.Any(e => e.Code == RegionChangeCode))
            {
                return TurnstileApiErrorKind.RegionChangeRefused;
            }
            if (status == 409 || errors.Any(e => e.Code == RotationRefusedCode))
            {
                return TurnstileApiErrorKind.Conflict;
            }
            if (status == 400 || status == 422)
            {
                return TurnstileApiErrorKind.Validation;
            }
            return status >= 500 ? TurnstileApiErrorKind.Server : TurnstileApiErrorKind.Other;
        }

        /// <summary>What to do about a status, in one sentence.</summary>
        internal static string? Advice(int status, IReadOnlyList<ApiMessage> errors, string? accountId, TimeSpan? retryAfter, TimeSpan? budgetLeft, bool mayHaveTakenEffect = false)
        {
            if (errors.Any(e => e.Code == NoRouteCode || e.Code == NoRouteCodeOld))
            {
                return "The API has no such route: check the account id and the base URL.";
            }
            // A 403 that carries a credential code is the credential's fault (Classify: Authentication), not the account's.
            bool credentialRefused = Classify(status, errors, addressesOneResource: false) == TurnstileApiErrorKind.Authentication;
            // A 400 gets no sentence here: Cloudflare's message names the value, and the caller knows which parameter it came from.
            switch (credentialRefused ? 401 : status)
            {
                case 401:
                    return "The credential was not accepted: check the API token (or email and Global API key) and connect again.";
                case 403:
                    return $"The credential is not allowed to do this on account {accountId ?? "(none)"}: check the account id, and that the API token has the '{CloudflarePermissions.Read}' (to read) or '{CloudflarePermissions.Write}' (to change) permission for it.";
                case 404:
                    return "Check the sitekey and the account id; list the account's widgets to see which exist.";
                case 409:
                    return "The widget's current state does not allow this; read it again and retry once the conflict is resolved.";
                case 429:
                    if (retryAfter.HasValue && budgetLeft.HasValue)
                    {
                        return $"The API asked to wait {DurationText.Format(retryAfter.Value)} before trying again, longer than the {DurationText.Format(budgetLeft.Value)} of rate-limit waiting left ({nameof(RateLimitOptions.MaxBlockWait)}); try again after that.";
                    }
                    return retryAfter.HasValue
                        ? $"Rate limited: the API asked to wait {DurationText.Format(retryAfter.Value)} before trying again."
                        : "Rate limited (Cloudflare allows 1200 requests per 5 minutes): wait a few minutes and try again.";
            }
            if (status >= 500 && mayHaveTakenEffect)
            {
                // As after a dropped connection: a create or rotation repeated blindly could happen twice.
                return "Cloudflare could not complete the request, but it may have taken effect: check the widget's current state (for a create, whether the widget was created) before repeating it, and check https://www.cloudflarestatus.com if it persists.";
            }
            if (status >= 500)
            {
                return "Cloudflare could not complete the request; try again later, and check https://www.cloudflarestatus.com if it persists.";
            }
            return null;
        }

        /// <summary>
        /// A request refused before it was sent: the credential is in a rate-limit block (a 429 another request got)
        /// that lasts <paramref name="rest"/> more, longer than <paramref name="maxBlockWait"/> allows waiting.
        /// </summary>
        internal static TurnstileApiException BlockBeyondMaxBlockWait(RequestInfo info, TimeSpan rest, TimeSpan maxBlockWait)
        {
            string message = $"{info.Method} {info.Path} was not sent: the Cloudflare API is refusing requests with this credential (429, rate limit exceeded) for {DurationText.Format(rest)} more, longer than the {DurationText.Format(maxBlockWait)} a request may wait for a block ({nameof(RateLimitOptions.MaxBlockWait)}). Try again after the block, or allow a longer wait ({nameof(RateLimitOptions.MaxBlockWait)}).";
            return new TurnstileApiException(message, TurnstileApiErrorKind.RateLimited, info.Operation, 429, Array.Empty<ApiMessage>(), info.Method, info.Path, rest, requestMayHaveTakenEffect: false, maxBlockWait: maxBlockWait);
        }

        /// <summary>Reads the error body (bounded) and builds the exception; a non-JSON body is described, never dumped.</summary>
        internal static async Task<TurnstileApiException> FromResponseAsync(HttpResponseMessage response, RequestInfo info, string? accountId, DateTimeOffset now, CancellationToken cancellationToken)
        {
            int status = (int)response.StatusCode;
            IReadOnlyList<ApiMessage> errors = Array.Empty<ApiMessage>();
            string? bodyNote = null;
            byte[] body = Array.Empty<byte>();
            // The body streams after the chain returned: the attempt's own deadline (RequestTimeout) bounds it, as it does a
            // success's body; without it a stalled error body held the request until OperationTimeout.
            CancellationTokenSource? attempt = info.AttemptDeadline;
            try
            {
                body = await ReadBoundedAsync(response, attempt?.Token ?? cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                bodyNote = "the error body could not be read";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt != null && attempt.IsCancellationRequested)
            {
                // The status is the answer; the body that did not come in time only loses Cloudflare's codes.
                bodyNote = "the error body did not arrive in full within the request timeout";
            }
            if (body.Length > 0)
            {
                EnvelopeDto? envelope = null;
                try
                {
                    envelope = JsonSerializer.Deserialize(PooledBody.WithoutByteOrderMark(body), TurnstileJsonContext.Default.EnvelopeDto);
                }
                catch (JsonException)
                {
                }
                if (envelope?.Errors != null && envelope.Errors.Count > 0)
                {
                    errors = envelope.Errors.Select(ToApiMessage).ToList();
                }
                else
                {
                    bodyNote = DescribeBody(response, body);
                }
            }
            else
            {
                bodyNote ??= "empty body";
            }
            if (status >= 300 && status < 400 && errors.Count == 0)
            {
                // The API never redirects (and the client follows none: the credential would go along). Where it points
                // tells the user what the base URL should be; its user info and query are left out, as they may hold secrets.
                Uri? location = response.Headers.Location;
                bodyNote = location != null && location.IsAbsoluteUri
                    ? "redirected to " + location.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) + ": not the API's answer"
                    : "a redirect: not the API's answer";
            }

            TimeSpan? retryAfter = status == 429 || status == 503
                ? info.RetryAfterBeyondBudget ?? RetryPolicy.ReadRetryAfter(response, now)
                : null;
            TimeSpan? budgetLeft = info.RetryAfterBeyondBudget.HasValue ? info.BudgetLeft : (TimeSpan?)null;
            bool mayHaveTakenEffect = !string.Equals(info.Method, "GET", StringComparison.OrdinalIgnoreCase) && RetryHandler.MayHaveTakenEffect(status, FailureKind.None);
            string advice = Advice(status, errors, accountId, retryAfter, budgetLeft, mayHaveTakenEffect) ?? "";
            if (info.Attempts > 1)
            {
                advice = $"(Gave up after {info.Attempts} attempts.) " + advice;
            }
            string message = Format(info.Method, info.Path, status, response.ReasonPhrase, errors, bodyNote, advice.Trim());
            TurnstileApiErrorKind kind = Classify(status, errors, info.AddressesOneResource);
            return new TurnstileApiException(message, kind, info.Operation, status, errors, info.Method, info.Path, retryAfter, mayHaveTakenEffect, info.MaxBlockWaitExceeded);
        }

        internal static ApiMessage ToApiMessage(MessageDto dto) => new ApiMessage
        {
            Code = dto.Code,
            Message = dto.Message ?? "",
            DocumentationUrl = dto.DocumentationUrl,
            SourcePointer = dto.Source?.Pointer,
        };

        private static string DescribeBody(HttpResponseMessage response, byte[] body)
        {
            string mediaType = response.Content?.Headers.ContentType?.MediaType ?? "no content type";
            string note = $"the body was not a Cloudflare JSON envelope: {mediaType}, {body.Length} bytes";
            if (mediaType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            {
                // A short plain-text reason (a proxy's "upstream connect error", say) is worth showing; markup is not.
                string text = string.Join(" ", Encoding.UTF8.GetString(body).Split(new[] { ' ', '\r', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries));
                // Redacted before it is shortened, so no cut can leave part of a credential behind.
                text = WidgetValidator.Printable(CredentialRedaction.RedactCredentials(text) ?? "");
                if (text.Length > 0)
                {
                    note += ": " + (text.Length > 160 ? text.Substring(0, 157) + "..." : text);
                }
            }
            return note;
        }

        private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null)
            {
                return Array.Empty<byte>();
            }
            using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                byte[] chunk = new byte[8192];
                int read;
                while (buffer.Length < MaxErrorBody && (read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }
        }
    }
}
