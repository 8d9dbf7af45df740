using System;
using System.Security;
using TurnstileWidgets.Session;

namespace TurnstileWidgets
{
    /// <summary>
    /// A Turnstile widget as the cmdlets emit it. Mode, region and clearance level use the API's wire values.
    /// The secret is a read-only <see cref="SecureString"/>; <see cref="PlainTextSecret"/> is filled only on request.
    /// </summary>
    public sealed class TurnstileWidget
    {
        /// <summary>The widget's identifier, used in the page's HTML.</summary>
        public string Sitekey { get; set; } = "";

        /// <summary>The widget's name; not unique.</summary>
        public string Name { get; set; } = "";

        /// <summary>Hostnames or IP addresses the widget works on; its text form (and so its Export-Csv cell) is ';'-joined.</summary>
        public DomainList Domains { get; set; } = new DomainList();

        /// <summary><c>managed</c>, <c>non-interactive</c> or <c>invisible</c>.</summary>
        public string Mode { get; set; } = "";

        /// <summary><c>world</c> or <c>china</c>; fixed when the widget is created.</summary>
        public string Region { get; set; } = "";

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        public string ClearanceLevel { get; set; } = "";

        /// <summary>Whether bot fight mode is on.</summary>
        public bool BotFightMode { get; set; }

        /// <summary>Whether ephemeral ids are on.</summary>
        public bool EphemeralId { get; set; }

        /// <summary>Whether the Cloudflare branding is hidden (an Enterprise feature).</summary>
        public bool Offlabel { get; set; }

        /// <summary>When the widget was created.</summary>
        public DateTimeOffset CreatedOn { get; set; }

        /// <summary>When the widget was last changed.</summary>
        public DateTimeOffset ModifiedOn { get; set; }

        /// <summary>The secret for server-side verification; null when the API gave none (widgets from a listing).</summary>
        public SecureString? Secret { get; set; }

        /// <summary>The secret as plain text; null unless the cmdlet was given <c>-AsPlainText</c>.</summary>
        public string? PlainTextSecret { get; set; }

        /// <summary>After a secret rotation: when the previous secret stops working. Null otherwise.</summary>
        public DateTimeOffset? PreviousSecretExpiresOn { get; set; }

        /// <summary>The account the widget belongs to.</summary>
        public string AccountId { get; set; } = "";

        /// <summary>How the widget was created, as Cloudflare records it (<c>dashboard</c>, <c>api</c>, <c>wrangler</c>, ...); null when the API did not say.</summary>
        public string? DeployedVia { get; set; }

        /// <summary>How the widget was last changed (<c>dashboard</c>, <c>api</c>, <c>wrangler</c>, ...): a change outside Git shows here. Null when the API did not say.</summary>
        public string? LastModifiedVia { get; set; }

        /// <summary>The widget as this session read it, for an update without another read; null for objects built by hand.</summary>
        internal WidgetReading? Reading { get; set; }

        /// <summary><c>Name (Sitekey)</c>, control characters made visible; never the secret.</summary>
        public override string ToString() => DisplayText.Visible(Name) + " (" + DisplayText.Visible(Sitekey) + ")";
    }
}
