using System;
using System.Threading;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// The observers active on the current async flow. Scopes nest: an inner scope reports to its
    /// own observer and to every outer one.
    /// </summary>
    internal sealed class ObserverScope : IDisposable
    {
        private static readonly AsyncLocal<ObserverScope?> CurrentScope = new AsyncLocal<ObserverScope?>();

        private readonly IRequestObserver observer;
        private readonly ObserverScope? parent;
        private int disposed;

        private ObserverScope(IRequestObserver observer, ObserverScope? parent)
        {
            this.observer = observer;
            this.parent = parent;
        }

        internal static IDisposable Begin(IRequestObserver observer)
        {
            var scope = new ObserverScope(observer, CurrentScope.Value);
            CurrentScope.Value = scope;
            return scope;
        }

        /// <summary>True when some observer listens on this async flow; reporting is skipped otherwise.</summary>
        internal static bool IsActive => CurrentScope.Value != null;

        internal static void Report(RequestRecord record)
        {
            for (ObserverScope? scope = CurrentScope.Value; scope != null; scope = scope.parent)
            {
                if (scope.disposed == 0)
                {
                    Safely(() => scope.observer.RequestCompleted(record));
                }
            }
        }

        internal static void Report(RetryNotice notice)
        {
            for (ObserverScope? scope = CurrentScope.Value; scope != null; scope = scope.parent)
            {
                if (scope.disposed == 0)
                {
                    Safely(() => scope.observer.RetryScheduled(notice));
                }
            }
        }

        internal static void ReportStarted(RateLimitWait wait)
        {
            for (ObserverScope? scope = CurrentScope.Value; scope != null; scope = scope.parent)
            {
                if (scope.disposed == 0 && scope.observer is IRateLimitObserver rateLimitObserver)
                {
                    Safely(() => rateLimitObserver.RateLimitWaitStarted(wait));
                }
            }
        }

        internal static void ReportEnded(RateLimitWait wait)
        {
            for (ObserverScope? scope = CurrentScope.Value; scope != null; scope = scope.parent)
            {
                if (scope.disposed == 0 && scope.observer is IRateLimitObserver rateLimitObserver)
                {
                    Safely(() => rateLimitObserver.RateLimitWaitEnded(wait));
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0 && ReferenceEquals(CurrentScope.Value, this))
            {
                CurrentScope.Value = parent;
            }
        }

        private static void Safely(Action report)
        {
            try
            {
                report();
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // An observer is a bystander (verbose output, progress): its failure must not fail the request.
            }
        }
    }
}
