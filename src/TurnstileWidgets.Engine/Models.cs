using System;
using System.Collections.Generic;

namespace TurnstileWidgets.Engine
{
    /// <summary>How a widget challenges visitors. Wire values: <c>managed</c>, <c>non-interactive</c>, <c>invisible</c>.</summary>
    public enum WidgetMode
    {
        /// <summary><c>managed</c>: Cloudflare decides whether to show a checkbox.</summary>
        Managed,
        /// <summary><c>non-interactive</c>: a visible widget that never asks for a click.</summary>
        NonInteractive,
        /// <summary><c>invisible</c>: no visible widget.</summary>
        Invisible,
    }

    /// <summary>Where a widget may be used. Wire values: <c>world</c>, <c>china</c>. Fixed at creation.</summary>
    public enum WidgetRegion
    {
        /// <summary><c>world</c>.</summary>
        World,
        /// <summary><c>china</c>.</summary>
        China,
    }

    /// <summary>Challenge clearance granted on Cloudflare sites. Wire values: <c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c>, <c>interactive</c>.</summary>
    public enum ClearanceLevel
    {
        /// <summary><c>no_clearance</c>.</summary>
        NoClearance,
        /// <summary><c>jschallenge</c>.</summary>
        JsChallenge,
        /// <summary><c>managed</c>.</summary>
        Managed,
        /// <summary><c>interactive</c>.</summary>
        Interactive,
    }

    /// <summary>The field a listing is ordered by. Wire values: <c>id</c>, <c>sitekey</c>, <c>name</c>, <c>created_on</c>, <c>modified_on</c>.</summary>
    public enum WidgetOrder
    {
        /// <summary><c>id</c>.</summary>
        Id,
        /// <summary><c>sitekey</c>.</summary>
        Sitekey,
        /// <summary><c>name</c>.</summary>
        Name,
        /// <summary><c>created_on</c>.</summary>
        CreatedOn,
        /// <summary><c>modified_on</c>.</summary>
        ModifiedOn,
    }

    /// <summary>The direction of a listing's order. Wire values: <c>asc</c>, <c>desc</c>.</summary>
    public enum OrderDirection
    {
        /// <summary><c>asc</c>.</summary>
        Ascending,
        /// <summary><c>desc</c>.</summary>
        Descending,
    }

    /// <summary>
    /// A widget as the API returns it. <see cref="Secret"/> is null for widgets that came from a
    /// listing, since the API leaves the secret out of list items.
    /// </summary>
    public sealed class Widget
    {
        /// <summary>The widget's identifier (<c>sitekey</c>).</summary>
        public string Sitekey { get; set; } = "";
        /// <summary>The secret used to verify tokens (<c>secret</c>); null in listings.</summary>
        public string? Secret { get; set; }
        /// <summary>Human-readable name (<c>name</c>), not unique.</summary>
        public string Name { get; set; } = "";
        /// <summary>Hostnames or IP addresses the widget works on (<c>domains</c>).</summary>
        public IReadOnlyList<string> Domains { get; set; } = Array.Empty<string>();
        /// <summary><c>mode</c>.</summary>
        public WidgetMode Mode { get; set; }
        /// <summary><c>region</c>.</summary>
        public WidgetRegion Region { get; set; }
        /// <summary><c>clearance_level</c>.</summary>
        public ClearanceLevel ClearanceLevel { get; set; }
        /// <summary><c>bot_fight_mode</c>.</summary>
        public bool BotFightMode { get; set; }
        /// <summary><c>ephemeral_id</c>.</summary>
        public bool EphemeralId { get; set; }
        /// <summary><c>offlabel</c>.</summary>
        public bool Offlabel { get; set; }
        /// <summary><c>created_on</c>.</summary>
        public DateTimeOffset CreatedOn { get; set; }
        /// <summary><c>modified_on</c>.</summary>
        public DateTimeOffset ModifiedOn { get; set; }
        /// <summary><c>deployed_via</c>, when the API sends it.</summary>
        public string? DeployedVia { get; set; }
        /// <summary><c>last_modified_via</c>, when the API sends it.</summary>
        public string? LastModifiedVia { get; set; }

        /// <summary>
        /// Values the API sent that this version does not know, by wire field name (e.g. <c>mode</c> → <c>adaptive</c>).
        /// A listing never fails over a new enum value; the enum property then holds a fallback
        /// (<see cref="WidgetMode.Managed"/>, <see cref="WidgetRegion.World"/>, <see cref="ClearanceLevel.NoClearance"/>)
        /// and the real value is kept here. Empty for ordinary widgets. Read values through <see cref="WidgetMerge.WireValue(Widget, string)"/>,
        /// and build updates with <see cref="WidgetMerge.Merge"/>, which carries these values over verbatim.
        /// </summary>
        public IReadOnlyDictionary<string, string> UnrecognizedValues { get; set; } = EmptyValues;

        private static readonly IReadOnlyDictionary<string, string> EmptyValues = new Dictionary<string, string>();

