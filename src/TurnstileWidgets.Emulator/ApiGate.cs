using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// Runs in front of routing for every request under /client/v4: counts it, then applies, in this order, added latency,
    /// the next matching scripted fault, the rate limit (per credential), and the random drop/error faults.
    /// </summary>
    internal sealed class ApiGate
    {
        public const string ApiPrefix = "/client/v4";
        public const string ControlPrefix = "/__emulator";

        private readonly FaultInjector faults;
        private readonly EmulatorStats stats;
        private readonly EmulatorClock clock;
        private readonly Func<IHeaderDictionary, string?> identify;

        // identify: who a request's credential names, or null when the emulator does not accept it (authentication's own
        // rule); the rate limit keeps budgets for accepted credentials only.
        public ApiGate(FaultInjector faults, EmulatorStats stats, EmulatorClock clock, Func<IHeaderDictionary, string?> identify)
        {
            this.faults = faults;
            this.stats = stats;
            this.clock = clock;
            this.identify = identify;
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            NormalizePath(context.Request);
            string path = context.Request.Path.Value ?? "/";

            if (path.StartsWith(ControlPrefix, StringComparison.OrdinalIgnoreCase))
            {
                IPAddress? remote = context.Connection.RemoteIpAddress;
                if (remote is not null && !IPAddress.IsLoopback(remote))
                {
                    await HttpHelpers.WriteControlErrorAsync(context, 403, "The control endpoints answer loopback clients only.").ConfigureAwait(false);
                    return;
                }

                await RunWithBodyAsync(context, next).ConfigureAwait(false);
                return;
            }

            if (string.Equals(path, Siteverify.SiteverifyEndpoint.Path, StringComparison.OrdinalIgnoreCase))
            {
                // Siteverify lives beside the API (challenges.cloudflare.com): counted, but no API faults or rate limit.
                stats.CountRequest(EmulatorRouteKind.Siteverify);
                await RunWithBodyAsync(context, next).ConfigureAwait(false);
                stats.CountStatus(context.Response.StatusCode);
                return;
            }

            if (!context.Request.Path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase, out PathString rest))
            {
                await RunWithBodyAsync(context, next).ConfigureAwait(false);
                return;
            }

            string method = context.Request.Method;
            EmulatorRouteKind kind = Classify(method, rest.Value ?? "");
            stats.CountRequest(kind);
            try
            {
                if (!await HttpHelpers.BufferBodyAsync(context).ConfigureAwait(false))
                {
                    await WriteCountedErrorAsync(context, ApiError.BodyTooLarge).ConfigureAwait(false);
                    return;
                }

                await ApplyFaultsAndRunAsync(context, next, method, path, kind).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up (or a drop fault aborted); nobody is left to answer.
            }
            catch (BadHttpRequestException e)
            {
                if (!context.Response.HasStarted)
                {
                    await WriteCountedErrorAsync(context, new ApiError(e.StatusCode, ApiError.MalformedBodyCode, "The request could not be read: " + e.Message)).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is System.IO.IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // An emulator failure (e.g. the state file could not be written) still answers in the API's shape.
                if (!context.Response.HasStarted)
                {
                    await WriteCountedErrorAsync(context, new ApiError(500, 10500, "The emulator failed to handle the request: " + e.Message)).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Routes outside the API (control endpoints, unknown paths): the same body limit, answered in the same envelope.</summary>
        private static async Task RunWithBodyAsync(HttpContext context, RequestDelegate next)
        {
            bool admitted;
            try
            {
                admitted = await HttpHelpers.BufferBodyAsync(context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (BadHttpRequestException e)
            {
                await HttpHelpers.WriteErrorAsync(context, new ApiError(e.StatusCode, ApiError.MalformedBodyCode, "The request could not be read: " + e.Message)).ConfigureAwait(false);
                return;
            }

            if (!admitted)
            {
                await HttpHelpers.WriteErrorAsync(context, ApiError.BodyTooLarge).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }

        private async Task ApplyFaultsAndRunAsync(HttpContext context, RequestDelegate next, string method, string path, EmulatorRouteKind kind)
        {
            int latency = faults.Settings.LatencyMs;
            if (latency > 0)
            {
                stats.CountDelay();
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }

            bool dropAfterCommit = false;
            string credential = identify(context.Request.Headers) ?? RateLimiter.UnrecognisedCredential;
            FaultStep? step = faults.TakeStep(method, path);
            if (step is not null)
            {
                if (step.DelayMs is int delay && delay > 0)
                {
                    await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
                }

                if (step.Drop)
                {
                    Drop(context);
                    return;
                }

                if (step.Status is int status)
                {
                    if (kind != EmulatorRouteKind.Graphql)
                    {
                        faults.Peek(credential)?.WriteHeaders(context.Response.Headers);
                    }

                    await WriteScriptedAsync(context, step, status).ConfigureAwait(false);
                    return;
                }

                dropAfterCommit = step.DropAfterCommit;
            }

            // Set before anything answers, so every API response under a rate limit carries the budget (errors too).
            // GraphQL has its own budget (GraphqlEndpoint) and, like Cloudflare's, no Ratelimit headers.
            RateLimitDecision? limit = kind == EmulatorRouteKind.Graphql ? null : faults.Admit(credential);
            limit?.WriteHeaders(context.Response.Headers);
            if (limit is { Admitted: false })
            {
                await WriteCountedErrorAsync(context, new ApiError(429, ApiError.RateLimitedCode, ApiError.RateLimitedMessage)).ConfigureAwait(false);
                return;
            }

            switch (faults.NextRandomFault())
            {
                case RandomFault.Drop:
                    Drop(context);
                    return;
                case RandomFault.Error500:
                    await WriteInjectedServerErrorAsync(context, 500).ConfigureAwait(false);
                    return;
                case RandomFault.Error502:
                    await WriteInjectedServerErrorAsync(context, 502).ConfigureAwait(false);
                    return;
                case RandomFault.Error503:
                    await WriteInjectedServerErrorAsync(context, 503).ConfigureAwait(false);
                    return;
            }

            if (dropAfterCommit)
            {
                // The operation runs in full, but its answer goes nowhere: the ambiguous failure clients must not blindly retry.
                context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
                await next(context).ConfigureAwait(false);
                Drop(context);
                return;
            }

            await next(context).ConfigureAwait(false);
            stats.CountStatus(context.Response.StatusCode);
        }

        private void Drop(HttpContext context)
        {
            stats.CountDrop();
            context.Abort();
        }

        private Task WriteInjectedServerErrorAsync(HttpContext context, int status)
        {
            stats.CountInjectedServerError();
            return WriteCountedErrorAsync(context, ApiError.ServerError(status));
        }

        private Task WriteScriptedAsync(HttpContext context, FaultStep step, int status)
        {
            IHeaderDictionary headers = context.Response.Headers;
            if (step.RetryAfter is not null)
            {
                headers.RetryAfter = step.RetryAfter;
            }
            else if (step.RetryAfterDate)
            {
                headers.RetryAfter = clock.Inner.GetUtcNow().AddSeconds(2).ToString("r", CultureInfo.InvariantCulture);
            }

            if (step.RetryAfterMs is int ms)
            {
                headers["retry-after-ms"] = ms.ToString(CultureInfo.InvariantCulture);
            }

            if (step.XShouldRetry is not null)
            {
                headers["x-should-retry"] = step.XShouldRetry;
            }

            if (status >= 500)
            {
                stats.CountInjectedServerError();
            }

            ApiError standard = status switch
            {
                429 => new ApiError(429, ApiError.RateLimitedCode, ApiError.RateLimitedMessage),
                >= 500 => ApiError.ServerError(status),
                403 => ApiError.Authentication,
                404 => ApiError.NoRoute,
                _ => new ApiError(status, 10000 + status, "Request refused (scripted by the emulator)"),
            };
            return WriteCountedErrorAsync(context, new ApiError(status, step.Code ?? standard.Code, step.Message ?? standard.Message));
        }

        private Task WriteCountedErrorAsync(HttpContext context, ApiError error)
        {
            stats.CountStatus(error.Status);
            return HttpHelpers.WriteErrorAsync(context, error);
        }

        /// <summary>Collapses repeated slashes and drops a trailing slash, so base URLs with or without a trailing slash both work.</summary>
        internal static void NormalizePath(HttpRequest request)
        {
            string? value = request.Path.Value;
            if (string.IsNullOrEmpty(value) || (!value.Contains("//", StringComparison.Ordinal) && (value.Length == 1 || value[^1] != '/')))
            {
                return;
            }

            while (value.Contains("//", StringComparison.Ordinal))
            {
                value = value.Replace("//", "/", StringComparison.Ordinal);
            }

            if (value.Length > 1 && value[^1] == '/')
            {
                value = value.TrimEnd('/');
            }

            request.Path = new PathString(value.Length == 0 ? "/" : value);
        }

        /// <summary>Which operation a path below /client/v4 names; the same table the endpoints are mapped from.</summary>
        internal static EmulatorRouteKind Classify(string method, string rest)
        {
            string[] s = rest.Trim('/').Split('/');
            bool widgets = s.Length >= 4 && Is(s[0], "accounts") && Is(s[2], "challenges") && Is(s[3], "widgets");
            if (widgets && s.Length == 4)
            {
                return method switch
                {
                    "GET" => EmulatorRouteKind.List,
                    "POST" => EmulatorRouteKind.Create,
                    _ => EmulatorRouteKind.Unrouted,
                };
            }

            if (widgets && s.Length == 5)
            {
                return method switch
                {
                    "GET" => EmulatorRouteKind.Get,
                    "PUT" => EmulatorRouteKind.Update,
                    "DELETE" => EmulatorRouteKind.Delete,
                    _ => EmulatorRouteKind.Unrouted,
                };
            }

            if (widgets && s.Length == 6 && Is(s[5], "rotate_secret") && method == "POST")
            {
                return EmulatorRouteKind.RotateSecret;
            }

            if (s.Length == 3 && Is(s[0], "user") && Is(s[1], "tokens") && Is(s[2], "verify") && method == "GET")
            {
                return EmulatorRouteKind.VerifyToken;
            }

            if (s.Length == 1 && Is(s[0], "graphql") && method == "POST")
            {
                return EmulatorRouteKind.Graphql;
            }

            return EmulatorRouteKind.Unrouted;

            static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }
    }
}
