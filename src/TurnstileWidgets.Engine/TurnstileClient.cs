using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// The client for the Turnstile widgets API. Thread-safe; one instance serves a whole session.
    /// Every call validates its input before sending anything.
    /// </summary>
    public sealed class TurnstileClient : IDisposable
    {
        /// <summary>Creates a client; throws <see cref="TurnstileValidationException"/> for a bad account id or missing credential.</summary>
        public TurnstileClient(TurnstileClientOptions options) => throw new NotImplementedException();

        /// <summary>The account every widget operation addresses.</summary>
        public string AccountId => throw new NotImplementedException();
        /// <summary>The API's base URI.</summary>
        public Uri BaseUri => throw new NotImplementedException();
        /// <summary>The authentication scheme's name (<c>ApiToken</c> or <c>ApiKey</c>).</summary>
        public string AuthenticationScheme => throw new NotImplementedException();
        /// <summary>The User-Agent sent: <c>TurnstileWidgets/&lt;version&gt;</c>.</summary>
        public static string UserAgent => throw new NotImplementedException();

        /// <summary>
        /// Reports every attempt and retry wait made on this async flow to <paramref name="observer"/>
        /// until the returned scope is disposed.
        /// </summary>
        public IDisposable Observe(IRequestObserver observer) => throw new NotImplementedException();

        /// <summary><c>GET /user/tokens/verify</c>. Only for API-token credentials.</summary>
        public Task<TokenVerification> VerifyTokenAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>
        /// Checks that the credential can read the account's widgets, whatever the scheme:
        /// token verification for a token, one smallest-page listing for a key.
        /// </summary>
        public Task VerifyAccessAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>Starts a listing that reads one page per <see cref="WidgetListing.NextPageAsync"/>.</summary>
        public WidgetListing ListWidgets(WidgetListQuery query) => throw new NotImplementedException();

        /// <summary>Streams every widget, one page per request, yielding each page's widgets as it arrives.</summary>
        public IAsyncEnumerable<Widget> ListWidgetsAsync(WidgetListQuery query, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>Reads one page of a listing.</summary>
        public Task<WidgetPage> GetWidgetPageAsync(WidgetListQuery query, int page, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary><c>GET .../widgets/{sitekey}</c>: the full widget, secret included.</summary>
        public Task<Widget> GetWidgetAsync(string sitekey, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary><c>POST .../widgets</c>.</summary>
        public Task<Widget> CreateWidgetAsync(WidgetDefinition definition, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary><c>PUT .../widgets/{sitekey}</c>: replaces the widget's settings.</summary>
        public Task<Widget> UpdateWidgetAsync(string sitekey, WidgetDefinition definition, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary><c>DELETE .../widgets/{sitekey}</c>: returns the widget as it was.</summary>
        public Task<Widget> DeleteWidgetAsync(string sitekey, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>
        /// <c>POST .../widgets/{sitekey}/rotate_secret</c>. Without <paramref name="invalidateImmediately"/>
        /// the old secret keeps working for two hours.
        /// </summary>
        public Task<Widget> RotateSecretAsync(string sitekey, bool invalidateImmediately, CancellationToken cancellationToken = default) => throw new NotImplementedException();

        /// <summary>Releases the HTTP connections.</summary>
        public void Dispose() => throw new NotImplementedException();
    }

    /// <summary>
    /// A listing read one page at a time. Ends on a page shorter than its per_page, and refuses to
    /// loop on a server that repeats a page.
    /// </summary>
    public sealed class WidgetListing
    {
        private WidgetListing()
        {
        }

        /// <summary>Pages read so far.</summary>
        public int PagesRead => throw new NotImplementedException();
        /// <summary>The total the API reported on the latest page, if any.</summary>
        public long? TotalCount => throw new NotImplementedException();
        /// <summary>Reads the next page, or returns null when the listing has ended.</summary>
        public Task<WidgetPage?> NextPageAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
    }

    /// <summary>Client-side validation, the same rules the API applies, so bad input never costs a request.</summary>
    public static class WidgetValidator
    {
        /// <summary>Name 1–254 characters; 1–10 domains, each a hostname or IPv4/IPv6 address without scheme, port, path or wildcard.</summary>
        public static void ValidateDefinition(WidgetDefinition definition) => throw new NotImplementedException();
        /// <summary>1–32 characters of <c>[A-Za-z0-9_-]</c>.</summary>
        public static void ValidateSitekey(string sitekey) => throw new NotImplementedException();
        /// <summary>32 hexadecimal characters.</summary>
        public static void ValidateAccountId(string accountId) => throw new NotImplementedException();
        /// <summary><c>name:value</c> or <c>sitekey:value</c>; the value may be empty.</summary>
        public static void ValidateFilter(string filter) => throw new NotImplementedException();
        /// <summary>One domain, as in <see cref="ValidateDefinition"/>.</summary>
        public static void ValidateDomain(string domain) => throw new NotImplementedException();
    }

    /// <summary>The API's wire names for the enums, both ways.</summary>
    public static class WireNames
    {
        /// <summary>e.g. <c>non-interactive</c>.</summary>
        public static string ToWire(WidgetMode value) => throw new NotImplementedException();
        /// <summary>e.g. <c>china</c>.</summary>
        public static string ToWire(WidgetRegion value) => throw new NotImplementedException();
        /// <summary>e.g. <c>no_clearance</c>.</summary>
        public static string ToWire(ClearanceLevel value) => throw new NotImplementedException();
        /// <summary>e.g. <c>created_on</c>.</summary>
        public static string ToWire(WidgetOrder value) => throw new NotImplementedException();
        /// <summary>Parses a wire name (case-insensitive); throws <see cref="TurnstileValidationException"/> naming the allowed values.</summary>
        public static WidgetMode ParseMode(string value) => throw new NotImplementedException();
        /// <summary>Parses a wire name (case-insensitive).</summary>
        public static WidgetRegion ParseRegion(string value) => throw new NotImplementedException();
        /// <summary>Parses a wire name (case-insensitive).</summary>
        public static ClearanceLevel ParseClearanceLevel(string value) => throw new NotImplementedException();
    }
}
