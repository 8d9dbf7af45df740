using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TurnstileWidgets.Emulator
{
    /// <summary>What the rate limit says about one API request: whether it goes through, and the budget left after it.</summary>
    /// <param name="Admitted">False when the request is refused (429, code 971).</param>
    /// <param name="Remaining">Requests the credential may still make in the current window (the <c>r</c> of the Ratelimit header).</param>
    /// <param name="ResetSeconds">Whole seconds, rounded up, until more capacity is available (the <c>t</c>): the window's end, or the block's.</param>
    /// <param name="Rule">The limit in force (the <c>q</c> and <c>w</c> of Ratelimit-Policy).</param>
    internal sealed record RateLimitDecision(bool Admitted, int Remaining, int ResetSeconds, RateLimitRule Rule)
    {
        /// <summary>
        /// Writes the budget in the IETF draft's structured-field form, as Cloudflare's REST API does since September 2025:
        /// <c>Ratelimit: "default";r=50;t=30</c> and <c>Ratelimit-Policy: "burst";q=100;w=60</c>; a refusal adds Retry-After.
        /// </summary>
        public void WriteHeaders(IHeaderDictionary headers)
        {
            headers["Ratelimit"] = "\"default\";r=" + Remaining.ToString(CultureInfo.InvariantCulture) + ";t=" + ResetSeconds.ToString(CultureInfo.InvariantCulture);
            headers["Ratelimit-Policy"] = "\"burst\";q=" + Rule.Requests.ToString(CultureInfo.InvariantCulture) + ";w=" + Rule.WindowSeconds.ToString(CultureInfo.InvariantCulture);
            if (!Admitted)
            {
                headers.RetryAfter = ResetSeconds.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// The rate limit, counted per credential (Cloudflare counts per user, whichever token or key the user sends).
    /// Each credential has a FIXED window that opens with its first request after its previous window ended and admits
    /// at most N requests; refused requests do not count. With a block length set, the first refusal blocks the
    /// credential: every request is refused until the block ends, and the window after it starts afresh.
    /// Requests whose credential the emulator does not accept belong to no user and share one budget (Cloudflare
    /// limits those by client address, and every client here is loopback), so budgets exist only for the credentials
    /// the emulator accepts plus that one, whatever tokens arrive. A budget whose window and block have ended is the
    /// same as none, so it is dropped.
    /// Not thread-safe: the <see cref="FaultInjector"/> calls it under its lock.
    /// </summary>
    internal sealed class RateLimiter
    {
        /// <summary>
        /// The one budget of every request without a credential the emulator accepts; the others are keyed by the
        /// identity authentication gives them (see ApiHandlers.Identify).
        /// </summary>
        public const string UnrecognisedCredential = "unrecognised";

        private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

        private readonly Dictionary<string, Budget> budgets = new(StringComparer.Ordinal);
        private DateTimeOffset lastSweep;

        /// <summary>Blocks started since the last reset (a witness for tests and the benchmark).</summary>
        public long BlocksStarted { get; private set; }

        /// <summary>Budgets held now (a witness that memory stays bounded whatever credentials arrive).</summary>
        public int TrackedBudgets => budgets.Count;

        /// <summary>Counts the request against the credential's window, or refuses it.</summary>
        public RateLimitDecision Admit(string credential, RateLimitRule rule, int? blockSeconds, DateTimeOffset now)
        {
            Sweep(rule, now);
            Budget budget = Get(credential);
            if (budget.BlockedUntil is DateTimeOffset until)
            {
                if (now < until)
                {
                    return new RateLimitDecision(false, 0, CeilingSeconds(until - now), rule);
                }

                budget.BlockedUntil = null;
                budget.Count = 0;
            }

            TimeSpan window = TimeSpan.FromSeconds(rule.WindowSeconds);
            if (budget.Count == 0 || now >= budget.WindowStart + window || now < budget.WindowStart)
            {
                budget.WindowStart = now;
                budget.Count = 0;
            }

            if (budget.Count < rule.Requests)
            {
                budget.Count++;
                return new RateLimitDecision(true, rule.Requests - budget.Count, CeilingSeconds(budget.WindowStart + window - now), rule);
            }

            if (blockSeconds is int block)
            {
                budget.BlockedUntil = now + TimeSpan.FromSeconds(block);
                BlocksStarted++;
                return new RateLimitDecision(false, 0, block, rule);
            }

            return new RateLimitDecision(false, 0, CeilingSeconds(budget.WindowStart + window - now), rule);
        }

        /// <summary>The budget as it stands, without counting a request: for answers that never reach the limit (scripted faults).</summary>
        public RateLimitDecision Peek(string credential, RateLimitRule rule, DateTimeOffset now)
        {
            if (!budgets.TryGetValue(credential, out Budget? budget))
            {
                return new RateLimitDecision(true, rule.Requests, rule.WindowSeconds, rule);
            }

            if (budget.BlockedUntil is DateTimeOffset until && now < until)
            {
                return new RateLimitDecision(true, 0, CeilingSeconds(until - now), rule);
            }

            TimeSpan window = TimeSpan.FromSeconds(rule.WindowSeconds);
            bool open = budget.BlockedUntil is null && budget.Count > 0 && now >= budget.WindowStart && now < budget.WindowStart + window;
            return open
                ? new RateLimitDecision(true, Math.Max(0, rule.Requests - budget.Count), CeilingSeconds(budget.WindowStart + window - now), rule)
                : new RateLimitDecision(true, rule.Requests, rule.WindowSeconds, rule);
        }

        /// <summary>Ends every block now (the block was turned off at run time); windows stay as they are.</summary>
        public void LiftBlocks()
        {
            foreach (Budget budget in budgets.Values)
            {
                if (budget.BlockedUntil is not null)
                {
                    budget.BlockedUntil = null;
                    budget.Count = 0;
                }
            }
        }

        /// <summary>Forgets every window and block.</summary>
        public void Clear()
        {
            budgets.Clear();
            BlocksStarted = 0;
        }

        /// <summary>
        /// Drops the budgets that are as good as new: no block in force and no window open (the emulator clock may also
        /// have been moved back before the window's start). At most once per second of emulator time, in either direction.
        /// </summary>
        private void Sweep(RateLimitRule rule, DateTimeOffset now)
        {
            if (now - lastSweep < SweepInterval && lastSweep - now < SweepInterval)
            {
                return;
            }

            lastSweep = now;
            TimeSpan window = TimeSpan.FromSeconds(rule.WindowSeconds);
            foreach (KeyValuePair<string, Budget> pair in budgets)
            {
                Budget budget = pair.Value;
                bool blocked = budget.BlockedUntil is DateTimeOffset until && now < until;
                bool windowOpen = budget.Count > 0 && now >= budget.WindowStart && now < budget.WindowStart + window;
                if (!blocked && !windowOpen)
                {
                    // Removing the current entry while enumerating is allowed for Dictionary since .NET Core 3.0.
                    budgets.Remove(pair.Key);
                }
            }
        }

        private Budget Get(string credential)
        {
            if (!budgets.TryGetValue(credential, out Budget? budget))
            {
                budget = new Budget();
                budgets[credential] = budget;
            }

            return budget;
        }

        // Rounded up, as Cloudflare documents for Retry-After, and at least 1 so "t=0" never invites an immediate retry.
        private static int CeilingSeconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds - 1e-9));

        private sealed class Budget
        {
            public DateTimeOffset WindowStart;
            public int Count;
            public DateTimeOffset? BlockedUntil;
        }
    }
}
