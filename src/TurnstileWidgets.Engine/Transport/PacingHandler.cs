using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// Takes each attempt's turn from the credential's rate-limit budget (<see cref="RateLimitPacer"/>) before it is
    /// sent, and gives the turn back with what the answer said about the budget. Sits above the attempt's timeout:
    /// waiting for a turn is not the server being slow. Records on the request the end of any block a 429 started, so
    /// the retry handler waits for it once. Requests marked <see cref="RequestInfo.OutsideRestBudget"/> pass untouched.
    /// </summary>
    internal sealed class PacingHandler : DelegatingHandler
    {
        private readonly RateLimitPacer pacer;
        private readonly PacingContext pacing;

        internal PacingHandler(RateLimitPacer pacer, PacingContext pacing)
        {
            this.pacer = pacer;
            this.pacing = pacing;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestInfo info = RequestInfo.Of(request);
            info.AttemptBlockEnd = null;
            if (info.OutsideRestBudget)
            {
                // GraphQL and siteverify have budgets of their own (the analytics client keeps the GraphQL one).
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            // Waiting for a turn is not part of the request's OperationTimeout: the pacer stops the deadline while it waits.
            RateLimitPacer.Ticket ticket = await pacer.AcquireAsync(pacing, info, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                return response;
            }
            finally
            {
                info.AttemptBlockEnd = pacer.Complete(ticket, response, pacing.UtcNow());
            }
        }
    }
}
