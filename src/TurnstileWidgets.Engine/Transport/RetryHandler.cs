using System;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// The retry loop, the outermost handler of the chain: it sends each attempt down the chain (pacing, reporting,
    /// the attempt's timeout), asks the pure <see cref="RetryPolicy"/> whether and when to try again, and waits. A
    /// rate-limit block is waited through the <see cref="PacingContext"/>, so rate-limit observers see it; any other
    /// wait through <see cref="RetryOptions.Delay"/>. An attempt that got no answer at all and may not be retried
    /// becomes a <see cref="TurnstileTransportException"/>; an answer, good or bad, is returned as is.
    /// </summary>
    internal sealed class RetryHandler : DelegatingHandler
    {
        private readonly RetryOptions options;
        private readonly TimeSpan requestTimeout;
        private readonly Func<DateTimeOffset> utcNow;
        private readonly PacingContext pacing;
        private readonly RateLimitPacer? pacer;
        private readonly Random random = new Random();
        private readonly object randomGate = new object();

        /// <param name="options">The retry budget and how to wait.</param>
        /// <param name="requestTimeout">The per-attempt timeout, only to say it in a timeout's message.</param>
        /// <param name="pacing">Rate-limit waits and their budget (MaxBlockWait).</param>
        /// <param name="utcNow">The clock Retry-After dates are measured against when a response has no Date header.</param>
        /// <param name="pacer">The credential's pacer, when pacing is on: a block it already announced is not announced again.</param>
        internal RetryHandler(RetryOptions options, TimeSpan requestTimeout, PacingContext pacing, Func<DateTimeOffset>? utcNow = null, RateLimitPacer? pacer = null)
        {
            this.options = options;
            this.pacer = pacer;
            this.requestTimeout = requestTimeout;
            this.pacing = pacing;
            this.utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestInfo info = RequestInfo.Of(request);
            TimeSpan waited = TimeSpan.Zero;
            TimeSpan maxBlockWait = pacing.MaxWait;
            int maxRetries = Math.Max(0, options.MaxRetries);
            for (int attempt = 1; ; attempt++)
            {
                info.Attempts = attempt;
                info.AttemptBlockEnd = null;
                HttpResponseMessage? response = null;
                Exception? error = null;
                FailureKind failure = FailureKind.None;
                try
                {
                    response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (AttemptTimeoutException ex)
                {
                    failure = FailureKind.Timeout;
                    error = ex.InnerException ?? ex;
                }
                catch (HttpRequestException ex)
                {
                    failure = Classify(ex);
                    error = ex;
                }

                if (response != null && response.IsSuccessStatusCode)
                {
                    return response;
                }

                int? status = response == null ? (int?)null : (int)response.StatusCode;
                bool? serverSaysRetry = response == null ? null : RetryPolicy.ReadShouldRetry(response.Headers);
                if (attempt > maxRetries || !RetryPolicy.IsRetryable(info.Method, status, failure, serverSaysRetry))
                {
                    return response ?? throw TransportFailure(info, failure, error!, attempt);
                }

                bool rateLimited = status == 429;
                // Blocks the pacer waited out for this request count too: MaxBlockWait bounds all of a request's block waits.
                TimeSpan left = rateLimited ? pacing.BlockWaitLeft(info.BlockWaited) : options.MaxTotalWait - waited;
                TimeSpan? asked = response == null ? null : RetryPolicy.ReadRetryAfter(response, utcNow());
                TimeSpan delay;
                if (asked.HasValue)
                {
                    if (asked.Value > left)
                    {
                        info.RetryAfterBeyondBudget = asked.Value;
                        info.BudgetLeft = left < TimeSpan.Zero ? TimeSpan.Zero : left;
                        info.MaxBlockWaitExceeded = rateLimited ? maxBlockWait : (TimeSpan?)null;
                        return response!;
                    }
                    delay = asked.Value;
                }
                else
                {
                    TimeSpan backoff = RetryPolicy.Backoff(options, attempt, NextRandom);
                    if (backoff > TimeSpan.Zero && left <= TimeSpan.Zero)
                    {
                        return response ?? throw TransportFailure(info, failure, error!, attempt);
                    }
                    delay = backoff > left ? left : backoff;
                }

                DateTimeOffset? blockEnd = info.AttemptBlockEnd;
                if (rateLimited && blockEnd.HasValue)
                {
                    // The budget headers came with it: a block on the whole credential, waited with the pacer's margin.
                    delay += RateLimitPacer.Margin(delay);
                }
                if (MayHaveTakenEffect(status, failure))
                {
                    info.EarlierAttemptMayHaveTakenEffect = true;
                }
                string reason = Reason(status, failure, serverSaysRetry, asked);
                response?.Dispose();
                ObserverScope.Report(new RetryNotice
                {
                    Method = info.Method,
                    Path = info.Path,
                    NextAttempt = attempt + 1,
                    Delay = delay,
                    Reason = reason,
                    IsRateLimitWait = rateLimited && delay > TimeSpan.Zero,
                });
                if (rateLimited && delay > TimeSpan.Zero)
                {
                    info.Deadline?.Pause();
                    try
                    {
                        await pacing.WaitAsync(new RateLimitWait
                        {
                            Kind = RateLimitWaitKind.Block,
                            Method = info.Method,
                            Path = info.Path,
                            Delay = delay,
                            Reason = $"rate-limit block: the API refused this request ({reason}); waiting {DurationText.Format(delay)} before attempt {attempt + 1}",
                            QuotaRemaining = 0,
                            WindowResetsIn = delay,
                            IsNewBlock = pacer == null || !blockEnd.HasValue || pacer.AnnounceBlock(blockEnd.Value),
                        }, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        info.Deadline?.Resume();
                    }
                    info.BlockServedUntil = blockEnd ?? info.BlockServedUntil;
                    info.BlockWaited += delay;
                }
                else
                {
                    await options.Delay(delay, cancellationToken).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    waited += delay;
                }
            }
        }

        // A 429 and a refused connection prove the request was not carried out; anything else that failed might have been.
        internal static bool MayHaveTakenEffect(int? status, FailureKind failure) => status.HasValue
            ? status.Value == 408 || (status.Value >= 500 && status.Value <= 599)
            : failure == FailureKind.ConnectionFailed || failure == FailureKind.Timeout;

        private double NextRandom()
        {
            lock (randomGate)
            {
                return random.NextDouble();
            }
        }

        internal static FailureKind Classify(Exception exception)
        {
            for (Exception? current = exception; current != null; current = current.InnerException)
            {
                if (current is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                            return FailureKind.ConnectionRefused;
                        case SocketError.HostNotFound:
                        case SocketError.NoData:
                        case SocketError.TryAgain:
                            return FailureKind.HostNotFound;
                    }
                }
            }
            return FailureKind.ConnectionFailed;
        }

        internal static string Reason(int? status, FailureKind failure, bool? serverSaysRetry, TimeSpan? asked)
        {
            string text;
            if (status.HasValue)
            {
                text = status.Value == 429 ? "429 rate limited" : $"{status.Value} {ApiErrors.ReasonPhrase(status.Value, null)}".TrimEnd();
                if (asked.HasValue)
                {
                    text += $", Retry-After {DurationText.Format(asked.Value)}";
                }
                if (serverSaysRetry == true)
                {
                    text += ", x-should-retry: true";
                }
                return text;
            }
            switch (failure)
            {
                case FailureKind.ConnectionRefused:
                    return "connection refused";
                case FailureKind.Timeout:
                    return "timed out";
                case FailureKind.HostNotFound:
                    return "host not found";
                default:
                    return "connection failed";
            }
        }

        private TurnstileTransportException TransportFailure(RequestInfo info, FailureKind failure, Exception error, int attempts)
        {
            bool notSent = failure == FailureKind.ConnectionRefused || failure == FailureKind.HostNotFound;
            // siteverify is not the API: its URL is configured apart (a failure points there), and a secret check changes nothing.
            bool siteverify = info.Operation == TurnstileOperation.Siteverify;
            string url = siteverify ? "the siteverify URL" : "the base URL";
            bool mayHaveTakenEffect = !notSent && !siteverify && !string.Equals(info.Method, "GET", StringComparison.OrdinalIgnoreCase);
            string tries = attempts > 1 ? $" (after {attempts} attempts)" : "";
            string what;
            switch (failure)
            {
                case FailureKind.Timeout:
                    what = $"no answer came within {DurationText.Format(requestTimeout)}{tries}. Check the network, or allow more time per attempt (RequestTimeout).";
                    break;
                case FailureKind.ConnectionRefused:
                    what = $"the connection was refused{tries}. Check {url} and that the server is running and reachable.";
                    break;
                case FailureKind.HostNotFound:
                    what = $"the host name could not be resolved{tries}. Check {url} and the network's DNS.";
                    break;
                default:
                    what = $"the connection failed or was dropped before an answer came{tries} ({Innermost(error)}). Check the network and try again.";
                    break;
            }
            string effect = mayHaveTakenEffect
                ? " The request may have reached the API and taken effect: check the widget's current state before repeating it."
                : "";
            string message = failure == FailureKind.Timeout
                ? $"{info.Method} {info.Path} timed out: {what}{effect}"
                : $"Could not reach {(siteverify ? "siteverify" : "the Cloudflare API")} for {info.Method} {info.Path}: {what}{effect}";
            return new TurnstileTransportException(message, info.Operation, info.Method, info.Path, failure == FailureKind.Timeout, mayHaveTakenEffect, error);
        }

        private static string Innermost(Exception exception)
        {
            Exception current = exception;
            while (current.InnerException != null)
            {
                current = current.InnerException;
            }
            return current.Message.Trim().TrimEnd('.');
        }
    }
}
