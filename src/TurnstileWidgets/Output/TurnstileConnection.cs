using System;

namespace TurnstileWidgets
{
    /// <summary>The current connection to Cloudflare, as <c>Connect-Turnstile -PassThru</c> and <c>Get-TurnstileConnection</c> show it. Holds no secret.</summary>
    public sealed class TurnstileConnection
    {
        /// <summary>The account every widget cmdlet addresses.</summary>
        public string AccountId { get; set; } = "";

        /// <summary><c>ApiToken</c> or <c>ApiKey</c>.</summary>
        public string AuthenticationScheme { get; set; } = "";

        /// <summary>The API's base URI.</summary>
        public Uri? ApiBaseUri { get; set; }

        /// <summary>When the connection was verified.</summary>
        public DateTimeOffset ConnectedOn { get; set; }

        /// <summary>The API token's status when connecting (<c>active</c>); null for an email and Global API key.</summary>
        public string? TokenStatus { get; set; }

        /// <summary><c>AccountId (AuthenticationScheme)</c>.</summary>
        public override string ToString() => AccountId + " (" + AuthenticationScheme + ")";
    }
}
