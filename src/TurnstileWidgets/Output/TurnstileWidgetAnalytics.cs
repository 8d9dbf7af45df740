using System;
using System.Collections.Generic;

namespace TurnstileWidgets
{
    /// <summary>
    /// One widget's Turnstile events over a range (and, with <c>-GroupBy</c>, in one group), as <c>Get-TurnstileAnalytics</c>
    /// emits it. A widget without events has a row of zeros. Binds to the widget cmdlets' <c>-Sitekey</c> by property name.
    /// </summary>
    public sealed class TurnstileWidgetAnalytics
    {
        /// <summary>The widget's sitekey.</summary>
        public string Sitekey { get; set; } = "";

        /// <summary>The widget's name; empty when the account has no widget with this sitekey (any more).</summary>
        public string Name { get; set; } = "";

        /// <summary>What the rows are split by (<c>Day</c>, <c>Hour</c>, <c>Action</c>, <c>Hostname</c>, <c>Country</c>); null without -GroupBy.</summary>
        public string? GroupBy { get; set; }

        /// <summary>The group's value as Cloudflare sent it (a date, an RFC 3339 hour, an action, a hostname, a country code); null without -GroupBy or for a widget without events.</summary>
        public string? Group { get; set; }

        /// <summary>Challenges issued (<c>challenge_issued</c>).</summary>
        public long Issued { get; set; }

        /// <summary>Challenges solved, interactive plus non-interactive.</summary>
        public long Solved { get; set; }

        /// <summary>Tokens siteverify accepted.</summary>
        public long SiteverifySucceeded { get; set; }

        /// <summary>Tokens siteverify refused (double redemption, invalid, other) and rate-limited siteverify calls.</summary>
        public long SiteverifyFailed { get; set; }

        /// <summary>Solved per issued challenge, 0 to 1 (0 when none was issued); Cloudflare's sampling can make it exceed 1 slightly.</summary>
        public double SolveRate { get; set; }

        /// <summary>The counts by raw event type (e.g. <c>challenge_issued</c>), including types this version does not know.</summary>
        public IDictionary<string, long> EventCounts { get; set; } = new EventCountTable();

        /// <summary>The range's start (inclusive).</summary>
        public DateTimeOffset Since { get; set; }

        /// <summary>The range's end (exclusive).</summary>
        public DateTimeOffset Until { get; set; }

        /// <summary>The account the widget belongs to.</summary>
        public string AccountId { get; set; } = "";

        /// <summary><c>Name (Sitekey): Issued issued</c>.</summary>
        public override string ToString() => Name + " (" + Sitekey + ")" + (Group == null ? "" : " [" + Group + "]") + ": " + Issued + " issued";
    }

    /// <summary>What <c>Test-TurnstileWidgetSecret</c> found: whether siteverify accepted the widget's secret. Never holds the secret.</summary>
    public sealed class TurnstileSecretCheck
    {
        /// <summary>The widget's sitekey.</summary>
        public string Sitekey { get; set; } = "";

        /// <summary>The widget's name, when it was piped in; empty otherwise.</summary>
        public string Name { get; set; } = "";

        /// <summary>True: siteverify knows the secret; false: it refused it (<c>invalid-input-secret</c>); null: its answer said neither (see ErrorCodes).</summary>
        public bool? Accepted { get; set; }

        /// <summary>siteverify's error codes, verbatim (<c>invalid-input-response</c> for an accepted secret).</summary>
        public ErrorCodeList ErrorCodes { get; set; } = new ErrorCodeList();

        /// <summary><c>Sitekey: Accepted</c>.</summary>
        public override string ToString() => Sitekey + ": " + (Accepted.HasValue ? (Accepted.Value ? "accepted" : "refused") : "undetermined");
    }
}