        /// <summary>Names the widget without its secret, so logging a widget never leaks one.</summary>
        public override string ToString() => $"{Name} ({Sitekey})";
    }

    /// <summary>
    /// The body of a create (POST) or update (PUT). Name, domains and mode are required by the API;
    /// a null optional field is left out of the request.
    /// </summary>
    public sealed class WidgetDefinition
    {
        /// <summary><c>name</c>: 1 to 254 characters.</summary>
        public string Name { get; set; } = "";
        /// <summary><c>domains</c>: hostnames or IP addresses; at least one, at most what the account's plan allows.</summary>
        public IList<string> Domains { get; set; } = new List<string>();
        /// <summary><c>mode</c>.</summary>
        public WidgetMode Mode { get; set; }
        /// <summary><c>region</c>; the API defaults to world.</summary>
        public WidgetRegion? Region { get; set; }
        /// <summary><c>clearance_level</c>.</summary>
        public ClearanceLevel? ClearanceLevel { get; set; }
        /// <summary><c>bot_fight_mode</c>.</summary>
        public bool? BotFightMode { get; set; }
        /// <summary><c>ephemeral_id</c>.</summary>
        public bool? EphemeralId { get; set; }
        /// <summary><c>offlabel</c>.</summary>
        public bool? Offlabel { get; set; }

        /// <summary>
        /// Wire values this version does not know, by wire field name (<c>mode</c>, <c>region</c>, <c>clearance_level</c>),
        /// sent verbatim instead of the enum property: a value the API added later that an update carries over unchanged,
        /// or that a desired-state entry names. Empty for ordinary definitions.
        /// </summary>
        public IDictionary<string, string> UnrecognizedValues { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Wire fields (<c>name</c>, <c>domains</c>) an update carries over from the widget as the API holds it: sent as
        /// they are and not judged again by this version, because the API accepted them (a name stored before control
        /// characters were refused must not stop a change of mode). A changed domain list is carried too: its new domains
        /// were checked on their own, and the ones the widget holds are the API's to judge. Empty for ordinary definitions.
        /// </summary>
        public ISet<string> CarriedOver { get; set; } = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>What a listing asks for: order, direction and filter, passed through to the API.</summary>
    public sealed class WidgetListQuery
    {
        /// <summary>Widgets per request, 5 to 1000; the default, 1000, spends the fewest requests.</summary>
        public int PerPage { get; set; } = 1000;
        /// <summary><c>order</c>; null leaves the API's default.</summary>
        public WidgetOrder? Order { get; set; }
        /// <summary><c>direction</c>; null leaves the API's default.</summary>
        public OrderDirection? Direction { get; set; }
        /// <summary><c>filter</c> as <c>field:value</c> (<c>name:</c> or <c>sitekey:</c>); null for all.</summary>
        public string? Filter { get; set; }
        /// <summary>The first page to ask for (1-based).</summary>
        public int StartPage { get; set; } = 1;
    }

    /// <summary>One page of a listing, with the API's <c>result_info</c>.</summary>
    public sealed class WidgetPage
    {
        /// <summary>The widgets on this page, without secrets.</summary>
        public IReadOnlyList<Widget> Widgets { get; set; } = Array.Empty<Widget>();
        /// <summary><c>result_info.page</c>.</summary>
        public int Page { get; set; }
        /// <summary><c>result_info.per_page</c>.</summary>
        public int PerPage { get; set; }
        /// <summary><c>result_info.count</c>.</summary>
        public int Count { get; set; }
        /// <summary><c>result_info.total_count</c>, when the API sends it.</summary>
        public long? TotalCount { get; set; }
    }

    /// <summary>The result of <c>GET /user/tokens/verify</c>.</summary>
    public sealed class TokenVerification
    {
        /// <summary>The token's identifier.</summary>
        public string Id { get; set; } = "";
        /// <summary><c>active</c>, <c>disabled</c> or <c>expired</c>.</summary>
        public string Status { get; set; } = "";
        /// <summary>When the token stops working, if it expires.</summary>
        public DateTimeOffset? ExpiresOn { get; set; }
        /// <summary>When the token starts working, if it has such a time.</summary>
        public DateTimeOffset? NotBefore { get; set; }
    }

    /// <summary>One entry of an envelope's <c>errors</c> or <c>messages</c>.</summary>
    public sealed class ApiMessage
    {
        /// <summary><c>code</c>.</summary>
        public int Code { get; set; }
        /// <summary><c>message</c>.</summary>
        public string Message { get; set; } = "";
        /// <summary><c>documentation_url</c>, when sent.</summary>
        public string? DocumentationUrl { get; set; }
        /// <summary><c>source.pointer</c>, when sent.</summary>
        public string? SourcePointer { get; set; }

        /// <summary>Formats as Cloudflare shows it: <c>[code] message</c>.</summary>
        public override string ToString() => $"[{Code}] {Message}";
    }
}
