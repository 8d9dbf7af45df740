using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>Raised by <see cref="AttemptTimeoutHandler"/> when one attempt ran out of time (not when the caller cancelled).</summary>
    internal sealed class AttemptTimeoutException : Exception
    {
        internal AttemptTimeoutException(TimeSpan timeout, Exception innerException)
            : base("The attempt timed out after " + DurationText.Format(timeout) + ".", innerException)
        {
        }
    }

    /// <summary>
    /// Gives each attempt its own timeout. HttpClient.Timeout would bound the whole call, retries and rate-limit waits
    /// included, so it is left infinite and this handler, under the retry and pacing handlers, bounds one attempt.
    /// </summary>
    internal sealed class AttemptTimeoutHandler : DelegatingHandler
    {
        private readonly TimeSpan timeout;

        internal AttemptTimeoutHandler(TimeSpan timeout)
        {
            this.timeout = timeout;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(timeout);
                try
                {
                    return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
                {
                    throw new AttemptTimeoutException(timeout, ex);
                }
            }
        }
    }
}
