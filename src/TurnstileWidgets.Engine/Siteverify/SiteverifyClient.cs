using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Internal;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Siteverify
{
    /// <summary>One siteverify call's input (cloudflare-docs turnstile/get-started/server-side-validation.mdx).</summary>
    public sealed class SiteverifyRequest
    {
        /// <summary>The widget's secret. Required; sent only in the request body, never shown.</summary>
        public SecureString? Secret { get; set; }
        /// <summary>The token the visitor's browser got (<c>cf-turnstile-response</c>). Required, at most 2048 characters.</summary>
        public string Response { get; set; } = "";
        /// <summary>The visitor's IP address; optional.</summary>
        public string? RemoteIp { get; set; }
        /// <summary>Lets the same token be validated again with the same key (a retry); optional.</summary>
        public Guid? IdempotencyKey { get; set; }
    }

    /// <summary>siteverify's answer.</summary>
    public sealed class SiteverifyResult
    {
        /// <summary>Whether the token is valid for this secret.</summary>
        public bool Success { get; set; }
        /// <summary>The <c>error-codes</c>, verbatim; empty on success.</summary>
        public IReadOnlyList<string> ErrorCodes { get; set; } = Array.Empty<string>();
        /// <summary>When the challenge was solved (<c>challenge_ts</c>).</summary>
        public DateTimeOffset? ChallengeTimestamp { get; set; }
        /// <summary>The hostname the challenge was solved on.</summary>
        public string? Hostname { get; set; }
        /// <summary>The widget's action tag.</summary>
        public string? Action { get; set; }
        /// <summary>The widget's customer data.</summary>
        public string? Cdata { get; set; }
        /// <summary><c>metadata.ephemeral_id</c> (Enterprise).</summary>
        public string? EphemeralId { get; set; }
        /// <summary><c>metadata.result_with_testing_key</c>: the answer came from one of Cloudflare's test secrets.</summary>
        public bool ResultWithTestingKey { get; set; }
    }

    /// <summary>What <see cref="SiteverifyClient.CheckSecretAsync"/> concluded about a secret.</summary>
    public sealed class SecretCheck
    {
        /// <summary>True: siteverify knows the secret; false: it refused it (<c>invalid-input-secret</c>); null: the answer said neither.</summary>
        public bool? Accepted { get; set; }
        /// <summary>siteverify's error codes, verbatim.</summary>
        public IReadOnlyList<string> ErrorCodes { get; set; } = Array.Empty<string>();
    }

    /// <summary>siteverify's documented error codes, and the one reading of them for a secret check.</summary>
    public static class SiteverifyErrorCodes
    {
        /// <summary>No secret was sent.</summary>
        public const string MissingInputSecret = "missing-input-secret";
        /// <summary>The secret is invalid or unknown (or a test secret was used with a real token).</summary>
        public const string InvalidInputSecret = "invalid-input-secret";
        /// <summary>No token was sent.</summary>
        public const string MissingInputResponse = "missing-input-response";
        /// <summary>The token is invalid or expired.</summary>
        public const string InvalidInputResponse = "invalid-input-response";
        /// <summary>The request was malformed.</summary>
        public const string BadRequest = "bad-request";
        /// <summary>The token is older than 300 s or was validated before.</summary>
        public const string TimeoutOrDuplicate = "timeout-or-duplicate";
        /// <summary>siteverify failed; the request may be retried.</summary>
        public const string InternalError = "internal-error";

        /// <summary>
        /// The token a secret check sends: Cloudflare's dummy token. Production secrets answer it
        /// <c>invalid-input-response</c> (never success); Cloudflare's test secrets judge it as documented.
        /// </summary>
        public const string ProbeToken = "XXXX.DUMMY.TOKEN.XXXX";

        /// <summary>
        /// Reads an answer to <see cref="ProbeToken"/>, following Cloudflare's documentation of the codes: a judged token
        /// (<c>invalid-input-response</c>, <c>timeout-or-duplicate</c>, or success from a test secret) means the secret is
        /// known; <c>invalid-input-secret</c> means it is not; anything else decides nothing.
        /// </summary>
        public static bool? SecretAccepted(SiteverifyResult result)
        {
            if (result == null)
            {
                throw new ArgumentNullException(nameof(result));
            }
            if (result.Success)
            {
                return true;
            }
            if (Contains(result.ErrorCodes, InvalidInputSecret))
            {
                return false;
            }
            if (Contains(result.ErrorCodes, InvalidInputResponse) || Contains(result.ErrorCodes, TimeoutOrDuplicate))
            {
                return true;
            }
            return null;
        }

        private static bool Contains(IReadOnlyList<string> codes, string code)
        {
            foreach (string each in codes)
            {
                if (string.Equals(each, code, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// Cloudflare's siteverify (<c>POST https://challenges.cloudflare.com/turnstile/v0/siteverify</c>, or another URI such as
    /// the emulator's), sent through a <see cref="TurnstileClient"/>'s transport without its API credential: the widget
    /// secret is the credential. Thread-safe.
    /// </summary>
    public sealed class SiteverifyClient
    {
        /// <summary>Cloudflare's siteverify endpoint.</summary>
        public static readonly Uri DefaultUri = new Uri("https://challenges.cloudflare.com/turnstile/v0/siteverify");

        /// <summary>
        /// The siteverify endpoint that goes with an API: Cloudflare's for Cloudflare's API, and for any other API address (the
        /// emulator, a rehearsal host) the same origin's <c>/turnstile/v0/siteverify</c>, so a widget secret is never sent to a
        /// host the user did not name (a runbook rehearsed against the emulator must not send its secrets to Cloudflare).
        /// </summary>
        public static Uri DefaultFor(Uri apiBaseUri)
        {
            if (apiBaseUri == null) throw new ArgumentNullException(nameof(apiBaseUri));
            if (string.Equals(apiBaseUri.Host, TurnstileClientOptions.DefaultBaseUri.Host, StringComparison.OrdinalIgnoreCase))
            {
                return DefaultUri;
            }
            return new Uri(new Uri(apiBaseUri.GetLeftPart(UriPartial.Authority)), DefaultUri.AbsolutePath);
        }

        /// <summary>The longest token siteverify takes.</summary>
        public const int MaxResponseLength = 2048;

        private readonly TurnstileClient client;

        /// <summary>Creates the client; <paramref name="siteverifyUri"/> null means <see cref="DefaultUri"/>.</summary>
        public SiteverifyClient(TurnstileClient client, Uri? siteverifyUri = null)
        {
            this.client = client ?? throw new ArgumentNullException(nameof(client));
            Uri = ValidateUri(siteverifyUri ?? DefaultUri);
        }

        /// <summary>The endpoint.</summary>
        public Uri Uri { get; }

        /// <summary>
        /// Checks that <paramref name="uri"/> can be a siteverify endpoint: absolute http(s), no user info, query or
        /// fragment. Throws <see cref="TurnstileValidationException"/> (field <c>siteverify_uri</c>).
        /// </summary>
        public static Uri ValidateUri(Uri uri)
        {
            if (uri == null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new TurnstileValidationException("siteverify_uri", "siteverify_uri: give an absolute http or https URL, such as https://challenges.cloudflare.com/turnstile/v0/siteverify or the emulator's http://127.0.0.1:<port>/turnstile/v0/siteverify.");
            }
            if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new TurnstileValidationException("siteverify_uri", "siteverify_uri: the URL must not contain user info, a query or a fragment; give only scheme, host, port and path.");
            }
            return uri;
        }

        /// <summary>
        /// Validates a token. Refuses before sending a missing secret or token and a token over 2048 characters; an
        /// <c>internal-error</c> answer is retried with the client's backoff, as Cloudflare documents.
        /// </summary>
        public async Task<SiteverifyResult> VerifyAsync(SiteverifyRequest request, CancellationToken cancellationToken = default)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }
            if (request.Secret == null || request.Secret.Length == 0)
            {
                throw new TurnstileValidationException("secret", "secret: no widget secret given. Give the secret of the widget the token was issued for.");
            }
            if (string.IsNullOrEmpty(request.Response))
            {
                throw new TurnstileValidationException("response", "response: no token given. Give the token the visitor's browser sent (cf-turnstile-response).");
            }
            if (request.Response.Length > MaxResponseLength)
            {
                throw new TurnstileValidationException("response", $"response: the token is {request.Response.Length} characters long; siteverify takes at most {MaxResponseLength}.");
            }
            RetryOptions retry = client.RetryOptions;
            string path = Uri.AbsolutePath;
            for (int attempt = 1; ; attempt++)
            {
                ExchangeAnswer answer;
                using (var message = new HttpRequestMessage(HttpMethod.Post, Uri))
                {
                    var fields = new List<KeyValuePair<string, string>>
                    {
                        // The only place the secret becomes plain text: the form body, which nothing logs.
                        new KeyValuePair<string, string>("secret", TurnstileCredential.Reveal(request.Secret)),
                        new KeyValuePair<string, string>("response", request.Response),
                    };
                    if (!string.IsNullOrEmpty(request.RemoteIp))
                    {
                        fields.Add(new KeyValuePair<string, string>("remoteip", request.RemoteIp!));
                    }
                    if (request.IdempotencyKey.HasValue)
                    {
                        fields.Add(new KeyValuePair<string, string>("idempotency_key", request.IdempotencyKey.Value.ToString("D", CultureInfo.InvariantCulture)));
                    }
                    message.Content = new FormUrlEncodedContent(fields);
                    answer = await OutsideRestExchange.SendAsync(client, message, path, authenticate: false, cancellationToken, TurnstileOperation.Siteverify).ConfigureAwait(false);
                }
                SiteverifyResult result = Read(answer, path);
                bool internalError = !result.Success && System.Linq.Enumerable.Contains(result.ErrorCodes, SiteverifyErrorCodes.InternalError);
                if (internalError && attempt <= Math.Max(0, retry.MaxRetries))
                {
                    await retry.Delay(RetryPolicy.Backoff(retry, attempt, null), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                return result;
            }
        }

        /// <summary>
        /// Proves a secret without a visitor: sends <see cref="SiteverifyErrorCodes.ProbeToken"/> and reads the answer with
        /// <see cref="SiteverifyErrorCodes.SecretAccepted"/>.
        /// </summary>
        public async Task<SecretCheck> CheckSecretAsync(SecureString secret, CancellationToken cancellationToken = default)
        {
            SiteverifyResult result = await VerifyAsync(new SiteverifyRequest { Secret = secret, Response = SiteverifyErrorCodes.ProbeToken }, cancellationToken).ConfigureAwait(false);
            return new SecretCheck { Accepted = SiteverifyErrorCodes.SecretAccepted(result), ErrorCodes = result.ErrorCodes };
        }

        private static SiteverifyResult Read(ExchangeAnswer answer, string path)
        {
            try
            {
                using (JsonDocument document = JsonDocument.Parse(answer.Body))
                {
                    JsonElement root = document.RootElement;
                    if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out JsonElement success)
                        && (success.ValueKind == JsonValueKind.True || success.ValueKind == JsonValueKind.False))
                    {
                        var result = new SiteverifyResult { Success = success.ValueKind == JsonValueKind.True };
                        var codes = new List<string>();
                        if (root.TryGetProperty("error-codes", out JsonElement errorCodes) && errorCodes.ValueKind == JsonValueKind.Array)
                        {
                            foreach (JsonElement code in errorCodes.EnumerateArray())
                            {
                                codes.Add(code.ValueKind == JsonValueKind.String ? code.GetString() ?? "" : code.GetRawText());
                            }
                        }
                        result.ErrorCodes = codes;
                        result.Hostname = String(root, "hostname");
                        result.Action = String(root, "action");
                        result.Cdata = String(root, "cdata");
                        string? timestamp = String(root, "challenge_ts");
                        if (timestamp != null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
                        {
                            result.ChallengeTimestamp = at;
                        }
                        if (root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object)
                        {
                            result.EphemeralId = String(metadata, "ephemeral_id");
                            result.ResultWithTestingKey = metadata.TryGetProperty("result_with_testing_key", out JsonElement testing) && testing.ValueKind == JsonValueKind.True;
                        }
                        return result;
                    }
                }
            }
            catch (JsonException)
            {
            }
            string message = $"siteverify (POST {path}) answered HTTP {answer.Status} with {(answer.MediaType ?? "no content type")}, not its JSON answer. Check the siteverify URL.";
            throw new TurnstileApiException(message, TurnstileApiErrorKind.UnexpectedAnswer, TurnstileOperation.Siteverify, answer.Status, Array.Empty<ApiMessage>(), "POST", path);
        }

        private static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
