using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Analytics
{
    /// <summary>
    /// The GraphQL Analytics budget of one credential in this process: Cloudflare allows 300 queries per 5 minutes per user,
    /// and its answers carry no <c>Ratelimit</c> headers to pace by (those belong to the REST API), so the client counts its
    /// own queries: at most <see cref="Quota"/> start in any <see cref="Window"/>. Shared by every client of the credential
    /// (a static registry keyed by the credential's fingerprint, like the REST budget, but a budget of its own).
    /// </summary>
    internal sealed class GraphQlBudget
    {
        /// <summary>Cloudflare's documented GraphQL quota per window.</summary>
        internal const int Quota = 300;
        /// <summary>Cloudflare's documented GraphQL window.</summary>
        internal static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
        /// <summary>How long Cloudflare refuses queries once the budget is depleted ("try again after 5 minutes").</summary>
        internal static readonly TimeSpan DepletedWait = TimeSpan.FromMinutes(5);

        private static readonly ConcurrentDictionary<string, GraphQlBudget> Registry = new ConcurrentDictionary<string, GraphQlBudget>(StringComparer.Ordinal);

        private readonly object gate = new object();
        private readonly Queue<DateTimeOffset> started = new Queue<DateTimeOffset>();
        private readonly int quota;
        private readonly TimeSpan window;
        private DateTimeOffset depletedUntil;

        internal GraphQlBudget(int quota, TimeSpan window)
        {
            this.quota = quota;
            this.window = window;
        }

        /// <summary>The budget of the credential <paramref name="fingerprint"/> names.</summary>
        internal static GraphQlBudget For(string fingerprint) => Registry.GetOrAdd(fingerprint, _ => new GraphQlBudget(Quota, Window));

        /// <summary>Queries started in the current window (for tests and progress).</summary>
        internal int StartedInWindow(DateTimeOffset now)
        {
            lock (gate)
            {
                Expire(now);
                return started.Count;
            }
        }

        /// <summary>
        /// Waits, through <paramref name="delay"/>, until a query may start, and counts it. Waits once: after the wait the
        /// query goes (a test delay that does not move the clock cannot make it wait forever). Each wait is reported to the
        /// observers as a pacing or block wait.
        /// </summary>
        internal async Task AcquireAsync(Func<DateTimeOffset> clock, Func<TimeSpan, CancellationToken, Task> delay, string path, CancellationToken cancellationToken)
        {
            RateLimitWait? wait = null;
            lock (gate)
            {
                DateTimeOffset now = clock();
                Expire(now);
                if (depletedUntil > now)
                {
                    TimeSpan left = depletedUntil - now;
                    wait = Describe(RateLimitWaitKind.Block, path, left, $"GraphQL budget depleted: the API refused queries with this credential; waiting {DurationText.Format(left)}");
                }
                else if (started.Count >= quota)
                {
                    TimeSpan left = started.Peek() + window - now + RateLimitPacer.Margin(window);
                    wait = Describe(RateLimitWaitKind.Pacing, path, left, $"GraphQL pacing: {quota} queries were sent in the last {DurationText.Format(window)}; waiting {DurationText.Format(left)} for the oldest to leave the window");
                }
                else
                {
                    started.Enqueue(now);
                    return;
                }
            }
            await PacingContext.ObservedWaitAsync(delay, wait, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                DateTimeOffset now = clock();
                Expire(now);
                started.Enqueue(now);
            }
        }

        /// <summary>The API said the budget is spent: no query of this credential starts for <see cref="DepletedWait"/>.</summary>
        internal void MarkDepleted(DateTimeOffset now)
        {
            lock (gate)
            {
                depletedUntil = now + DepletedWait;
            }
        }

        private void Expire(DateTimeOffset now)
        {
            while (started.Count > 0 && started.Peek() + window <= now)
            {
                started.Dequeue();
            }
        }

        private RateLimitWait Describe(RateLimitWaitKind kind, string path, TimeSpan delay, string reason) => new RateLimitWait
        {
            Kind = kind,
            Method = "POST",
            Path = path,
            Delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
            Reason = reason,
            QuotaRemaining = Math.Max(0, quota - started.Count),
            Quota = quota,
            Window = window,
            WindowResetsIn = delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
        };
    }
}
