using System;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// How a client treats Cloudflare's rate limit (1,200 requests per 5 minutes per user; over it, every call with the
    /// credential is refused for 5 minutes). Every client in the process that uses the same credential against the same
    /// API shares one budget, whatever these options say; the options decide how this client spends and waits.
    /// </summary>
    public sealed class RateLimitOptions
    {
        /// <summary>The default <see cref="MaxBlockWait"/>: Cloudflare's 5-minute block plus a minute's margin.</summary>
        public static readonly TimeSpan DefaultMaxBlockWait = TimeSpan.FromMinutes(6);

        /// <summary>
        /// Spread requests over the quota the API reports in its <c>Ratelimit</c> header, so that a window's quota is never
        /// exceeded (default on). Off, or against an API that sends no such header, the client only reacts to 429 answers.
        /// </summary>
        public bool Pace { get; set; } = true;

        /// <summary>
        /// The most time one request may spend waiting out rate-limit refusals, all its waits together: a 429's
        /// Retry-After, or a block on the credential another request ran into (default 6 minutes, which covers
        /// Cloudflare's 5-minute block). A longer wait is never begun: the request fails at once with a rate-limit error
        /// (<see cref="TurnstileApiException.MaxBlockWait"/> set) that says how long the block lasts, and a request that
        /// meets a known block longer than this is not sent at all (it would only extend the block). It caps only waits for a block:
        /// pacing (<see cref="Pace"/>) always spreads requests over the window and never sends one into a window whose
        /// quota is spent, whatever this says (0 included). Beyond <see cref="TurnstileClientOptions.MaxTimeout"/> (about
        /// 24.8 days, the longest a timer waits) it counts as that: no wait is longer.
        /// </summary>
        public TimeSpan MaxBlockWait { get; set; } = DefaultMaxBlockWait;
    }

    /// <summary>Why a request waits for the rate limit.</summary>
    public enum RateLimitWaitKind
    {
        /// <summary>
        /// Spreading the quota: the request waits for its turn so the window's remaining quota lasts until the window
        /// resets, or, with the quota spent, for the next window. Frequent and usually short (one per request while pacing).
        /// </summary>
        Pacing,

        /// <summary>
        /// The API refused requests for this credential (429): the request waits out the Retry-After, or the block that
        /// another request on the same credential ran into. Rare and long (Cloudflare: 5 minutes).
        /// </summary>
        Block,
    }

    /// <summary>
    /// One wait for the rate limit, reported to an <see cref="IRateLimitObserver"/> when it starts and again, as the same
    /// object, when it ends. No secret or credential ever appears here.
    /// </summary>
    public sealed class RateLimitWait
    {
        /// <summary>Pacing (spreading the quota) or Block (a refusal is being waited out).</summary>
        public RateLimitWaitKind Kind { get; set; }
        /// <summary>HTTP method of the request that waits.</summary>
        public string Method { get; set; } = "";
        /// <summary>Path and query below the base URI of the request that waits.</summary>
        public string Path { get; set; } = "";
        /// <summary>How long the wait is; the request is sent when it ends (unless cancelled).</summary>
        public TimeSpan Delay { get; set; }
        /// <summary>
        /// Why, in a sentence for <c>-Verbose</c>, e.g. <c>pacing: 57 of 120 requests left in this window, which resets in 6 s</c>
        /// or <c>rate-limit block: the API refused requests with this credential (429, Retry-After 300 s)</c>.
        /// </summary>
        public string Reason { get; set; } = "";
        /// <summary>Requests this process may still start before the window resets (at the wait's start); null when the API sent no budget.</summary>
        public int? QuotaRemaining { get; set; }
        /// <summary>The quota per window (the <c>q</c> of <c>Ratelimit-Policy</c>); null when the API did not say.</summary>
        public int? Quota { get; set; }
        /// <summary>The window's length (the <c>w</c> of <c>Ratelimit-Policy</c>); null when the API did not say.</summary>
        public TimeSpan? Window { get; set; }
        /// <summary>Time from the wait's start until the window's quota is available again (or the block ends); null when unknown.</summary>
        public TimeSpan? WindowResetsIn { get; set; }
        /// <summary>
        /// For a <see cref="RateLimitWaitKind.Block"/>: true for the first wait this process reports for that block, false
        /// when another request meets a block already reported, so a block can be announced once, not once per request.
        /// </summary>
        public bool IsNewBlock { get; set; }
        /// <summary>Set, before <see cref="IRateLimitObserver.RateLimitWaitEnded"/>, when the wait ended by cancellation.</summary>
        public bool Cancelled { get; set; }
    }

    /// <summary>The rate-limit budget a client knows of for its credential, for progress between waits.</summary>
    public sealed class RateLimitStatus
    {
        /// <summary>Requests this process may still start before the window resets.</summary>
        public int QuotaRemaining { get; set; }
        /// <summary>The quota per window; null when the API did not say.</summary>
        public int? Quota { get; set; }
        /// <summary>The window's length; null when the API did not say.</summary>
        public TimeSpan? Window { get; set; }
        /// <summary>Time until the window resets; zero once it has (the next answer tells the new window's quota).</summary>
        public TimeSpan WindowResetsIn { get; set; }
        /// <summary>Time left in a block on the credential; zero when not blocked.</summary>
        public TimeSpan BlockedFor { get; set; }
    }

    /// <summary>
    /// An <see cref="IRequestObserver"/> that also hears about rate-limit waits. A separate interface so that existing
    /// observers keep compiling: netstandard2.0 has no default interface members.
    /// </summary>
    /// <remarks>
    /// <para>The contract:</para>
    /// <list type="bullet">
    /// <item><description>Calls come on the thread of the request that waits, on the async flow that called
    /// <see cref="TurnstileClient.Observe"/> (so concurrent requests may call at the same time); keep them short and never throw
    /// (a throwing observer is ignored, the request goes on).</description></item>
    /// <item><description>Every <see cref="RateLimitWaitStarted"/> is followed by exactly one <see cref="RateLimitWaitEnded"/>
    /// with the same object, also when the wait is cancelled (then <see cref="RateLimitWait.Cancelled"/> is true and the
    /// request throws <see cref="OperationCanceledException"/> right after). Nothing else is reported for that request
    /// in between.</description></item>
    /// <item><description>Waits of zero length are not reported. Pacing waits come one per request while the quota is being
    /// spread (e.g. 250 ms each at 4 requests a second); a block or a spent window gives one long wait per waiting
    /// request.</description></item>
    /// <item><description>A 429 is reported first through <see cref="IRequestObserver.RequestCompleted"/> (status 429), then
    /// <see cref="IRequestObserver.RetryScheduled"/> (the attempt will be repeated, and why), then its wait as a
    /// <see cref="RateLimitWaitKind.Block"/> through these two methods. Other requests on the same credential that meet the
    /// block report only the Block wait.</description></item>
    /// <item><description>For a countdown, start it at <see cref="RateLimitWaitStarted"/> from <see cref="RateLimitWait.Delay"/>
    /// and stop it at <see cref="RateLimitWaitEnded"/>.</description></item>
    /// </list>
    /// </remarks>
    public interface IRateLimitObserver : IRequestObserver
    {
        /// <summary>A rate-limit wait is about to start.</summary>
        void RateLimitWaitStarted(RateLimitWait wait);

        /// <summary>The wait ended (its time passed, or it was cancelled); the same object as at the start.</summary>
        void RateLimitWaitEnded(RateLimitWait wait);
    }
}
