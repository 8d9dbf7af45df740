using System;

namespace TurnstileWidgets.Emulator
{
    /// <summary>How an <see cref="EmulatorServer"/> starts: where it listens, which fake credentials it accepts, which faults it injects.</summary>
    /// <remarks>The credential defaults are fixed, documented development values for offline use; they open nothing real.</remarks>
    public sealed class EmulatorOptions
    {
        /// <summary>The default development API token the emulator accepts.</summary>
        public const string DefaultApiToken = "emulator-api-token";
        /// <summary>The default account identifier the emulator serves.</summary>
        public const string DefaultAccountId = "0123456789abcdef0123456789abcdef";
        /// <summary>The default email for the legacy X-Auth-Email/X-Auth-Key scheme.</summary>
        public const string DefaultEmail = "emulator@example.com";
        /// <summary>The default key for the legacy X-Auth-Email/X-Auth-Key scheme.</summary>
        public const string DefaultApiKey = "emulator-api-key";
        /// <summary>The default most domains per widget: the OpenAPI spec's 10 (its turnstile_domains schema); Cloudflare's docs say 15 on Free, up to 200 on Enterprise.</summary>
        public const int DefaultMaxDomains = 10;
        /// <summary>The largest <see cref="MaxDomains"/> accepted; above Cloudflare's largest plan, so every plan can be rehearsed.</summary>
        public const int MaxDomainsLimit = 1000;

        /// <summary>TCP port on 127.0.0.1; 0 picks any free port.</summary>
        public int Port { get; set; } = 0;
        /// <summary>The Bearer token the emulator accepts.</summary>
        public string ApiToken { get; set; } = DefaultApiToken;
        /// <summary>The account (32 hexadecimal characters) the emulator serves; with <see cref="AccountIds"/>, ignored.</summary>
        public string AccountId { get; set; } = DefaultAccountId;
        /// <summary>
        /// Several accounts to serve (each with its own widgets; the token and key act on each); the first is the default
        /// the control endpoints act on. Null or empty: <see cref="AccountId"/> alone.
        /// </summary>
        public System.Collections.Generic.IList<string>? AccountIds { get; set; }
        /// <summary>The X-Auth-Email value the emulator accepts (compared case-insensitively).</summary>
        public string Email { get; set; } = DefaultEmail;
        /// <summary>The X-Auth-Key value the emulator accepts.</summary>
        public string ApiKey { get; set; } = DefaultApiKey;
        /// <summary>
        /// The most domains a widget may have, as the account's plan sets it (1 to <see cref="MaxDomainsLimit"/>); a create or
        /// update with more is refused (400, code 10001) with a message naming the limit.
        /// </summary>
        public int MaxDomains { get; set; } = DefaultMaxDomains;
        /// <summary>A JSON file that keeps widgets, secrets and grace periods across restarts; null keeps state in memory only.</summary>
        public string? DataFile { get; set; }
        /// <summary>A fixed-window rate limit such as "1200/300" (at most 1200 requests per 300 seconds, per credential); null or "off" for none.</summary>
        public string? RateLimit { get; set; }
        /// <summary>
        /// Seconds a credential stays blocked (every request 429, code 971) once a request was refused for the rate limit;
        /// null for no block. Cloudflare blocks for 300.
        /// </summary>
        public int? RateLimitBlockSeconds { get; set; }
        /// <summary>Milliseconds added before every API request is answered.</summary>
        public int LatencyMs { get; set; }
        /// <summary>Share (0 to 1) of API requests answered with 500, 502 or 503.</summary>
        public double ErrorRate { get; set; }
        /// <summary>Share (0 to 1) of API requests whose connection is dropped without an answer.</summary>
        public double DropRate { get; set; }
        /// <summary>Seed for the random faults; null seeds from the system.</summary>
        public int? Seed { get; set; }
        /// <summary>
        /// The GraphQL Analytics budget per credential, a fixed window apart from <see cref="RateLimit"/>, such as "300/300"
        /// (Cloudflare's default: 300 queries per 5 minutes); null or "off" for none.
        /// </summary>
        public string? GraphqlRateLimit { get; set; } = "300/300";
        /// <summary>
        /// False (the default): GraphQL errors answer HTTP 200 with the errors in the body. True: the status Cloudflare's
        /// errors page lists for each (400 query and node limits, 403 account, 429 budget), still with the GraphQL body.
        /// </summary>
        public bool GraphqlDocumentedErrorStatuses { get; set; }
        /// <summary>The largest <c>limit</c> a turnstileAdaptiveGroups query may ask for (settings <c>maxPageSize</c>).</summary>
        public int GraphqlMaxPageSize { get; set; } = Analytics.AnalyticsLimits.DefaultMaxPageSize;
        /// <summary>The widest time range, in seconds, one query may ask for (settings <c>maxDuration</c>).</summary>
        public long GraphqlMaxDurationSeconds { get; set; } = Analytics.AnalyticsLimits.DefaultMaxDurationSeconds;
        /// <summary>How far back, in seconds, a query may reach (settings <c>notOlderThan</c>).</summary>
        public long GraphqlNotOlderThanSeconds { get; set; } = Analytics.AnalyticsLimits.DefaultNotOlderThanSeconds;
        /// <summary>The clock behind timestamps, grace periods and rate-limit windows; null uses the system clock.</summary>
        public TimeProvider? TimeProvider { get; set; }
    }
}
