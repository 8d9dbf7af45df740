using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;

namespace TurnstileWidgets.Emulator
{
    /// <summary>Which API operation a request under /client/v4 asked for.</summary>
    public enum EmulatorRouteKind
    {
        /// <summary>GET /accounts/{account_id}/challenges/widgets</summary>
        List,
        /// <summary>GET /accounts/{account_id}/challenges/widgets/{sitekey}</summary>
        Get,
        /// <summary>POST /accounts/{account_id}/challenges/widgets</summary>
        Create,
        /// <summary>PUT /accounts/{account_id}/challenges/widgets/{sitekey}</summary>
        Update,
        /// <summary>DELETE /accounts/{account_id}/challenges/widgets/{sitekey}</summary>
        Delete,
        /// <summary>POST /accounts/{account_id}/challenges/widgets/{sitekey}/rotate_secret</summary>
        RotateSecret,
        /// <summary>GET /user/tokens/verify</summary>
        VerifyToken,
        /// <summary>Anything else under /client/v4 (answered 404, code 7003).</summary>
        Unrouted,
        /// <summary>POST /client/v4/graphql (the GraphQL Analytics API)</summary>
        Graphql,
        /// <summary>POST /turnstile/v0/siteverify (outside /client/v4, counted all the same)</summary>
        Siteverify,
    }

    /// <summary>Live request counters for the API under /client/v4 (control endpoints are not counted).</summary>
    public sealed class EmulatorStats
    {
        private static readonly int KindCount = Enum.GetValues<EmulatorRouteKind>().Length;

        private readonly long[] byKind = new long[KindCount];
        private readonly ConcurrentDictionary<int, long> byStatus = new();
        private long total;
        private long rateLimited;
        private long dropped;
        private long serverErrors;
        private long delayed;

        /// <summary>Every request that reached /client/v4, whatever its outcome.</summary>
        public long TotalRequests => Interlocked.Read(ref total);
        /// <summary>List requests.</summary>
        public long ListRequests => Requests(EmulatorRouteKind.List);
        /// <summary>Get-one requests.</summary>
        public long GetRequests => Requests(EmulatorRouteKind.Get);
        /// <summary>Create requests.</summary>
        public long CreateRequests => Requests(EmulatorRouteKind.Create);
        /// <summary>Update (PUT) requests.</summary>
        public long UpdateRequests => Requests(EmulatorRouteKind.Update);
        /// <summary>Delete requests.</summary>
        public long DeleteRequests => Requests(EmulatorRouteKind.Delete);
        /// <summary>Secret rotation requests.</summary>
        public long RotateSecretRequests => Requests(EmulatorRouteKind.RotateSecret);
        /// <summary>Token verification requests.</summary>
        public long VerifyTokenRequests => Requests(EmulatorRouteKind.VerifyToken);
        /// <summary>Requests for no known route or method.</summary>
        public long UnroutedRequests => Requests(EmulatorRouteKind.Unrouted);
        /// <summary>GraphQL Analytics requests.</summary>
        public long GraphqlRequests => Requests(EmulatorRouteKind.Graphql);
        /// <summary>Siteverify requests.</summary>
        public long SiteverifyRequests => Requests(EmulatorRouteKind.Siteverify);
        /// <summary>429 answers sent (rate limit or scripted).</summary>
        public long RateLimitedResponses => Interlocked.Read(ref rateLimited);
        /// <summary>Connections aborted on purpose (random, scripted, or after commit).</summary>
        public long DroppedConnections => Interlocked.Read(ref dropped);
        /// <summary>5xx answers sent on purpose (random or scripted).</summary>
        public long InjectedServerErrors => Interlocked.Read(ref serverErrors);
        /// <summary>Requests that waited for added latency.</summary>
        public long DelayedRequests => Interlocked.Read(ref delayed);

        /// <summary>Requests of one kind.</summary>
        public long Requests(EmulatorRouteKind kind) => Interlocked.Read(ref byKind[(int)kind]);

