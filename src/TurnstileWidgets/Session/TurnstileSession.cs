using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Session
{
    /// <summary>What <c>Get-TurnstileConnection</c> shows about a connection; never a secret.</summary>
    internal sealed class ConnectionDetails
    {
        /// <summary>Creates the details.</summary>
        public ConnectionDetails(string accountId, string authenticationScheme, Uri apiBaseUri, DateTimeOffset connectedOn, string? tokenStatus)
            : this(accountId, authenticationScheme, apiBaseUri, connectedOn, tokenStatus, TurnstileClientOptions.DefaultRequestTimeout, TurnstileClientOptions.DefaultOperationTimeout)
        {
        }

        /// <summary>Creates the details with the connection's time limits and siteverify address (null: Cloudflare's).</summary>
        public ConnectionDetails(string accountId, string authenticationScheme, Uri apiBaseUri, DateTimeOffset connectedOn, string? tokenStatus, TimeSpan requestTimeout, TimeSpan operationTimeout, Uri? siteverifyUri = null)
        {
            RequestTimeout = requestTimeout;
            OperationTimeout = operationTimeout;
            SiteverifyUri = siteverifyUri ?? Engine.Siteverify.SiteverifyClient.DefaultUri;
            AccountId = accountId;
            AuthenticationScheme = authenticationScheme;
            ApiBaseUri = apiBaseUri;
            ConnectedOn = connectedOn;
            TokenStatus = tokenStatus;
        }

        /// <summary>
        /// The details of a client that passed <see cref="TurnstileClient.VerifyAccessAsync"/>, which refuses a token
        /// that is not active: so a token's status is <c>active</c>.
        /// </summary>
        public static ConnectionDetails ForVerifiedClient(TurnstileClient client, DateTimeOffset connectedOn, Uri? siteverifyUri = null)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            string scheme = client.AuthenticationScheme;
            string? tokenStatus = string.Equals(scheme, "ApiToken", StringComparison.Ordinal) ? "active" : null;
            return new ConnectionDetails(client.AccountId, scheme, client.BaseUri, connectedOn, tokenStatus, client.RequestTimeout, client.OperationTimeout, siteverifyUri);
        }

        /// <summary>The account every widget cmdlet addresses.</summary>
        public string AccountId { get; }
        /// <summary><c>ApiToken</c> or <c>ApiKey</c>.</summary>
        public string AuthenticationScheme { get; }
        /// <summary>The API's base URI.</summary>
        public Uri ApiBaseUri { get; }
        /// <summary>When the connection was verified.</summary>
        public DateTimeOffset ConnectedOn { get; }
        /// <summary>The token's status from <c>/user/tokens/verify</c> (e.g. <c>active</c>); null for an API key.</summary>
        public string? TokenStatus { get; }
        /// <summary>How long one attempt may take (Connect-Turnstile -RequestTimeout).</summary>
        public TimeSpan RequestTimeout { get; }
        /// <summary>How long one request may take in all (Connect-Turnstile -OperationTimeout).</summary>
        public TimeSpan OperationTimeout { get; }
        /// <summary>Where <c>Test-TurnstileWidgetSecret</c> sends siteverify requests (<c>Connect-Turnstile -SiteverifyUri</c>).</summary>
        public Uri SiteverifyUri { get; }
    }

    /// <summary>
    /// One verified connection: the client, what to show about it, its completion cache and its write journal.
    /// Cmdlets hold a lease on it while they run (<see cref="TryAcquire"/>): replacing or disconnecting it
    /// (<see cref="Dispose"/>) retires it at once, and its client is disposed when the last lease is released, so a
    /// command running in another runspace finishes on the client it started with.
    /// </summary>
    internal sealed class SessionConnection : IDisposable
    {
        private readonly object leaseGate = new object();
        private int leases;
        private bool retired;
        private bool clientDisposed;

        /// <summary>How many listing pages a completion cache reads at most, so a huge account cannot stall Tab.</summary>
        public const int CompletionPageLimit = 5;

        /// <summary>Creates the connection; it owns <paramref name="client"/> and disposes it.</summary>
        public SessionConnection(TurnstileClient client, ConnectionDetails details)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            Details = details ?? throw new ArgumentNullException(nameof(details));
            Completions = new CompletionCache(cancellationToken => ReadWidgetNamesAsync(client, cancellationToken), () => DateTimeOffset.UtcNow);
            Writes = WidgetWriteJournal.ForAccount(details.ApiBaseUri, details.AccountId);
        }

        /// <summary>The client.</summary>
        public TurnstileClient Client { get; }

        /// <summary>
        /// For a connection a widget cmdlet made on first use from the CLOUDFLARE_* variables, their
        /// <see cref="ConnectionResolver.EnvironmentFingerprint"/> then; null for Connect-Turnstile's, which stay as made.
        /// </summary>
        public string? EnvironmentFingerprint { get; set; }
        /// <summary>What <c>Get-TurnstileConnection</c> shows.</summary>
        public ConnectionDetails Details { get; }
        /// <summary>Sitekeys and names for argument completion, cached for a minute.</summary>
        public CompletionCache Completions { get; }

        /// <summary>
        /// What this process wrote to the connection's account, and when, through this or any other connection to it: a
        /// reading taken before a write is never trusted after it.
        /// </summary>
        public WidgetWriteJournal Writes { get; }

        /// <summary>Takes a lease for a running command; false once the connection was replaced or disconnected.</summary>
        public bool TryAcquire()
        {
            lock (leaseGate)
            {
                if (retired)
                {
                    return false;
                }

                leases++;
                return true;
            }
        }

        /// <summary>Gives a lease back; the last one of a retired connection disposes its client.</summary>
        public void Release()
        {
            lock (leaseGate)
            {
                leases = System.Math.Max(0, leases - 1);
                if (!retired || leases > 0 || clientDisposed)
                {
                    return;
                }

                clientDisposed = true;
            }

            Client.Dispose();
        }

        /// <summary>Retires the connection (no new lease); its client is disposed now, or when the last lease is given back.</summary>
        public void Dispose()
        {
            lock (leaseGate)
            {
                retired = true;
                if (leases > 0 || clientDisposed)
                {
                    return;
                }

                clientDisposed = true;
            }

            Client.Dispose();
        }

        private static async Task<IReadOnlyList<WidgetName>> ReadWidgetNamesAsync(TurnstileClient client, CancellationToken cancellationToken)
        {
            var names = new List<WidgetName>();
            WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = WidgetValidator.MaxPerPage });
            for (int page = 0; page < CompletionPageLimit; page++)
            {
                WidgetPage? read = await listing.NextPageAsync(cancellationToken).ConfigureAwait(false);
                if (read == null) break;
                foreach (Widget widget in read.Widgets)
                {
                    names.Add(new WidgetName(widget.Sitekey, widget.Name));
                }
            }

            return names;
        }
    }

    /// <summary>
    /// The process-wide connections, by name (case-insensitive). The most recent is the default, which every cmdlet uses
    /// unless given -Connection; connecting under a name already taken replaces (and disposes) that connection.
    /// </summary>
    internal static class TurnstileSession
    {
        /// <summary>The name a connection gets when Connect-Turnstile is given none.</summary>
        public const string DefaultName = "default";

        /// <summary>What a connection's name may hold (Connect-Turnstile -Name validates it; messages suggest only such names).</summary>
        public const string NamePattern = "^[A-Za-z0-9_.-]{1,64}$";

        /// <summary><see cref="NamePattern"/> in words, for messages.</summary>
        public const string NameRule = "1 to 64 letters, digits, '_', '.' and '-'";

        private static readonly object Gate = new object();
        // Oldest first, so the default is the last one; removing it makes the one before the default again.
        private static readonly List<KeyValuePair<string, SessionConnection>> Connections = new List<KeyValuePair<string, SessionConnection>>();

        // The name a Connect-Turnstile failed to connect, until a connect succeeds or Disconnect-Turnstile runs: the user meant
        // to leave the default connection, so commands must not go on with it (a runbook that continues after the error
        // would write to the earlier account).
        private static string? failedConnectName;

        /// <summary>The name the last <c>Connect-Turnstile</c> failed to connect, or null when it succeeded (or none failed since the last disconnect).</summary>
        public static string? FailedConnectName
        {
            get
            {
                lock (Gate)
                {
                    return failedConnectName;
                }
            }
        }

        /// <summary>Records that <c>Connect-Turnstile</c> failed for <paramref name="name"/>: the default connection is not used until a connect succeeds.</summary>
        public static void MarkConnectFailed(string name)
        {
            lock (Gate)
            {
                failedConnectName = name;
            }
        }

        /// <summary>The default (most recent) connection, or null before <c>Connect-Turnstile</c> and after every <c>Disconnect-Turnstile</c>.</summary>
        public static SessionConnection? Current
        {
            get
            {
                lock (Gate)
                {
                    return Connections.Count == 0 ? null : Connections[Connections.Count - 1].Value;
                }
            }
        }

        /// <summary>The default connection's name, or null when there is none.</summary>
        public static string? CurrentName
        {
            get
            {
                lock (Gate)
                {
                    return Connections.Count == 0 ? null : Connections[Connections.Count - 1].Key;
                }
            }
        }

        /// <summary>Every connection with its name, the default (most recent) first.</summary>
        public static IReadOnlyList<KeyValuePair<string, SessionConnection>> All
        {
            get
            {
                lock (Gate)
                {
                    var all = new List<KeyValuePair<string, SessionConnection>>(Connections);
                    all.Reverse();
                    return all;
                }
            }
        }

        /// <summary>Makes <paramref name="connection"/> the default under <see cref="DefaultName"/>, disposing the one it replaces.</summary>
        public static void Connect(SessionConnection connection) => Connect(DefaultName, connection);

        /// <summary>Keeps <paramref name="connection"/> under <paramref name="name"/> and makes it the default; an earlier one of that name is disposed.</summary>
        public static void Connect(string name, SessionConnection connection)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            SessionConnection? old;
            lock (Gate)
            {
                old = Take(name);
                Connections.Add(new KeyValuePair<string, SessionConnection>(name, connection));
                failedConnectName = null;
            }

            if (old != null && !ReferenceEquals(old, connection)) old.Dispose();
        }

        /// <summary>The connection kept under <paramref name="name"/>, or null.</summary>
        public static SessionConnection? Find(string name)
        {
            lock (Gate)
            {
                int index = IndexOf(name);
                return index < 0 ? null : Connections[index].Value;
            }
        }

        /// <summary>Drops and disposes every connection; true when there was one.</summary>
        public static bool Disconnect()
        {
            List<KeyValuePair<string, SessionConnection>> old;
            lock (Gate)
            {
                old = new List<KeyValuePair<string, SessionConnection>>(Connections);
                Connections.Clear();
                failedConnectName = null;
            }

            foreach (KeyValuePair<string, SessionConnection> pair in old)
            {
                pair.Value.Dispose();
            }

            return old.Count > 0;
        }

        /// <summary>Drops and disposes the connection named <paramref name="name"/>; true when there was one.</summary>
        public static bool Disconnect(string name)
        {
            SessionConnection? old;
            lock (Gate)
            {
                old = Take(name);
                if (failedConnectName == name)
                {
                    failedConnectName = null;
                }
            }

            old?.Dispose();
            return old != null;
        }

        private static SessionConnection? Take(string name)
        {
            int index = IndexOf(name);
            if (index < 0)
            {
                return null;
            }

            SessionConnection taken = Connections[index].Value;
            Connections.RemoveAt(index);
            return taken;
        }

        private static int IndexOf(string name) =>
            Connections.FindIndex(pair => string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase));
    }
}
