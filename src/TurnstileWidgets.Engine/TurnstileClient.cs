using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// The client for the Turnstile widgets API. Thread-safe; one instance serves a whole session.
    /// Every call validates its input before sending anything.
    /// </summary>
    public sealed class TurnstileClient : IDisposable
    {
        private const string HttpClientName = "TurnstileWidgets";
        private static readonly Lazy<string> UserAgentValue = new Lazy<string>(ComputeUserAgent);

        private readonly TurnstileCredential credential;
        private readonly string? accountId;
        private readonly Uri baseUri;
        private readonly TimeSpan requestTimeout;
        private readonly TimeSpan operationTimeout;
        private readonly ServiceProvider services;
        private readonly IHttpClientFactory httpClientFactory;
        // The factory's own default handler lifetime: after it, the client is fetched again so the factory can rotate its
        // pooled handler (and pick up DNS changes) as it would with CreateClient per request.
        private static readonly long HttpClientLifetimeTicks = 2 * 60 * Stopwatch.Frequency;
        private readonly object httpClientGate = new object();
        private HttpClient? httpClient;
        private long httpClientCreated;
        private readonly RateLimitPacer? pacer;
        private readonly Func<DateTimeOffset> pacingClock;
        private int disposed;
        // The write journal (see WidgetListing): every write is counted as started before it is sent and as settled once
        // its call returns, however it ended. A listing compares the two to learn how many writes may have moved widgets
        // since it read a page; counting too many costs requests, too few would skip widgets, so every attempt counts.
        private long writesStarted;
        private long writesSettled;

        /// <summary>Creates a client; throws <see cref="TurnstileValidationException"/> for a bad account id or missing credential.</summary>
        public TurnstileClient(TurnstileClientOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }
            credential = options.Credential ?? throw new TurnstileValidationException("credential", "credential: no credential given. Connect with an API token (recommended), or with an email address and Global API key.");
            if (options.AccountId != null)
            {
                WidgetValidator.ValidateAccountId(options.AccountId);
                accountId = options.AccountId;
            }
            baseUri = BaseUris.Normalize(options.BaseUri ?? TurnstileClientOptions.DefaultBaseUri, "base_url");
            if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new TurnstileValidationException("request_timeout", "request_timeout: the per-request timeout must be positive (or infinite).");
            }
            // A longer one would fail only when the first timer is set, as an ArgumentOutOfRangeException about 'delay'.
            if (options.RequestTimeout > TurnstileClientOptions.MaxTimeout)
            {
                throw new TurnstileValidationException("request_timeout", $"request_timeout: the per-request timeout can be at most {TurnstileClientOptions.MaxTimeout} (or infinite).");
            }
            requestTimeout = options.RequestTimeout;
            if (options.OperationTimeout <= TimeSpan.Zero && options.OperationTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new TurnstileValidationException("operation_timeout", "operation_timeout: the bound on a whole request must be positive (or infinite).");
            }
            if (options.OperationTimeout > TurnstileClientOptions.MaxTimeout)
            {
                throw new TurnstileValidationException("operation_timeout", $"operation_timeout: the bound on a whole request can be at most {TurnstileClientOptions.MaxTimeout} (or infinite).");
            }
            operationTimeout = options.OperationTimeout;
            RetryOptions retry = options.Retry ?? new RetryOptions();
            if (retry.Delay == null)
            {
                throw new TurnstileValidationException("retry", "retry: RetryOptions.Delay must not be null.");
            }
            Func<DateTimeOffset>? clock = options.UtcNow;
            RateLimitOptions rateLimit = options.RateLimit ?? new RateLimitOptions();
            if (rateLimit.MaxBlockWait < TimeSpan.Zero)
            {
                throw new TurnstileValidationException("max_block_wait", "max_block_wait: the longest wait for a rate-limit block must not be negative (0 turns waiting for blocks off).");
            }
            // One budget per credential and API for the whole process: every client, runspace and pipeline shares it.
            pacer = rateLimit.Pace ? RateLimitPacer.For(credential.BudgetFingerprint(baseUri)) : null;
            pacingClock = clock ?? MonotonicClock.UtcNow;

            var collection = new ServiceCollection();
            IHttpClientBuilder builder = collection
                .AddHttpClient(HttpClientName, http =>
                {
                    // Each attempt has its own timeout in the retry handler; the whole call is bounded by retries.
                    http.Timeout = Timeout.InfiniteTimeSpan;
                    http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                    http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                })
                .AddHttpMessageHandler(() => new RetryHandler(retry, requestTimeout, clock, pacer, rateLimit));
            HttpMessageHandler? primary = options.PrimaryHandler;
            if (primary != null)
            {
                // A caller-owned handler must not be disposed by the factory's handler rotation.
                builder.ConfigurePrimaryHttpMessageHandler(() => primary).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            }
            else
            {
                builder.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
                {
                    // A redirect could carry X-Auth-Key to another host; the API never redirects.
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                });
            }
            // No logging of request URIs or headers by the factory, whatever logging is configured.
            builder.RemoveAllLoggers();
            services = collection.BuildServiceProvider();
            httpClientFactory = services.GetRequiredService<IHttpClientFactory>();
        }

        /// <summary>The account every widget operation addresses; empty when none was given.</summary>
        public string AccountId => accountId ?? "";
        /// <summary>The API's base URI.</summary>
        public Uri BaseUri => baseUri;
        /// <summary>How long one attempt may take.</summary>
        public TimeSpan RequestTimeout => requestTimeout;
        /// <summary>How long one request may take with all its attempts (rate-limit waits aside).</summary>
        public TimeSpan OperationTimeout => operationTimeout;
        /// <summary>The authentication scheme's name (<c>ApiToken</c> or <c>ApiKey</c>).</summary>
        public string AuthenticationScheme => credential.Scheme;
        /// <summary>
        /// What this process knows of the credential's rate-limit budget (shared with every client of the same credential),
        /// for progress between waits; null when pacing is off or no answer has carried the budget yet.
        /// </summary>
        public RateLimitStatus? GetRateLimitStatus() => pacer?.Status(pacingClock());

        /// <summary>The User-Agent sent: <c>TurnstileWidgets/&lt;version&gt;</c>.</summary>
        public static string UserAgent => UserAgentValue.Value;

        /// <summary>
        /// Reports every attempt and retry wait made on this async flow to <paramref name="observer"/>
        /// until the returned scope is disposed.
        /// </summary>
        public IDisposable Observe(IRequestObserver observer)
        {
            if (observer == null)
            {
                throw new ArgumentNullException(nameof(observer));
            }
            return ObserverScope.Begin(observer);
        }

        /// <summary><c>GET /user/tokens/verify</c>. Only for API-token credentials.</summary>
        public async Task<TokenVerification> VerifyTokenAsync(CancellationToken cancellationToken = default)
        {
            if (!(credential is ApiTokenCredential))
            {
                throw new TurnstileValidationException("credential", "credential: token verification needs an API token, but this client uses an email and Global API key. Use VerifyAccessAsync, which checks either kind.");
            }
            EnvelopeDto<TokenVerificationDto> envelope = await SendAsync(HttpMethod.Get, "user/tokens/verify", null, TurnstileJsonContext.Default.EnvelopeDtoTokenVerificationDto, cancellationToken).ConfigureAwait(false);
            TokenVerificationDto result = envelope.Result!;
            return new TokenVerification
            {
                Id = result.Id ?? "",
                Status = result.Status ?? "",
                ExpiresOn = result.ExpiresOn,
                NotBefore = result.NotBefore,
            };
        }

        /// <summary>
        /// Checks that the credential can read the account's widgets, whatever the scheme:
        /// token verification for a token, one smallest-page listing for a key.
        /// A token that is not active is refused as a 401 <see cref="TurnstileApiException"/>; a 403 says which permission is missing.
        /// </summary>
        public async Task VerifyAccessAsync(CancellationToken cancellationToken = default)
        {
            string account = RequireAccountId();
            if (credential is ApiTokenCredential)
            {
                TokenVerification verification = await VerifyTokenAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(verification.Status, "active", StringComparison.OrdinalIgnoreCase))
                {
                    string path = "/user/tokens/verify";
                    throw new TurnstileApiException(
                        $"The API token is {(verification.Status.Length == 0 ? "not active" : verification.Status)} (GET {path}). Create or re-enable a token in the Cloudflare dashboard (My Profile > API Tokens) and connect again.",
                        401, Array.Empty<ApiMessage>(), "GET", path);
                }
            }
            try
            {
                await GetWidgetPageAsync(new WidgetListQuery { PerPage = WidgetValidator.MinPerPage }, 1, cancellationToken).ConfigureAwait(false);
            }
            catch (TurnstileApiException ex) when (ex.StatusCode == 403)
            {
                string codes = ex.Errors.Count > 0 ? ": " + string.Join("; ", ex.Errors.Select(e => e.ToString())) : "";
                throw new TurnstileApiException(
                    $"The credential cannot read the Turnstile widgets of account {account} (GET {ex.Path}: 403 Forbidden{codes}). Check the account id, and give the API token the 'Turnstile Sites Read' or 'Turnstile Sites Write' permission for this account.",
                    ex.StatusCode, ex.Errors, ex.Method, ex.Path, ex.RetryAfter);
            }
        }

        /// <summary>Starts a listing that reads one page per <see cref="WidgetListing.NextPageAsync"/>.</summary>
        public WidgetListing ListWidgets(WidgetListQuery query)
        {
            WidgetValidator.ValidateListQuery(query);
            RequireAccountId();
            return new WidgetListing(this, Copy(query));
        }

        /// <summary>Streams every widget, one page per request, yielding each page's widgets as it arrives.</summary>
        public IAsyncEnumerable<Widget> ListWidgetsAsync(WidgetListQuery query, CancellationToken cancellationToken = default)
        {
            // Validated here, not on first MoveNext, so bad input fails at the call.
            WidgetListing listing = ListWidgets(query);
            return Stream(listing, cancellationToken);
        }

        private static async IAsyncEnumerable<Widget> Stream(WidgetListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (true)
            {
                WidgetPage? page = await listing.NextPageAsync(cancellationToken).ConfigureAwait(false);
                if (page == null)
                {
                    yield break;
                }
                foreach (Widget widget in page.Widgets)
                {
                    yield return widget;
                }
            }
        }

        /// <summary>Reads one page of a listing.</summary>
        public async Task<WidgetPage> GetWidgetPageAsync(WidgetListQuery query, int page, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateListQuery(query);
            if (page < 1)
            {
                throw new TurnstileValidationException("page", $"page: {page} is not a page number. Pages start at 1.");
            }
            string path = WidgetsPath() + "?" + ListQueryString(query, page);
            EnvelopeDto<List<WidgetDto>> envelope = await SendAsync(HttpMethod.Get, path, null, TurnstileJsonContext.Default.EnvelopeDtoListWidgetDto, cancellationToken).ConfigureAwait(false);
            List<WidgetDto> items = envelope.Result ?? new List<WidgetDto>();
            var widgets = new Widget[items.Count];
            for (int i = 0; i < widgets.Length; i++)
            {
                widgets[i] = ToWidget(items[i], includeSecret: false);
            }
            ResultInfoDto? info = envelope.ResultInfo;
            return new WidgetPage
            {
                Widgets = widgets,
                Page = info != null && info.Page > 0 ? info.Page : page,
                PerPage = info != null && info.PerPage > 0 ? info.PerPage : query.PerPage,
                Count = info != null ? info.Count : widgets.Length,
                TotalCount = info?.TotalCount,
            };
        }

        /// <summary><c>GET .../widgets/{sitekey}</c>: the full widget, secret included.</summary>
        public Task<Widget> GetWidgetAsync(string sitekey, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateSitekey(sitekey);
            return SendForWidgetAsync(HttpMethod.Get, WidgetPath(sitekey), null, cancellationToken);
        }

        /// <summary><c>POST .../widgets</c>.</summary>
        public Task<Widget> CreateWidgetAsync(WidgetDefinition definition, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateDefinition(definition);
            string path = WidgetsPath();
            return SendForWidgetAsync(HttpMethod.Post, path, Body(definition), cancellationToken);
        }

        /// <summary><c>PUT .../widgets/{sitekey}</c>: replaces the widget's settings.</summary>
        public Task<Widget> UpdateWidgetAsync(string sitekey, WidgetDefinition definition, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateSitekey(sitekey);
            WidgetValidator.ValidateDefinition(definition);
            string path = WidgetPath(sitekey);
            return SendForWidgetAsync(HttpMethod.Put, path, Body(definition), cancellationToken);
        }

        /// <summary>
        /// <c>DELETE .../widgets/{sitekey}</c>: returns the widget as it was. When an attempt failed in a way that may
        /// have deleted the widget (a dropped connection, a timeout, a 5xx) and the retry then finds it gone (404), the
        /// delete counts as done: the result carries only <see cref="Widget.Sitekey"/>, because the answer that described
        /// the widget was lost. A 404 on the first attempt is still a <see cref="TurnstileApiException"/>.
        /// </summary>
        public async Task<Widget> DeleteWidgetAsync(string sitekey, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateSitekey(sitekey);
            string path = WidgetPath(sitekey);
            var info = new RequestInfo(HttpMethod.Delete.Method, "/" + path);
            try
            {
                EnvelopeDto<WidgetDto> envelope = await SendAsync(HttpMethod.Delete, path, null, TurnstileJsonContext.Default.EnvelopeDtoWidgetDto, cancellationToken, info).ConfigureAwait(false);
                return ToWidget(envelope.Result!, includeSecret: true);
            }
            catch (TurnstileApiException ex) when (ex.StatusCode == 404 && info.EarlierAttemptMayHaveTakenEffect)
            {
                return new Widget { Sitekey = sitekey };
            }
        }

        /// <summary>
        /// <c>POST .../widgets/{sitekey}/rotate_secret</c>. Without <paramref name="invalidateImmediately"/>
        /// the old secret keeps working for two hours.
        /// </summary>
        public Task<Widget> RotateSecretAsync(string sitekey, bool invalidateImmediately, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateSitekey(sitekey);
            string path = WidgetPath(sitekey) + "/rotate_secret";
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(new RotateSecretRequestDto { InvalidateImmediately = invalidateImmediately }, TurnstileJsonContext.Default.RotateSecretRequestDto);
            return SendForWidgetAsync(HttpMethod.Post, path, body, cancellationToken);
        }

        /// <summary>Releases the HTTP connections.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                services.Dispose();
            }
        }

        internal static string ListQueryString(WidgetListQuery query, int page)
        {
            var builder = new StringBuilder();
            builder.Append("page=").Append(page.ToString(CultureInfo.InvariantCulture));
            builder.Append("&per_page=").Append(query.PerPage.ToString(CultureInfo.InvariantCulture));
            if (query.Order.HasValue)
            {
                builder.Append("&order=").Append(WireNames.ToWire(query.Order.Value));
            }
            if (query.Direction.HasValue)
            {
                builder.Append("&direction=").Append(WireNames.ToWire(query.Direction.Value));
            }
            if (query.Filter != null)
            {
                builder.Append("&filter=").Append(Uri.EscapeDataString(query.Filter));
            }
            return builder.ToString();
        }

        internal static Widget ToWidget(WidgetDto dto, bool includeSecret)
        {
            Dictionary<string, string>? unrecognized = null;
            void Note(string field, string? value)
            {
                unrecognized ??= new Dictionary<string, string>(StringComparer.Ordinal);
                unrecognized[field] = value ?? "";
            }
            if (!WireNames.TryParseMode(dto.Mode, out WidgetMode mode))
            {
                Note("mode", dto.Mode);
            }
            if (!WireNames.TryParseRegion(dto.Region, out WidgetRegion region))
            {
                if (dto.Region != null)
                {
                    Note("region", dto.Region);
                }
            }
            if (!WireNames.TryParseClearanceLevel(dto.ClearanceLevel, out ClearanceLevel level))
            {
                if (dto.ClearanceLevel != null)
                {
                    Note("clearance_level", dto.ClearanceLevel);
                }
            }
            var widget = new Widget
            {
                Sitekey = dto.Sitekey ?? "",
                Secret = includeSecret ? dto.Secret : null,
                Name = dto.Name ?? "",
                Domains = dto.Domains?.ToArray() ?? Array.Empty<string>(),
                Mode = mode,
                Region = region,
                ClearanceLevel = level,
                BotFightMode = dto.BotFightMode,
                EphemeralId = dto.EphemeralId,
                Offlabel = dto.Offlabel,
                CreatedOn = dto.CreatedOn,
                ModifiedOn = dto.ModifiedOn,
                DeployedVia = dto.DeployedVia,
                LastModifiedVia = dto.LastModifiedVia,
            };
            if (unrecognized != null)
            {
                widget.UnrecognizedValues = unrecognized;
            }
            return widget;
        }

        internal static byte[] Body(WidgetDefinition definition)
        {
            // A value this version does not know travels verbatim (WidgetDefinition.UnrecognizedValues).
            string? Kept(string field) => definition.UnrecognizedValues != null && definition.UnrecognizedValues.TryGetValue(field, out string? raw) ? raw : null;
            var dto = new WidgetRequestDto
            {
                Name = definition.Name,
                // Every caller's domains leave in the form the API accepts, whatever path built the definition.
                Domains = definition.Domains.Select(DomainNames.ToAscii).ToList(),
                Mode = Kept("mode") ?? WireNames.ToWire(definition.Mode),
                Region = Kept("region") ?? (definition.Region.HasValue ? WireNames.ToWire(definition.Region.Value) : null),
                ClearanceLevel = Kept("clearance_level") ?? (definition.ClearanceLevel.HasValue ? WireNames.ToWire(definition.ClearanceLevel.Value) : null),
                BotFightMode = definition.BotFightMode,
                EphemeralId = definition.EphemeralId,
                Offlabel = definition.Offlabel,
            };
            return JsonSerializer.SerializeToUtf8Bytes(dto, TurnstileJsonContext.Default.WidgetRequestDto);
        }

        private static WidgetListQuery Copy(WidgetListQuery query) => new WidgetListQuery
        {
            PerPage = query.PerPage,
            Order = query.Order,
            Direction = query.Direction,
            Filter = query.Filter,
            StartPage = query.StartPage,
        };

        private string RequireAccountId()
        {
            if (accountId == null)
            {
                throw new TurnstileValidationException("account_id", "account_id: no account id given. Give the 32-character hexadecimal account id shown in the Cloudflare dashboard (or set CLOUDFLARE_ACCOUNT_ID).");
            }
            return accountId;
        }

        private string WidgetsPath() => "accounts/" + Uri.EscapeDataString(RequireAccountId()) + "/challenges/widgets";

        private string WidgetPath(string sitekey) => WidgetsPath() + "/" + Uri.EscapeDataString(sitekey);

        private async Task<Widget> SendForWidgetAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
        {
            EnvelopeDto<WidgetDto> envelope = await SendAsync(method, path, body, TurnstileJsonContext.Default.EnvelopeDtoWidgetDto, cancellationToken).ConfigureAwait(false);
            return ToWidget(envelope.Result!, includeSecret: true);
        }

        /// <summary>
        /// Sends one request (the handler retries), streams the body into <typeparamref name="T"/>, and turns every failure
        /// into a <see cref="TurnstileException"/>; caller cancellation stays an <see cref="OperationCanceledException"/>.
        /// </summary>
        private async Task<EnvelopeDto<T>> SendAsync<T>(HttpMethod method, string relativePath, byte[]? body, JsonTypeInfo<EnvelopeDto<T>> typeInfo, CancellationToken cancellationToken, RequestInfo? requestInfo = null)
            where T : class
        {
            if (Volatile.Read(ref disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(TurnstileClient));
            }
            if (method == HttpMethod.Get)
            {
                return await SendOnceAsync(method, relativePath, body, typeInfo, cancellationToken, requestInfo).ConfigureAwait(false);
            }
            Interlocked.Increment(ref writesStarted);
            try
            {
                return await SendOnceAsync(method, relativePath, body, typeInfo, cancellationToken, requestInfo).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Increment(ref writesSettled);
            }
        }

        /// <summary>Writes (PUT, DELETE, POST) this client has begun, counted before each is sent.</summary>
        internal long WritesStarted => Interlocked.Read(ref writesStarted);

        /// <summary>Writes whose call has returned or thrown; never more than <see cref="WritesStarted"/>.</summary>
        internal long WritesSettled => Interlocked.Read(ref writesSettled);

        private async Task<EnvelopeDto<T>> SendOnceAsync<T>(HttpMethod method, string relativePath, byte[]? body, JsonTypeInfo<EnvelopeDto<T>> typeInfo, CancellationToken cancellationToken, RequestInfo? requestInfo)
            where T : class
        {
            RequestInfo info = requestInfo ?? new RequestInfo(method.Method, "/" + relativePath);
            using (var deadline = new OperationDeadline(operationTimeout, cancellationToken))
            {
                info.Deadline = deadline;
                try
                {
                    return await SendWithinDeadlineAsync(method, relativePath, body, typeInfo, deadline.Token, info).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (deadline.Expired)
                {
                    throw OperationTimedOut(info, ex);
                }
                finally
                {
                    info.Deadline = null;
                }
            }
        }

        private TurnstileTransportException OperationTimedOut(RequestInfo info, Exception cause)
        {
            bool mayHaveTakenEffect = !string.Equals(info.Method, "GET", StringComparison.Ordinal);
            string effect = mayHaveTakenEffect ? " The request may have reached the API and taken effect: check the widget's current state before repeating it." : "";
            string attempts = info.Attempts == 1 ? "1 attempt" : info.Attempts.ToString(CultureInfo.InvariantCulture) + " attempts";
            string message = $"{info.Method} {info.Path} timed out: no answer came within {RetryPolicy.FormatDuration(operationTimeout)}, the bound on the whole request (OperationTimeout; {attempts} of at most {RetryPolicy.FormatDuration(requestTimeout)} each, RequestTimeout). Check the network and the base URL, or allow more time (OperationTimeout, RequestTimeout).{effect}";
            return new TurnstileTransportException(message, info.Method, info.Path, true, mayHaveTakenEffect, cause);
        }

        private async Task<EnvelopeDto<T>> SendWithinDeadlineAsync<T>(HttpMethod method, string relativePath, byte[]? body, JsonTypeInfo<EnvelopeDto<T>> typeInfo, CancellationToken cancellationToken, RequestInfo info)
            where T : class
        {
            using (var request = new HttpRequestMessage(method, new Uri(baseUri, relativePath)))
            {
                info.AttachTo(request);
                if (body != null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }
                credential.ApplyTo(request);
                HttpClient http = CurrentHttpClient();
                using (HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        throw await ApiErrors.FromResponseAsync(response, info, accountId, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
                    }
                    EnvelopeDto<T>? envelope = await ReadBodyAsync(response, info, typeInfo, cancellationToken).ConfigureAwait(false);
                    if (envelope == null || !envelope.Success || envelope.Result == null)
                    {
                        IReadOnlyList<ApiMessage> errors = envelope?.Errors?.Select(ApiErrors.ToApiMessage).ToList() ?? (IReadOnlyList<ApiMessage>)Array.Empty<ApiMessage>();
                        string note = envelope == null ? "the body was empty" : envelope.Success ? "the envelope had no result" : "the envelope said success: false";
                        int status = (int)response.StatusCode;
                        string message = ApiErrors.Format(info.Method, info.Path, status, response.ReasonPhrase, errors, note, "The API answered in an unexpected way; try again, and report it if it persists.");
                        throw new TurnstileApiException(message, status, errors, info.Method, info.Path);
                    }
                    return envelope;
                }
            }
        }

        private async Task<EnvelopeDto<T>?> ReadBodyAsync<T>(HttpResponseMessage response, RequestInfo info, JsonTypeInfo<EnvelopeDto<T>> typeInfo, CancellationToken cancellationToken)
            where T : class
        {
            using (var bodyCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (requestTimeout != Timeout.InfiniteTimeSpan)
                {
                    bodyCancellation.CancelAfter(requestTimeout);
                }
                bool mayHaveTakenEffect = !string.Equals(info.Method, "GET", StringComparison.Ordinal);
                string effect = mayHaveTakenEffect ? " The request reached the API and probably took effect: check the widget's current state before repeating it." : "";
                try
                {
                    using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    {
                        return await JsonSerializer.DeserializeAsync(stream, typeInfo, bodyCancellation.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && bodyCancellation.IsCancellationRequested)
                {
                    throw new TurnstileTransportException($"{info.Method} {info.Path} timed out: the answer did not arrive in full within {RetryPolicy.FormatDuration(requestTimeout)}. Check the network, or allow more time per attempt (RequestTimeout).{effect}", info.Method, info.Path, true, mayHaveTakenEffect, ex);
                }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
                {
                    throw new TurnstileTransportException($"Could not read the Cloudflare API's answer to {info.Method} {info.Path}: the connection dropped mid-answer. Check the network and try again.{effect}", info.Method, info.Path, false, mayHaveTakenEffect, ex);
                }
                catch (JsonException ex)
                {
                    int status = (int)response.StatusCode;
                    string mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
                    string message = ApiErrors.Format(info.Method, info.Path, status, response.ReasonPhrase, Array.Empty<ApiMessage>(), $"the body was not the expected JSON ({mediaType}): {ex.Message}", "Check that the base URL points at the Cloudflare API (or the emulator).");
                    throw new TurnstileApiException(message, status, Array.Empty<ApiMessage>(), info.Method, info.Path);
                }
            }
        }

        /// <summary>
        /// One HttpClient per client, renewed from the factory every couple of minutes: CreateClient on every request
        /// re-ran the client's configuration (headers parsed again) and a factory lookup for nothing.
        /// </summary>
        private HttpClient CurrentHttpClient()
        {
            long now = Stopwatch.GetTimestamp();
            HttpClient? current = Volatile.Read(ref httpClient);
            if (current != null && now - Volatile.Read(ref httpClientCreated) < HttpClientLifetimeTicks)
            {
                return current;
            }
            lock (httpClientGate)
            {
                if (httpClient == null || now - httpClientCreated >= HttpClientLifetimeTicks)
                {
                    // The factory owns the handlers; a client it made needs no disposal.
                    Volatile.Write(ref httpClientCreated, now);
                    Volatile.Write(ref httpClient, httpClientFactory.CreateClient(HttpClientName));
                }
                return httpClient!;
            }
        }

        private static string ComputeUserAgent()
        {
            Assembly assembly = typeof(TurnstileClient).Assembly;
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
