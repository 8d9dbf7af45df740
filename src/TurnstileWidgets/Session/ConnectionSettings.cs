using System;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Siteverify;

namespace TurnstileWidgets.Session
{
    /// <summary>
    /// How a new connection behaves beside its credential: pacing, time limits and the siteverify address. Connect-Turnstile
    /// sets them from its parameters; a first-use connect from the CLOUDFLARE_* variables keeps these defaults.
    /// </summary>
    internal sealed class ConnectionSettings
    {
        /// <summary>Pacing and -MaxBlockWait.</summary>
        public RateLimitOptions RateLimit { get; set; } = new RateLimitOptions();

        /// <summary>How long one attempt may take (-RequestTimeout).</summary>
        public TimeSpan RequestTimeout { get; set; } = TurnstileClientOptions.DefaultRequestTimeout;

        /// <summary>How long one request may take with all its attempts (-OperationTimeout).</summary>
        public TimeSpan OperationTimeout { get; set; } = TurnstileClientOptions.DefaultOperationTimeout;

        /// <summary>
        /// Where Test-TurnstileWidgetSecret sends siteverify requests (-SiteverifyUri); null: the one that goes with the API
        /// (<see cref="SiteverifyClient.DefaultFor"/>).
        /// </summary>
        public Uri? SiteverifyUri { get; set; }
    }
}
