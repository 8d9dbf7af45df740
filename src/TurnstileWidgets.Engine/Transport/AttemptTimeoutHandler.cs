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
    /// Gives each attempt its own timeout, for its headers and its body. HttpClient.Timeout would bound the whole call,
    /// retries and rate-limit waits included, so it is left infinite and this handler, under the retry and pacing
    /// handlers, bounds one attempt. An answer leaves with its deadline on the request (<see cref="RequestInfo.AttemptDeadline"/>):
    /// the body is streamed after the chain returns, and one timer per attempt covers both.
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
            RequestInfo info = RequestInfo.Of(request);
            var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            try
            {
                HttpResponseMessage response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                info.ReplaceAttemptDeadline(attempt);
                return response;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
            {
                attempt.Dispose();
                throw new AttemptTimeoutException(timeout, ex);
            }
            catch
            {
                attempt.Dispose();
                throw;
            }
        }
    }
}
