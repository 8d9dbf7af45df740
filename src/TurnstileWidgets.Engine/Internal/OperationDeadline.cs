using System;
using System.Diagnostics;
using System.Threading;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>
    /// The bound on one operation (a request with all its attempts and the backoff between them): its token is cancelled
    /// when the time is up. Rate-limit waits are not counted (they have their own bound, MaxBlockWait): the handler
    /// pauses the deadline around them.
    /// </summary>
    internal sealed class OperationDeadline : IDisposable
    {
        private readonly CancellationTokenSource source;
        private readonly CancellationToken caller;
        private readonly TimeSpan limit;
        // When the clock last (re)started, as a Stopwatch timestamp: no Stopwatch object per request.
        private long runningSince = Stopwatch.GetTimestamp();
        private TimeSpan used;
        private int pauses;

        internal OperationDeadline(TimeSpan limit, CancellationToken caller)
        {
            this.limit = limit;
            this.caller = caller;
            source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            if (limit != Timeout.InfiniteTimeSpan)
            {
                source.CancelAfter(limit);
            }
        }

        /// <summary>The limit it enforces.</summary>
        internal TimeSpan Limit => limit;

        /// <summary>Cancelled by the caller or when the time is up.</summary>
        internal CancellationToken Token => source.Token;

        /// <summary>True when the time ran out (not the caller's cancellation).</summary>
        internal bool Expired => source.IsCancellationRequested && !caller.IsCancellationRequested;

        /// <summary>Stops the clock (a rate-limit wait begins).</summary>
        internal void Pause()
        {
            if (limit == Timeout.InfiniteTimeSpan || pauses++ > 0 || source.IsCancellationRequested)
            {
                return;
            }
            used += Since(runningSince);
            source.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        /// <summary>Starts the clock again with what is left.</summary>
        internal void Resume()
        {
            if (limit == Timeout.InfiniteTimeSpan || --pauses > 0 || source.IsCancellationRequested)
            {
                return;
            }
            TimeSpan left = limit - used;
            runningSince = Stopwatch.GetTimestamp();
            if (left <= TimeSpan.Zero)
            {
                source.Cancel();
            }
            else
            {
                source.CancelAfter(left);
            }
        }

        public void Dispose() => source.Dispose();

        private static TimeSpan Since(long timestamp) =>
            TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - timestamp) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
    }
}
