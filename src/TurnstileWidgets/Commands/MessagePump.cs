using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>Where a <see cref="MessagePump"/> delivers, on the pipeline thread.</summary>
    internal interface IMessageSink
    {
        /// <summary>A <c>-Verbose</c> line.</summary>
        void WriteVerboseLine(string text);

        /// <summary>A <c>-Debug</c> line.</summary>
        void WriteDebugLine(string text);

        /// <summary>A progress record (rate-limit waits).</summary>
        void WriteProgressRecord(ProgressRecord record);

        /// <summary>A warning (a rate-limit block, said once per block).</summary>
        void WriteWarningLine(string text);
    }

    /// <summary>
    /// Lets an async engine call report to PowerShell, which only accepts Write* calls on the pipeline thread:
    /// the engine's observer callbacks (any thread) queue lines, and <see cref="Run"/> blocks the pipeline thread,
    /// handing each to the sink there until the call finishes. While a rate-limit wait is under way it also
    /// refreshes a progress record counting the wait down, once a second.
    /// </summary>
    internal sealed class MessagePump : IRateLimitObserver
    {
        /// <summary>The progress activity id of rate-limit waits (listings use 1).</summary>
        public const int RateLimitActivityId = 2;

        /// <summary>Pacing waits shorter than this get only a -Debug line: at 4 requests a second a -Verbose line each would drown the rest.</summary>
        private static readonly TimeSpan VerboseWaitThreshold = TimeSpan.FromSeconds(1);

        private static readonly TimeSpan CountdownInterval = TimeSpan.FromSeconds(1);

        private readonly ConcurrentQueue<Action<IMessageSink>> queue = new ConcurrentQueue<Action<IMessageSink>>();
        private readonly AutoResetEvent signal = new AutoResetEvent(false);
        private readonly IMessageSink sink;
        private readonly object waitsLock = new object();
        private readonly Dictionary<RateLimitWait, Stopwatch> activeWaits = new Dictionary<RateLimitWait, Stopwatch>();

        /// <summary>Creates a pump that delivers to <paramref name="sink"/> on the thread calling <see cref="Run"/>.</summary>
        public MessagePump(IMessageSink sink)
        {
            this.sink = sink ?? throw new ArgumentNullException(nameof(sink));
        }

        /// <summary>Whether a rate-limit progress record was written, so the cmdlet completes it at its end.</summary>
        public bool WroteRateLimitProgress { get; private set; }

        /// <summary>Queues a <c>-Verbose</c> line from any thread.</summary>
        public void Post(string text) => Enqueue(s => s.WriteVerboseLine(text));

        /// <summary>Queues a <c>-Debug</c> line from any thread.</summary>
        public void PostDebug(string text) => Enqueue(s => s.WriteDebugLine(text));

        /// <inheritdoc />
        public void RequestCompleted(RequestRecord record)
        {
            string verbose = RequestText.Format(record);
            string debug = RequestText.FormatDebug(record);
            Enqueue(s =>
            {
                s.WriteVerboseLine(verbose);
                s.WriteDebugLine(debug);
            });
        }

        /// <inheritdoc />
        public void RetryScheduled(RetryNotice notice)
        {
            string text = RequestText.Format(notice);
            // A 429's wait is said once, by RateLimitWaitStarted (as a warning for a new block).
            bool verbose = !notice.IsRateLimitWait;
            Enqueue(s =>
            {
                if (verbose)
                {
                    s.WriteVerboseLine(text);
                }

                s.WriteDebugLine("Retry: " + text);
            });
        }

        /// <inheritdoc />
        public void RateLimitWaitStarted(RateLimitWait wait)
        {
            string text = RequestText.Format(wait);
            // A block is said once, as a warning, whatever -Verbose says: the command stops for minutes. Another request
            // meeting the same block, and every pacing wait long enough to notice, is one -Verbose line.
            bool warn = wait.Kind == RateLimitWaitKind.Block && wait.IsNewBlock;
            string? warning = warn ? RequestText.BlockWarning(wait) : null;
            bool verbose = !warn && (wait.Kind == RateLimitWaitKind.Block || wait.Delay >= VerboseWaitThreshold);
            lock (waitsLock)
            {
                activeWaits[wait] = Stopwatch.StartNew();
            }

            Enqueue(s =>
            {
                if (warning != null)
                {
                    s.WriteWarningLine(warning);
                }

                if (verbose)
                {
                    s.WriteVerboseLine(text);
                }

                s.WriteDebugLine("Rate limit: " + text);
            });
        }

        /// <inheritdoc />
        public void RateLimitWaitEnded(RateLimitWait wait)
        {
            lock (waitsLock)
            {
                activeWaits.Remove(wait);
            }

            if (wait.Cancelled)
            {
                PostDebug("Rate limit: the wait before " + wait.Method + " " + RequestText.PathForDisplay(wait.Path) + " was cancelled.");
            }

            signal.Set();
        }

        /// <summary>
        /// Delivers queued messages until <paramref name="task"/> finishes, then rethrows its exception as it was
        /// (not wrapped in an AggregateException). Throws <see cref="OperationCanceledException"/> as soon as
        /// <paramref name="cancellationToken"/> is cancelled, without waiting for the task.
        /// </summary>
        public void Run(Task task, CancellationToken cancellationToken = default)
        {
            if (task == null) throw new ArgumentNullException(nameof(task));
            WaitDelivering(task, cancellationToken);
            task.GetAwaiter().GetResult();
        }

        /// <summary>As <see cref="Run(Task, CancellationToken)"/>, returning the task's result.</summary>
        public T Run<T>(Task<T> task, CancellationToken cancellationToken = default)
        {
            if (task == null) throw new ArgumentNullException(nameof(task));
            WaitDelivering(task, cancellationToken);
            return task.GetAwaiter().GetResult();
        }

        /// <summary>Delivers whatever is queued now, on the calling thread.</summary>
        public void Drain()
        {
            while (queue.TryDequeue(out Action<IMessageSink>? message))
            {
                message(sink);
            }
        }

        private void Enqueue(Action<IMessageSink> message)
        {
            queue.Enqueue(message);
            signal.Set();
        }

        private void WaitDelivering(Task task, CancellationToken cancellationToken)
        {
            if (!task.IsCompleted)
            {
                task.ContinueWith(_ => signal.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            WaitHandle[] handles = cancellationToken.CanBeCanceled
                ? new[] { signal, cancellationToken.WaitHandle }
                : new WaitHandle[] { signal };
            while (true)
            {
                Drain();
                bool waiting = ShowRateLimitProgress();
                if (task.IsCompleted) break;
                if (cancellationToken.IsCancellationRequested)
                {
                    // Nobody will await the abandoned task: observe its failure so it is not reported as unobserved.
                    task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                // A countdown needs a tick; otherwise nothing happens until the engine reports or the call ends.
                if (waiting)
                {
                    WaitHandle.WaitAny(handles, CountdownInterval);
                }
                else
                {
                    WaitHandle.WaitAny(handles);
                }
            }

            Drain();
            if (task.IsCanceled && cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Writes the longest active wait's countdown; false when no wait is under way.</summary>
        private bool ShowRateLimitProgress()
        {
            RateLimitWait? longest = null;
            TimeSpan left = TimeSpan.Zero;
            lock (waitsLock)
            {
                foreach (KeyValuePair<RateLimitWait, Stopwatch> active in activeWaits)
                {
                    TimeSpan remaining = active.Key.Delay - active.Value.Elapsed;
                    if (longest == null || remaining > left)
                    {
                        longest = active.Key;
                        left = remaining;
                    }
                }
            }

            if (longest == null)
            {
                return false;
            }

            sink.WriteProgressRecord(RequestText.Progress(longest, left));
            WroteRateLimitProgress = true;
            return true;
        }
    }
}
