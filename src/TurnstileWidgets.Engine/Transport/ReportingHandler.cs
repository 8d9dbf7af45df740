using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// Reports every attempt, answered or not, to the observers of the calling async flow (<see cref="ObserverScope"/>):
    /// method, path, status, duration and the headers that describe the API's state, never a credential or a body.
    /// Sits under the pacing handler, so a pacing wait is not counted as the attempt's duration.
    /// </summary>
    internal sealed class ReportingHandler : DelegatingHandler
    {
        // Nobody listens (a runbook without -Verbose, a C# caller): no stopwatch, no record, no async frame of its own.
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            ObserverScope.IsActive ? SendAndReportAsync(request, cancellationToken) : base.SendAsync(request, cancellationToken);

        private async Task<HttpResponseMessage> SendAndReportAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestInfo info = RequestInfo.Of(request);
            int attempt = Math.Max(1, info.Attempts);
            long started = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ObserverScope.Report(new RequestRecord
                {
                    Method = info.Method,
                    Path = info.Path,
                    StatusCode = null,
                    Duration = Elapsed(started),
                    Attempt = attempt,
                });
                throw;
            }
            ObserverScope.Report(new RequestRecord
            {
                Method = info.Method,
                Path = info.Path,
                StatusCode = (int)response.StatusCode,
                Duration = Elapsed(started),
                Attempt = attempt,
                // Only headers that describe the API's state: none of them carries a credential or a secret.
                RateLimit = HeaderValue(response, "Ratelimit"),
                RateLimitPolicy = HeaderValue(response, "Ratelimit-Policy"),
                RetryAfter = response.Headers.RetryAfter?.ToString(),
                RayId = HeaderValue(response, "cf-ray"),
            });
            return response;
        }

        private static TimeSpan Elapsed(long started) =>
            TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - started) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));

        // Redacted: a proxy that echoes the request's headers could put a credential into any of them.
        private static string? HeaderValue(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? CredentialRedaction.RedactCredentials(string.Join(", ", values)) : null;
    }
}
