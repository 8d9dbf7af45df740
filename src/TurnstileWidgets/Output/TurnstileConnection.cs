using System;

namespace TurnstileWidgets
{
    /// <summary>A connection to Cloudflare, as <c>Connect-Turnstile -PassThru</c> and <c>Get-TurnstileConnection</c> show it. Holds no secret.</summary>
    public sealed class TurnstileConnection
    {
        /// <summary>The name Connect-Turnstile kept the connection under (<c>default</c> when it was given none); what -Connection takes.</summary>
        public string Name { get; set; } = "";

        /// <summary>Whether this is the default connection: the most recent, used by every cmdlet given no -Connection.</summary>
        public bool IsDefault { get; set; }

        /// <summary>The account every widget cmdlet addresses.</summary>
        public string AccountId { get; set; } = "";

        /// <summary><c>ApiToken</c> or <c>ApiKey</c>.</summary>
        public string AuthenticationScheme { get; set; } = "";

        /// <summary>The API's base URI.</summary>
        public Uri? ApiBaseUri { get; set; }

        /// <summary>Where Test-TurnstileWidgetSecret sends siteverify requests (Cloudflare's unless Connect-Turnstile -SiteverifyUri said otherwise).</summary>
        public Uri? SiteverifyUri { get; set; }

        /// <summary>When the connection was verified.</summary>
        public DateTimeOffset ConnectedOn { get; set; }

        /// <summary>The API token's status when connecting (<c>active</c>); null for an email and Global API key.</summary>
        public string? TokenStatus { get; set; }

        /// <summary>How long one attempt of a request may take (<c>Connect-Turnstile -RequestTimeout</c>).</summary>
        public TimeSpan RequestTimeout { get; set; }

        /// <summary>How long one request may take with all its attempts (<c>Connect-Turnstile -OperationTimeout</c>).</summary>
        public TimeSpan OperationTimeout { get; set; }

        /// <summary><c>Name: AccountId (AuthenticationScheme)</c>.</summary>
        public override string ToString() => (Name.Length == 0 ? "" : Name + ": ") + AccountId + " (" + AuthenticationScheme + ")";
    }
}
