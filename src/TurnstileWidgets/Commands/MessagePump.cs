using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Lets an async engine call report to PowerShell, which only accepts Write* calls on the pipeline thread:
    /// the engine's observer callbacks (any thread) queue <c>-Verbose</c> lines, and <see cref="Run"/> blocks the
    /// pipeline thread, handing each line to a callback there until the call finishes.
    /// </summary>
    internal sealed class MessagePump : IRequestObserver
    {
        private readonly ConcurrentQueue<string> queue = new ConcurrentQueue<string>();
        private readonly AutoResetEvent signal = new AutoResetEvent(false);
        private readonly Action<string> deliver;

        /// <summary>Creates a pump that delivers on the thread calling <see cref="Run"/>.</summary>
        public MessagePump(Action<string> deliver)
        {
            this.deliver = deliver ?? throw new ArgumentNullException(nameof(deliver));
        }

        /// <summary>Queues a <c>-Verbose</c> line from any thread.</summary>
        public void Post(string text)
        {
            queue.Enqueue(text);
            signal.Set();
        }

        /// <inheritdoc />
        public void RequestCompleted(RequestRecord record) => Post(RequestText.Format(record));

        /// <inheritdoc />
        public void RetryScheduled(RetryNotice notice) => Post(RequestText.Format(notice));

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
            while (queue.TryDequeue(out string? message))
            {
                deliver(message);
            }
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
                if (task.IsCompleted) break;
                if (cancellationToken.IsCancellationRequested)
                {
                    // Nobody will await the abandoned task: observe its failure so it is not reported as unobserved.
                    task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                WaitHandle.WaitAny(handles);
            }

            Drain();
            if (task.IsCanceled && cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
