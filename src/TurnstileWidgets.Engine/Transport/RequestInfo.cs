using System;
using System.Net.Http;
using System.Threading;
using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// What the handler chain needs to know about a request besides the message itself, and what its handlers learn
    /// about it along the way; it travels with the message.
    /// </summary>
    internal sealed class RequestInfo
    {
        private const string Key = "TurnstileWidgets.RequestInfo";
#if NET8_0_OR_GREATER
        private static readonly HttpRequestOptionsKey<RequestInfo> OptionsKey = new HttpRequestOptionsKey<RequestInfo>(Key);
#endif

        internal RequestInfo(string method, string path, TurnstileOperation operation = TurnstileOperation.Unknown)
        {
            Method = method;
            Path = path;
            Operation = operation;
        }

        /// <summary>The HTTP method.</summary>
        internal string Method { get; }
        /// <summary>Path and query below the base URI, with a leading slash; never the host.</summary>
        internal string Path { get; }
        /// <summary>The API operation, for error classification.</summary>
        internal TurnstileOperation Operation { get; }
        /// <summary>
        /// True when the request addresses one resource (a widget), so a 404 means that resource is missing
        /// (<see cref="TurnstileApiErrorKind.NotFound"/>) rather than a wrong route or account.
        /// </summary>
        internal bool AddressesOneResource { get; set; }
        /// <summary>Set when retrying stopped because the API asked for a wait longer than the retry budget left.</summary>
        internal TimeSpan? RetryAfterBeyondBudget { get; set; }
        /// <summary>The retry budget that was left when <see cref="RetryAfterBeyondBudget"/> was set.</summary>
        internal TimeSpan BudgetLeft { get; set; }
        /// <summary>Set with <see cref="RetryAfterBeyondBudget"/> for a 429: the MaxBlockWait the wait asked for exceeded.</summary>
        internal TimeSpan? MaxBlockWaitExceeded { get; set; }
        /// <summary>
        /// The time this request has spent waiting for rate-limit blocks, in the pacer and in the retry handler: together
        /// at most MaxBlockWait (pacing waits do not count).
        /// </summary>
        internal TimeSpan BlockWaited { get; set; }
        /// <summary>The end of the latest rate-limit block this request has already waited out (so it never waits for one twice).</summary>
        internal DateTimeOffset BlockServedUntil { get; set; }
        /// <summary>Set by the pacing handler after each attempt: the end of the block a 429 with budget headers started.</summary>
        internal DateTimeOffset? AttemptBlockEnd { get; set; }
        /// <summary>
        /// The timeout of the attempt whose answer is being read (set by <see cref="AttemptTimeoutHandler"/>; null without
        /// a timeout): its body must arrive before it fires. Disposed by whoever reads the body, or by the next attempt.
        /// </summary>
        internal CancellationTokenSource? AttemptDeadline { get; private set; }

        internal void ReplaceAttemptDeadline(CancellationTokenSource? deadline)
        {
            CancellationTokenSource? previous = AttemptDeadline;
            AttemptDeadline = deadline;
            previous?.Dispose();
        }

        /// <summary>Attempts made.</summary>
        internal int Attempts { get; set; }
        /// <summary>
        /// Set when an attempt that was then retried may have taken effect on the server: it got a 5xx or 408, or the
        /// connection dropped or timed out after the request may have been sent.
        /// </summary>
        internal bool EarlierAttemptMayHaveTakenEffect { get; set; }
        /// <summary>The bound on the whole request; paused while a rate-limit wait runs. Null: unbounded.</summary>
        internal OperationDeadline? Deadline { get; set; }
        /// <summary>Set for GraphQL and siteverify requests: they do not spend the REST API's rate-limit budget, so the pacing handler lets them by.</summary>
        internal bool OutsideRestBudget { get; set; }

        internal void AttachTo(HttpRequestMessage request)
        {
#if NET8_0_OR_GREATER
            request.Options.Set(OptionsKey, this);
#else
            request.Properties[Key] = this;
#endif
        }

        /// <summary>The request's info; a message sent without one (a handler tested alone) gets one made from it.</summary>
        internal static RequestInfo Of(HttpRequestMessage request)
        {
            if (request is InfoRequestMessage carrying)
            {
                return carrying.Info;
            }
#if NET8_0_OR_GREATER
            if (request.Options.TryGetValue(OptionsKey, out RequestInfo? info) && info != null)
            {
                return info;
            }
#else
            if (request.Properties.TryGetValue(Key, out object? value) && value is RequestInfo info)
            {
                return info;
            }
#endif
            var made = new RequestInfo(request.Method.Method, request.RequestUri?.PathAndQuery ?? "");
            made.AttachTo(request);
            return made;
        }
    }

    /// <summary>
    /// A request the transport builds, carrying its <see cref="RequestInfo"/> as a field: every handler of the chain
    /// reads the info, and a field is read for free where the message's options are a dictionary, made per request and
    /// searched by a string key in each handler. Messages built elsewhere carry it in their options (<see cref="RequestInfo.AttachTo"/>).
    /// </summary>
    internal sealed class InfoRequestMessage : HttpRequestMessage
    {
        internal InfoRequestMessage(HttpMethod method, Uri requestUri, RequestInfo info)
            : base(method, requestUri)
        {
            Info = info;
        }

        /// <summary>What the chain knows and learns about this request.</summary>
        internal RequestInfo Info { get; }
    }
}