        /// <summary>A consistent-enough copy of every counter, for assertions and reports.</summary>
        public EmulatorStatsSnapshot Snapshot()
        {
            var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (EmulatorRouteKind kind in Enum.GetValues<EmulatorRouteKind>())
            {
                byKind[RouteKindName(kind)] = Requests(kind);
            }

            var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (KeyValuePair<int, long> pair in this.byStatus)
            {
                byStatus[pair.Key.ToString(CultureInfo.InvariantCulture)] = pair.Value;
            }

            return new EmulatorStatsSnapshot
            {
                TotalRequests = TotalRequests,
                ListRequests = ListRequests,
                GetRequests = GetRequests,
                CreateRequests = CreateRequests,
                UpdateRequests = UpdateRequests,
                DeleteRequests = DeleteRequests,
                RotateSecretRequests = RotateSecretRequests,
                VerifyTokenRequests = VerifyTokenRequests,
                UnroutedRequests = UnroutedRequests,
                GraphqlRequests = GraphqlRequests,
                SiteverifyRequests = SiteverifyRequests,
                RateLimitedResponses = RateLimitedResponses,
                DroppedConnections = DroppedConnections,
                InjectedServerErrors = InjectedServerErrors,
                DelayedRequests = DelayedRequests,
                RequestsByKind = byKind,
                ResponsesByStatus = byStatus,
            };
        }

        /// <summary>The snake_case name used for a route kind in /__emulator/stats.</summary>
        public static string RouteKindName(EmulatorRouteKind kind) => kind switch
        {
            EmulatorRouteKind.List => "list",
            EmulatorRouteKind.Get => "get",
            EmulatorRouteKind.Create => "create",
            EmulatorRouteKind.Update => "update",
            EmulatorRouteKind.Delete => "delete",
            EmulatorRouteKind.RotateSecret => "rotate_secret",
            EmulatorRouteKind.VerifyToken => "verify_token",
            EmulatorRouteKind.Graphql => "graphql",
            EmulatorRouteKind.Siteverify => "siteverify",
            _ => "unrouted",
        };

        internal void CountRequest(EmulatorRouteKind kind)
        {
            Interlocked.Increment(ref total);
            Interlocked.Increment(ref byKind[(int)kind]);
        }

        internal void CountStatus(int status)
        {
            byStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);
            if (status == 429)
            {
                Interlocked.Increment(ref rateLimited);
            }
        }

        internal void CountInjectedServerError() => Interlocked.Increment(ref serverErrors);

        internal void CountDrop() => Interlocked.Increment(ref dropped);

        internal void CountDelay() => Interlocked.Increment(ref delayed);

        internal void Reset()
        {
            Interlocked.Exchange(ref total, 0);
            for (int i = 0; i < byKind.Length; i++)
            {
                Interlocked.Exchange(ref byKind[i], 0);
            }

            byStatus.Clear();
            Interlocked.Exchange(ref rateLimited, 0);
            Interlocked.Exchange(ref dropped, 0);
            Interlocked.Exchange(ref serverErrors, 0);
            Interlocked.Exchange(ref delayed, 0);
        }
    }

    /// <summary>A copy of the counters at one moment.</summary>
    public sealed class EmulatorStatsSnapshot
    {
        /// <summary>Every request that reached /client/v4.</summary>
        public long TotalRequests { get; init; }
        /// <summary>List requests.</summary>
        public long ListRequests { get; init; }
        /// <summary>Get-one requests.</summary>
        public long GetRequests { get; init; }
        /// <summary>Create requests.</summary>
        public long CreateRequests { get; init; }
        /// <summary>Update (PUT) requests.</summary>
        public long UpdateRequests { get; init; }
        /// <summary>Delete requests.</summary>
        public long DeleteRequests { get; init; }
        /// <summary>Secret rotation requests.</summary>
        public long RotateSecretRequests { get; init; }
        /// <summary>Token verification requests.</summary>
        public long VerifyTokenRequests { get; init; }
        /// <summary>Requests for no known route or method.</summary>
        public long UnroutedRequests { get; init; }
        /// <summary>GraphQL Analytics requests.</summary>
        public long GraphqlRequests { get; init; }
        /// <summary>Siteverify requests.</summary>
        public long SiteverifyRequests { get; init; }
        /// <summary>429 answers sent.</summary>
        public long RateLimitedResponses { get; init; }
        /// <summary>Connections aborted on purpose.</summary>
        public long DroppedConnections { get; init; }
        /// <summary>5xx answers sent on purpose.</summary>
        public long InjectedServerErrors { get; init; }
        /// <summary>Requests that waited for added latency.</summary>
        public long DelayedRequests { get; init; }
        /// <summary>Requests per route kind, keyed by the snake_case kind name (list, get, create, update, delete, rotate_secret, verify_token, unrouted, graphql, siteverify).</summary>
        public IReadOnlyDictionary<string, long> RequestsByKind { get; init; } = new Dictionary<string, long>();
        /// <summary>Answers per HTTP status code (dropped connections have none).</summary>
        public IReadOnlyDictionary<string, long> ResponsesByStatus { get; init; } = new Dictionary<string, long>();
    }
}
