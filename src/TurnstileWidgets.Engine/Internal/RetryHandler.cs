using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>What the pipeline needs to know about a request besides the message itself.</summary>
    internal sealed class RequestInfo
    {
        private const string Key = "TurnstileWidgets.RequestInfo";

        internal RequestInfo(string method, string path)
        {
            Method = method;
            Path = path;
        }

        /// <summary>The HTTP method.</summary>
        internal string Method { get; }
        /// <summary>Path and query below the base URI, with a leading slash; never the host.</summary>
        internal string Path { get; }
        /// <summary>Set when retrying stopped because the API asked for a wait longer than the retry budget left.</summary>
        internal TimeSpan? RetryAfterBeyondBudget { get; set; }
        /// <summary>The retry budget that was left when <see cref="RetryAfterBeyondBudget"/> was set.</summary>
        internal TimeSpan BudgetLeft { get; set; }
        /// <summary>The end of the latest rate-limit block this request has already waited out (so it never waits for one twice).</summary>
        internal DateTimeOffset BlockServedUntil { get; set; }
        /// <summary>Attempts made.</summary>
        internal int Attempts { get; set; }
        /// <summary>
        /// Set when an attempt that was then retried may have taken effect on the server: it got a 5xx or 408, or the
        /// connection dropped or timed out after the request may have been sent.
        /// </summary>
        internal bool EarlierAttemptMayHaveTakenEffect { get; set; }
        /// <summary>The bound on the whole request; paused while a rate-limit wait runs. Null: unbounded.</summary>
        internal OperationDeadline? Deadline { get; set; }
        /// <summary>Set for GraphQL and siteverify requests: they do not spend the REST API's rate-limit budget, so the REST pacer lets them by.</summary>
        internal bool OutsideRestBudget { get; set; }

        internal void AttachTo(HttpRequestMessage request) => request.Properties[Key] = this;

        internal static RequestInfo Of(HttpRequestMessage request)
        {
            if (request.Properties.TryGetValue(Key, out object? value) && value is RequestInfo info)
            {
                return info;
            }
            return new RequestInfo(request.Method.Method, request.RequestUri?.PathAndQuery ?? "");
        }
    }

    /// <summary>
    /// The retry loop, as a handler in the IHttpClientFactory pipeline. Each attempt first takes its turn from the
    /// credential's rate-limit budget (<see cref="RateLimitPacer"/>, when pacing is on) and then gets its own timeout;
    /// every attempt and every wait is reported to the observers of the calling async flow.
    /// </summary>
    internal sealed class RetryHandler : DelegatingHandler
    {
        private readonly RetryOptions options;
        private readonly TimeSpan requestTimeout;
        private readonly Func<DateTimeOffset> utcNow;
        private readonly RateLimitPacer? pacer;
        private readonly TimeSpan maxBlockWait;
        private readonly PacingContext pacing;
        private readonly Random random = new Random();
        private readonly object randomGate = new object();

        internal RetryHandler(RetryOptions options, TimeSpan requestTimeout, Func<DateTimeOffset>? utcNow = null, RateLimitPacer? pacer = null, RateLimitOptions? rateLimit = null)
        {
            this.options = options;
            this.requestTimeout = requestTimeout;
            this.utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
            this.pacer = pacer;
            maxBlockWait = (rateLimit ?? new RateLimitOptions()).MaxBlockWait;
            if (maxBlockWait < TimeSpan.Zero)
            {
                maxBlockWait = TimeSpan.Zero;
            }
            // Pacing needs a clock that only moves forward; tests give their own (the emulator's) through utcNow.
            pacing = new PacingContext(utcNow ?? MonotonicClock.UtcNow, options.Delay, maxBlockWait);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestInfo info = RequestInfo.Of(request);
            TimeSpan waited = TimeSpan.Zero;
            TimeSpan waitedForRateLimit = TimeSpan.Zero;
            int maxRetries = Math.Max(0, options.MaxRetries);
            for (int attempt = 1; ; attempt++)
            {
                info.Attempts = attempt;
                HttpResponseMessage? response = null;
                Exception? error = null;
                FailureKind failure = FailureKind.None;
                // The turn is taken before the attempt's timeout starts: a pacing wait is not the server being slow.
                RateLimitPacer.Ticket? ticket = null;
                if (pacer != null && !info.OutsideRestBudget)
                {
                    info.Deadline?.Pause();
                    try
                    {
                        ticket = await pacer.AcquireAsync(pacing, info, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        info.Deadline?.Resume();
                    }
                }
                DateTimeOffset? blockEnd = null;
                Stopwatch stopwatch = Stopwatch.StartNew();
                try
                {
                    using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        if (requestTimeout != Timeout.InfiniteTimeSpan)
                        {
                            attemptCancellation.CancelAfter(requestTimeout);
                        }
                        try
                        {
                            response = await base.SendAsync(request, attemptCancellation.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attemptCancellation.IsCancellationRequested)
                        {
                            failure = FailureKind.Timeout;
                            error = ex;
                        }
                        catch (OperationCanceledException)
                        {
                            Report(info, (int?)null, stopwatch.Elapsed, attempt);
                            throw;
                        }
                        catch (HttpRequestException ex)
                        {
                            failure = Classify(ex);
                            error = ex;
                        }
                    }
                }
                finally
                {
                    if (ticket != null)
                    {
                        blockEnd = pacer!.Complete(ticket, response, pacing.UtcNow());
                    }
                }
                Report(info, response, stopwatch.Elapsed, attempt);

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
                TimeSpan left = rateLimited ? maxBlockWait - waitedForRateLimit : options.MaxTotalWait - waited;
                TimeSpan? asked = response == null ? null : RetryPolicy.ReadRetryAfter(response, utcNow());
                TimeSpan delay;
                if (asked.HasValue)
                {
                    if (asked.Value > left)
                    {
                        info.RetryAfterBeyondBudget = asked.Value;
                        info.BudgetLeft = left < TimeSpan.Zero ? TimeSpan.Zero : left;
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
                            Reason = $"rate-limit block: the API refused this request ({reason}); waiting {RetryPolicy.FormatDuration(delay)} before attempt {attempt + 1}",
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
                    waitedForRateLimit += delay;
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

        private static void Report(RequestInfo info, int? status, TimeSpan duration, int attempt)
        {
            ObserverScope.Report(new RequestRecord
            {
                Method = info.Method,
                Path = info.Path,
                StatusCode = status,
                Duration = duration,
                Attempt = attempt,
            });
        }

        private static void Report(RequestInfo info, HttpResponseMessage? response, TimeSpan duration, int attempt)
        {
            if (response == null)
            {
                Report(info, (int?)null, duration, attempt);
                return;
            }
            ObserverScope.Report(new RequestRecord
            {
                Method = info.Method,
                Path = info.Path,
                StatusCode = (int)response.StatusCode,
                Duration = duration,
                Attempt = attempt,
                // Only headers that describe the API's state: none of them carries a credential or a secret.
                RateLimit = HeaderValue(response, "Ratelimit"),
                RateLimitPolicy = HeaderValue(response, "Ratelimit-Policy"),
                RetryAfter = response.Headers.RetryAfter?.ToString(),
                RayId = HeaderValue(response, "cf-ray"),
            });
        }

        // Redacted: a proxy that echoes the request's headers could put a credential into any of them.
        private static string? HeaderValue(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? CredentialRedaction.RedactCredentials(string.Join(", ", values)) : null;

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
                    text += $", Retry-After {RetryPolicy.FormatDuration(asked.Value)}";
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
            bool mayHaveTakenEffect = !notSent && !string.Equals(info.Method, "GET", StringComparison.OrdinalIgnoreCase);
            string tries = attempts > 1 ? $" (after {attempts} attempts)" : "";
            string what;
            switch (failure)
            {
                case FailureKind.Timeout:
                    what = $"no answer came within {RetryPolicy.FormatDuration(requestTimeout)}{tries}. Check the network, or allow more time per attempt (RequestTimeout).";
                    break;
                case FailureKind.ConnectionRefused:
                    what = $"the connection was refused{tries}. Check the base URL and that the server is running and reachable.";
                    break;
                case FailureKind.HostNotFound:
                    what = $"the host name could not be resolved{tries}. Check the base URL and the network's DNS.";
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
                : $"Could not reach the Cloudflare API for {info.Method} {info.Path}: {what}{effect}";
            return new TurnstileTransportException(message, info.Method, info.Path, failure == FailureKind.Timeout, mayHaveTakenEffect, error);
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
