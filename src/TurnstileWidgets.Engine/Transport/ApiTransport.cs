using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// The transport core every endpoint family is built on: one HttpClient over the handler chain
    /// (retry, then pacing, then reporting, then the attempt's timeout, then the socket handler), the credential's
    /// headers, Cloudflare's envelope, and every failure turned into a classified <see cref="TurnstileException"/>.
    /// An API class (the widgets API is <see cref="TurnstileClient"/>) builds paths and bodies and maps DTOs; it never
    /// touches HTTP.
    /// </summary>
    internal sealed class ApiTransport : IDisposable
    {
        private static readonly Lazy<string> UserAgentValue = new Lazy<string>(ComputeUserAgent);
        private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly HttpClient http;
        private readonly string? accountId;
        private int disposed;

        /// <summary>Validates the connection options and builds the handler chain; throws <see cref="TurnstileValidationException"/>.</summary>
        internal ApiTransport(TurnstileClientOptions options, string? accountId)
        {
            Credential = options.Credential ?? throw NoCredential();
            this.accountId = accountId;
            BaseUri = BaseUris.Normalize(options.BaseUri ?? TurnstileClientOptions.DefaultBaseUri, "base_url");
            if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new TurnstileValidationException("request_timeout", "request_timeout: the per-request timeout must be positive (or infinite).");
            }
            // A longer one would fail only when the first timer is set, as an ArgumentOutOfRangeException about 'delay'.
            if (options.RequestTimeout > TurnstileClientOptions.MaxTimeout)
            {
                throw new TurnstileValidationException("request_timeout", $"request_timeout: the per-request timeout can be at most {TurnstileClientOptions.MaxTimeout} (or infinite).");
            }
            RequestTimeout = options.RequestTimeout;
            if (options.OperationTimeout <= TimeSpan.Zero && options.OperationTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new TurnstileValidationException("operation_timeout", "operation_timeout: the bound on a whole request must be positive (or infinite).");
            }
            if (options.OperationTimeout > TurnstileClientOptions.MaxTimeout)
            {
                throw new TurnstileValidationException("operation_timeout", $"operation_timeout: the bound on a whole request can be at most {TurnstileClientOptions.MaxTimeout} (or infinite).");
            }
            OperationTimeout = options.OperationTimeout;
            RetryOptions retry = options.Retry ?? new RetryOptions();
            if (retry.Delay == null)
            {
                throw new TurnstileValidationException("retry", "retry: RetryOptions.Delay must not be null.");
            }
            RetryOptions = retry;
            RateLimitOptions rateLimit = options.RateLimit ?? new RateLimitOptions();
            if (rateLimit.MaxBlockWait < TimeSpan.Zero)
            {
                throw new TurnstileValidationException("max_block_wait", "max_block_wait: the longest wait for a rate-limit block must not be negative (0 turns waiting for blocks off).");
            }
            // One budget per credential and API for the whole process: every client, runspace and pipeline shares it.
            Pacer = rateLimit.Pace ? RateLimitPacer.For(Credential.BudgetFingerprint(BaseUri)) : null;
            // Pacing needs a clock that only moves forward; tests give their own (the emulator's).
            PacingClock = options.UtcNow ?? MonotonicClock.UtcNow;
            var pacing = new PacingContext(PacingClock, retry.Delay, rateLimit.MaxBlockWait);

            HttpMessageHandler? callerHandler = options.PrimaryHandler;
            HttpMessageHandler chain = callerHandler ?? CreateSocketHandler();
            if (RequestTimeout != Timeout.InfiniteTimeSpan)
            {
                chain = new AttemptTimeoutHandler(RequestTimeout) { InnerHandler = chain };
            }
            chain = new ReportingHandler { InnerHandler = chain };
            if (Pacer != null)
            {
                chain = new PacingHandler(Pacer, pacing) { InnerHandler = chain };
            }
            chain = new RetryHandler(retry, RequestTimeout, pacing, options.UtcNow, Pacer) { InnerHandler = chain };
            // A caller's handler stays the caller's to dispose; ours hold nothing but the socket handler.
            http = new HttpClient(chain, disposeHandler: callerHandler == null)
            {
                // Each attempt has its own timeout (AttemptTimeoutHandler); the whole call is bounded by retries.
                Timeout = Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        internal static TurnstileValidationException NoCredential() =>
            new TurnstileValidationException("credential", "credential: no credential given. Connect with an API token (recommended), or with an email address and Global API key.");

        /// <summary>The User-Agent sent: <c>TurnstileWidgets/&lt;version&gt;</c>.</summary>
        internal static string UserAgent => UserAgentValue.Value;

        internal TurnstileCredential Credential { get; }
        internal Uri BaseUri { get; }
        internal TimeSpan RequestTimeout { get; }
        /// <summary>The bound on one request with all its attempts and the waits between them (rate-limit waits aside).</summary>
        internal TimeSpan OperationTimeout { get; }
        /// <summary>The retry options; other clients on <see cref="SendOutsideRestBudgetAsync"/> wait through its Delay.</summary>
        internal RetryOptions RetryOptions { get; }
        internal RateLimitPacer? Pacer { get; }
        internal Func<DateTimeOffset> PacingClock { get; }

        /// <summary>
        /// Sends one request (the chain paces, times and retries it), reads the envelope into <typeparamref name="T"/>,
        /// and turns every failure into a <see cref="TurnstileException"/>; caller cancellation stays an
        /// <see cref="OperationCanceledException"/>.
        /// </summary>
        /// <remarks>
        /// One async method for the whole exchange (deadline, send, body, envelope), not one per step: every request of a
        /// listing or a bulk change runs it, and each further async frame is a state machine allocated per request and
        /// more code for the JIT to compile and tier up before a session runs at full speed.
        /// </remarks>
        internal async Task<EnvelopeDto<T>> SendAsync<T>(RequestInfo info, string relativePath, byte[]? body, JsonTypeInfo<EnvelopeDto<T>> typeInfo, CancellationToken cancellationToken)
            where T : class
        {
            if (Volatile.Read(ref disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(TurnstileClient));
            }
            // The bound on the whole request (OperationTimeout); the pacing and retry handlers pause it during rate-limit waits.
            using (var deadline = new OperationDeadline(OperationTimeout, cancellationToken))
            using (var request = new InfoRequestMessage(MethodOf(info.Method), new Uri(BaseUri, relativePath), info))
            {
                info.Deadline = deadline;
                if (body != null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = JsonContentType;
                }
                Credential.ApplyTo(request);
                try
                {
                    using (HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false))
                    {
                        if (!response.IsSuccessStatusCode)
                        {
                            throw await ApiErrors.FromResponseAsync(response, info, accountId, DateTimeOffset.UtcNow, deadline.Token).ConfigureAwait(false);
                        }
                        EnvelopeDto<T>? envelope;
                        // The body streams after the chain returned; the attempt's own deadline (headers and body) still runs.
                        CancellationTokenSource? attemptDeadline = info.AttemptDeadline;
                        CancellationToken bodyToken = attemptDeadline?.Token ?? deadline.Token;
                        try
                        {
#if NET8_0_OR_GREATER
                            using (Stream stream = await response.Content.ReadAsStreamAsync(bodyToken).ConfigureAwait(false))
#else
                            using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
#endif
                            using (PooledBody whole = await PooledBody.ReadAsync(stream, response.Content.Headers.ContentLength, bodyToken).ConfigureAwait(false))
                            {
                                // An empty body is no envelope (said so below), not a JSON syntax error.
                                envelope = whole.Length == 0 ? null : JsonSerializer.Deserialize(whole.Json, typeInfo);
                            }
                        }
                        catch (OperationCanceledException ex) when (!deadline.Token.IsCancellationRequested && attemptDeadline != null && attemptDeadline.IsCancellationRequested)
                        {
                            throw new TurnstileTransportException($"{info.Method} {info.Path} timed out: the answer did not arrive in full within {DurationText.Format(RequestTimeout)}. Check the network, or allow more time per request (RequestTimeout).{BodyEffect(info)}", info.Operation, info.Method, info.Path, true, MayHaveTakenEffect(info), ex);
                        }
                        catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
                        {
                            throw new TurnstileTransportException($"Could not read the Cloudflare API's answer to {info.Method} {info.Path}: the connection dropped mid-answer. Check the network and try again.{BodyEffect(info)}", info.Operation, info.Method, info.Path, false, MayHaveTakenEffect(info), ex);
                        }
                        catch (JsonException ex)
                        {
                            int status = (int)response.StatusCode;
                            string mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
                            throw UnexpectedAnswer(info, response, Array.Empty<ApiMessage>(), $"the body was not the expected JSON ({mediaType}): {ex.Message}", "Check that the base URL points at the Cloudflare API (or the emulator).");
                        }
                        if (envelope == null || !envelope.Success || envelope.Result == null)
                        {
                            IReadOnlyList<ApiMessage> errors = envelope?.Errors?.Select(ApiErrors.ToApiMessage).ToList() ?? (IReadOnlyList<ApiMessage>)Array.Empty<ApiMessage>();
                            string note = envelope == null ? "the body was empty" : envelope.Success ? "the envelope had no result" : "the envelope said success: false";
                            throw UnexpectedAnswer(info, response, errors, note, "The API answered in an unexpected way; try again, and report it if it persists.", "The API answered in an unexpected way; report it if it persists.");
                        }
                        return envelope;
                    }
                }
                catch (OperationCanceledException ex) when (deadline.Expired)
                {
                    throw OperationTimedOut(info, ex);
                }
                finally
                {
                    // The attempt's timer, kept for the body, ends with the answer.
                    info.ReplaceAttemptDeadline(null);
                    info.Deadline = null;
                }
            }
        }

        /// <summary>
        /// A success status whose body cannot be read as the answer. A write got it after the API carried the request
        /// out, so its message says so instead of suggesting to send it again (a create would make a second widget).
        /// </summary>
        private static TurnstileApiException UnexpectedAnswer(RequestInfo info, HttpResponseMessage response, IReadOnlyList<ApiMessage> errors, string note, string advice, string? writeAdvice = null)
        {
            int status = (int)response.StatusCode;
            bool tookEffect = MayHaveTakenEffect(info);
            string what = tookEffect ? (writeAdvice ?? advice) + BodyEffect(info) : advice;
            string message = ApiErrors.Format(info.Method, info.Path, status, response.ReasonPhrase, errors, note, what);
            return new TurnstileApiException(message, TurnstileApiErrorKind.UnexpectedAnswer, info.Operation, status, errors, info.Method, info.Path, requestMayHaveTakenEffect: tookEffect);
        }

        private static bool MayHaveTakenEffect(RequestInfo info) => !string.Equals(info.Method, "GET", StringComparison.Ordinal);

        private static string BodyEffect(RequestInfo info) => MayHaveTakenEffect(info)
            ? " The request reached the API and probably took effect: check the widget's current state before repeating it."
            : "";

        /// <summary>
        /// Sends a request that does not spend the REST API's rate-limit budget (GraphQL, siteverify) through the chain's
        /// retry handler, passed by the pacing handler; the credential's headers only when <paramref name="authenticate"/>.
        /// The caller reads (and disposes) the answer. <paramref name="path"/> is what -Verbose shows (no query, never a secret).
        /// </summary>
        internal Task<HttpResponseMessage> SendOutsideRestBudgetAsync(HttpRequestMessage request, string path, bool authenticate, CancellationToken cancellationToken, TurnstileOperation operation = TurnstileOperation.Unknown)
        {
            if (Volatile.Read(ref disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(TurnstileClient));
            }
            var info = new RequestInfo(request.Method.Method, path, operation) { OutsideRestBudget = true };
            info.AttachTo(request);
            if (authenticate)
            {
                Credential.ApplyTo(request);
            }
            return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }

        private TurnstileTransportException OperationTimedOut(RequestInfo info, Exception cause)
        {
            bool mayHaveTakenEffect = !string.Equals(info.Method, "GET", StringComparison.Ordinal);
            string effect = mayHaveTakenEffect ? " The request may have reached the API and taken effect: check the widget's current state before repeating it." : "";
            string attempts = info.Attempts == 1 ? "1 attempt" : info.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) + " attempts";
            string message = $"{info.Method} {info.Path} timed out: no answer came within {DurationText.Format(OperationTimeout)}, the bound on the whole request (OperationTimeout; {attempts} of at most {DurationText.Format(RequestTimeout)} each, RequestTimeout). Check the network and the base URL, or allow more time (OperationTimeout, RequestTimeout).{effect}";
            return new TurnstileTransportException(message, info.Operation, info.Method, info.Path, true, mayHaveTakenEffect, cause);
        }

        /// <summary>Releases the HTTP connections.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                http.Dispose();
            }
        }

        private static HttpMethod MethodOf(string method)
        {
            switch (method)
            {
                case "GET": return HttpMethod.Get;
                case "PUT": return HttpMethod.Put;
                case "POST": return HttpMethod.Post;
                case "DELETE": return HttpMethod.Delete;
                default: return new HttpMethod(method);
            }
        }

        private static HttpMessageHandler CreateSocketHandler()
        {
#if NET8_0_OR_GREATER
            return new SocketsHttpHandler
            {
                // Connections are replaced every few minutes, so a long session follows DNS changes; this is what
                // IHttpClientFactory's handler rotation was for, without a DI container or a renewal of our own.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // A redirect could carry X-Auth-Key to another host; the API never redirects.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
#else
            // Windows PowerShell 5.1 (.NET Framework): its handler pools connections per ServicePoint, which honours DNS
            // changes through ServicePointManager.DnsRefreshTimeout; nothing to renew here.
            return new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
#endif
        }

        private static string ComputeUserAgent()
        {
            Assembly assembly = typeof(ApiTransport).Assembly;
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (string.IsNullOrEmpty(version))
            {
                version = assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            }
            int plus = version!.IndexOf('+');
            return "TurnstileWidgets/" + (plus >= 0 ? version.Substring(0, plus) : version);
        }
    }
}
