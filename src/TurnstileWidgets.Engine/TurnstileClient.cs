using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Internal;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// The client for the Turnstile widgets API. Thread-safe; one instance serves a whole session.
    /// Every call validates its input before sending anything.
    /// </summary>
    public sealed class TurnstileClient : IDisposable
    {
        private readonly string? accountId;
        private readonly ApiTransport transport;
        // Built on first use (an account id is required only by widget operations).
        private string? widgetsPath;
        // The write journal (see WidgetListing): every write is counted as started before it is sent and as settled once
        // its call returns, however it ended (SendForWidgetAsync and DeleteWidgetAsync keep it). A listing compares the two to learn how many writes may have moved widgets
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
            if (options.Credential == null)
            {
                throw ApiTransport.NoCredential();
            }
            if (options.AccountId != null)
            {
                WidgetValidator.ValidateAccountId(options.AccountId);
                accountId = options.AccountId;
            }
            transport = new ApiTransport(options, accountId);
        }

        /// <summary>The account every widget operation addresses; empty when none was given.</summary>
        public string AccountId => accountId ?? "";
        /// <summary>The API's base URI.</summary>
        public Uri BaseUri => transport.BaseUri;
        /// <summary>How long one attempt may take.</summary>
        public TimeSpan RequestTimeout => transport.RequestTimeout;
        /// <summary>How long one request may take with all its attempts (rate-limit waits aside).</summary>
        public TimeSpan OperationTimeout => transport.OperationTimeout;
        /// <summary>The authentication scheme's name (<c>ApiToken</c> or <c>ApiKey</c>).</summary>
        public string AuthenticationScheme => transport.Credential.Scheme;
        /// <summary>
        /// What this process knows of the credential's rate-limit budget (shared with every client of the same credential),
        /// for progress between waits; null when pacing is off or no answer has carried the budget yet.
        /// </summary>
        public RateLimitStatus? GetRateLimitStatus() => transport.Pacer?.Status(transport.PacingClock());

        /// <summary>The User-Agent sent: <c>TurnstileWidgets/&lt;version&gt;</c>.</summary>
        public static string UserAgent => ApiTransport.UserAgent;

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
            if (!(transport.Credential is ApiTokenCredential))
            {
                throw new TurnstileValidationException("credential", "credential: token verification needs an API token, but this client uses an email and Global API key. Use VerifyAccessAsync, which checks either kind.");
            }
            var info = new RequestInfo("GET", "/user/tokens/verify", TurnstileOperation.VerifyToken);
            EnvelopeDto<TokenVerificationDto> envelope = await transport.SendAsync(info, "user/tokens/verify", null, TurnstileJsonContext.Default.EnvelopeDtoTokenVerificationDto, cancellationToken).ConfigureAwait(false);
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
            if (transport.Credential is ApiTokenCredential)
            {
                TokenVerification verification = await VerifyTokenAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(verification.Status, "active", StringComparison.OrdinalIgnoreCase))
                {
                    string path = "/user/tokens/verify";
                    throw new TurnstileApiException(
                        $"The API token is {(verification.Status.Length == 0 ? "not active" : verification.Status)} (GET {path}). Create or re-enable a token in the Cloudflare dashboard (My Profile > API Tokens) and connect again.",
                        TurnstileApiErrorKind.Authentication, TurnstileOperation.VerifyToken, 401, Array.Empty<ApiMessage>(), "GET", path);
                }
            }
            try
            {
                await ReadPageAsync(new WidgetListQuery { PerPage = WidgetValidator.MinPerPage }, 1, cancellationToken).ConfigureAwait(false);
            }
            catch (TurnstileApiException ex) when (ex.Kind == TurnstileApiErrorKind.PermissionDenied)
            {
                string codes = ex.Errors.Count > 0 ? ": " + string.Join("; ", ex.Errors.Select(e => e.ToString())) : "";
                throw new TurnstileApiException(
                    $"The credential cannot read the Turnstile widgets of account {account} (GET {ex.Path}: 403 Forbidden{codes}). Check the account id, and give the API token the '{CloudflarePermissions.Read}' or '{CloudflarePermissions.Write}' permission for this account.",
                    ex.Kind, ex.Operation, ex.StatusCode, ex.Errors, ex.Method, ex.Path, ex.RetryAfter);
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
        public Task<WidgetPage> GetWidgetPageAsync(WidgetListQuery query, int page, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateListQuery(query);
            if (page < 1)
            {
                throw new TurnstileValidationException("page", $"page: {page} is not a page number. Pages start at 1.");
            }
            return ReadPageAsync(query, page, cancellationToken);
        }

        /// <summary>Reads one page of a query already validated (once per listing, not once per page).</summary>
        internal async Task<WidgetPage> ReadPageAsync(WidgetListQuery query, int page, CancellationToken cancellationToken)
        {
            string path = WidgetsPath() + "?" + ListQueryString(query, page);
            var request = new RequestInfo("GET", "/" + path, TurnstileOperation.ListWidgets);
            EnvelopeDto<List<Widget>> envelope = await transport.SendAsync(request, path, null, TurnstileJsonContext.Default.EnvelopeDtoListWidget, cancellationToken).ConfigureAwait(false);
            Widget[] widgets = ListedWidgets(envelope.Result, request);
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
            return SendForWidgetAsync(TurnstileOperation.GetWidget, "GET", WidgetPath(sitekey), null, cancellationToken);
        }

        /// <summary><c>POST .../widgets</c>.</summary>
        public Task<Widget> CreateWidgetAsync(WidgetDefinition definition, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateDefinition(definition);
            string path = WidgetsPath();
            return SendForWidgetAsync(TurnstileOperation.CreateWidget, "POST", path, Body(definition), cancellationToken);
        }

        /// <summary><c>PUT .../widgets/{sitekey}</c>: replaces the widget's settings.</summary>
        public Task<Widget> UpdateWidgetAsync(string sitekey, WidgetDefinition definition, CancellationToken cancellationToken = default)
        {
            WidgetValidator.ValidateSitekey(sitekey);
            WidgetValidator.ValidateDefinition(definition);
            string path = WidgetPath(sitekey);
            return SendForWidgetAsync(TurnstileOperation.UpdateWidget, "PUT", path, Body(definition), cancellationToken);
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
            var info = new RequestInfo("DELETE", "/" + path, TurnstileOperation.DeleteWidget) { AddressesOneResource = true };
            Interlocked.Increment(ref writesStarted);
            try
            {
                EnvelopeDto<Widget> envelope = await transport.SendAsync(info, path, null, TurnstileJsonContext.Default.EnvelopeDtoWidget, cancellationToken).ConfigureAwait(false);
                return envelope.Result!;
            }
            catch (TurnstileApiException ex) when (ex.Kind == TurnstileApiErrorKind.NotFound && info.EarlierAttemptMayHaveTakenEffect)
            {
                return new Widget { Sitekey = sitekey };
            }
            finally
            {
                Interlocked.Increment(ref writesSettled);
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
            return SendForWidgetAsync(TurnstileOperation.RotateSecret, "POST", path, body, cancellationToken);
        }

        /// <summary>Releases the HTTP connections.</summary>
        public void Dispose()
        {
            transport.Dispose();
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

        /// <summary>The page's widgets; without secrets, which the API leaves out of list items anyway.</summary>
        [MethodImpl(HotPath.Optimized)]
        private static Widget[] ListedWidgets(List<Widget>? items, RequestInfo request)
        {
            if (items == null || items.Count == 0)
            {
                return Array.Empty<Widget>();
            }
            var widgets = new Widget[items.Count];
            for (int i = 0; i < widgets.Length; i++)
            {
                // A null in the list is no widget: said as an unreadable answer, not a NullReferenceException later.
                Widget widget = items[i] ?? throw NullListItem(request, i);
                widget.Secret = null;
                widgets[i] = widget;
            }
            return widgets;
        }

        private static TurnstileApiException NullListItem(RequestInfo request, int index)
        {
            string note = $"item {(index + 1).ToString(CultureInfo.InvariantCulture)} of the page's result was null, not a widget";
            string message = ApiErrors.Format(request.Method, request.Path, 200, null, Array.Empty<ApiMessage>(), note, "The API answered in an unexpected way; try again, and report it if it persists.");
            return new TurnstileApiException(message, TurnstileApiErrorKind.UnexpectedAnswer, request.Operation, 200, Array.Empty<ApiMessage>(), request.Method, request.Path);
        }

        internal static byte[] Body(WidgetDefinition definition)
        {
            var dto = new WidgetRequestDto
            {
                Name = definition.Name,
                // Every caller's domains leave in the form the API accepts, whatever path built the definition.
                Domains = AsciiDomains(definition.Domains),
                // A value this version does not know travels verbatim (WidgetDefinition.UnrecognizedValues).
                Mode = WidgetMerge.WireValue(definition, "mode")!,
                Region = WidgetMerge.WireValue(definition, "region"),
                ClearanceLevel = WidgetMerge.WireValue(definition, "clearance_level"),
                BotFightMode = definition.BotFightMode,
                EphemeralId = definition.EphemeralId,
                Offlabel = definition.Offlabel,
            };
            return JsonSerializer.SerializeToUtf8Bytes(dto, TurnstileJsonContext.Default.WidgetRequestDto);
        }

        private static List<string> AsciiDomains(IList<string> domains)
        {
            var ascii = new List<string>(domains.Count);
            foreach (string domain in domains)
            {
                ascii.Add(DomainNames.ToAscii(domain));
            }
            return ascii;
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

        private string WidgetsPath() => widgetsPath ?? (widgetsPath = "accounts/" + Uri.EscapeDataString(RequireAccountId()) + "/challenges/widgets");

        private string WidgetPath(string sitekey) => WidgetsPath() + "/" + Uri.EscapeDataString(sitekey);

        private async Task<Widget> SendForWidgetAsync(TurnstileOperation operation, string method, string path, byte[]? body, CancellationToken cancellationToken)
        {
            var info = new RequestInfo(method, "/" + path, operation) { AddressesOneResource = operation != TurnstileOperation.CreateWidget };
            // Journalled in this frame, not in a helper of its own: one async frame less per request of a bulk change.
            bool write = method != "GET";
            if (write)
            {
                Interlocked.Increment(ref writesStarted);
            }
            try
            {
                EnvelopeDto<Widget> envelope = await transport.SendAsync(info, path, body, TurnstileJsonContext.Default.EnvelopeDtoWidget, cancellationToken).ConfigureAwait(false);
                return envelope.Result!;
            }
            finally
            {
                if (write)
                {
                    Interlocked.Increment(ref writesSettled);
                }
            }
        }

        /// <summary>
        /// The seam the analytics and siteverify clients (<see cref="Analytics.TurnstileAnalyticsClient"/>,
        /// <see cref="Siteverify.SiteverifyClient"/>) send through: this client's HttpClient and retry handler, without the REST
        /// rate-limit pacer (those endpoints have budgets of their own), and with the credential only when asked. The one place
        /// they touch this class, so they can move onto another transport by changing this method alone. <paramref name="path"/>
        /// is what -Verbose shows (no query string, never a secret).
        /// </summary>
        internal Task<HttpResponseMessage> SendOutsideRestBudgetAsync(HttpRequestMessage request, string path, bool authenticate, CancellationToken cancellationToken, TurnstileOperation operation = TurnstileOperation.Unknown) =>
            transport.SendOutsideRestBudgetAsync(request, path, authenticate, cancellationToken, operation);

        /// <summary>The retry options: waits of the other clients on this seam go through its <see cref="RetryOptions.Delay"/>.</summary>
        internal RetryOptions RetryOptions => transport.RetryOptions;

        /// <summary>The clock pacing uses (the emulator's in tests).</summary>
        internal Func<DateTimeOffset> PacingClock => transport.PacingClock;

        /// <summary>Names the credential's budget at <paramref name="api"/> (a fingerprint, never the secret).</summary>
        internal string BudgetFingerprint(Uri api) => transport.Credential.BudgetFingerprint(api);

        /// <summary>Writes (PUT, DELETE, POST) this client has begun, counted before each is sent.</summary>
        internal long WritesStarted => Interlocked.Read(ref writesStarted);

        /// <summary>Writes whose call has returned or thrown; never more than <see cref="WritesStarted"/>.</summary>
        internal long WritesSettled => Interlocked.Read(ref writesSettled);
    }
}
