using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Listing;

namespace TurnstileWidgets.Session
{
    /// <summary>What <c>Get-TurnstileConnection</c> shows about a connection; never a secret.</summary>
    internal sealed class ConnectionDetails
    {
        /// <summary>Creates the details.</summary>
        public ConnectionDetails(string accountId, string authenticationScheme, Uri apiBaseUri, DateTimeOffset connectedOn, string? tokenStatus)
        {
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
        public static ConnectionDetails ForVerifiedClient(TurnstileClient client, DateTimeOffset connectedOn)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            string scheme = client.AuthenticationScheme;
            string? tokenStatus = string.Equals(scheme, "ApiToken", StringComparison.Ordinal) ? "active" : null;
            return new ConnectionDetails(client.AccountId, scheme, client.BaseUri, connectedOn, tokenStatus);
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
    }

    /// <summary>One verified connection: the client, what to show about it, and its completion cache.</summary>
    internal sealed class SessionConnection : IDisposable
    {
        /// <summary>How many listing pages a completion cache reads at most, so a huge account cannot stall Tab.</summary>
        public const int CompletionPageLimit = 5;

        /// <summary>Creates the connection; it owns <paramref name="client"/> and disposes it.</summary>
        public SessionConnection(TurnstileClient client, ConnectionDetails details)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            Details = details ?? throw new ArgumentNullException(nameof(details));
            Completions = new CompletionCache(cancellationToken => ReadWidgetNamesAsync(client, cancellationToken), () => DateTimeOffset.UtcNow);
        }

        /// <summary>The client.</summary>
        public TurnstileClient Client { get; }
        /// <summary>What <c>Get-TurnstileConnection</c> shows.</summary>
        public ConnectionDetails Details { get; }
        /// <summary>Sitekeys and names for argument completion, cached for a minute.</summary>
        public CompletionCache Completions { get; }

        /// <summary>Releases the client's connections.</summary>
        public void Dispose() => Client.Dispose();

        private static async Task<IReadOnlyList<WidgetName>> ReadWidgetNamesAsync(TurnstileClient client, CancellationToken cancellationToken)
        {
            var names = new List<WidgetName>();
            WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = PagingWindow.MaxPerPage });
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
    /// A thread-safe holder of the current connection. Replacing it disposes the old one; clearing it disposes it too.
    /// </summary>
    /// <typeparam name="TConnection">The connection type.</typeparam>
    internal sealed class ConnectionHolder<TConnection>
        where TConnection : class, IDisposable
    {
        private readonly object gate = new object();
        private TConnection? current;

        /// <summary>The current connection, or null when not connected.</summary>
        public TConnection? Current
        {
            get
            {
                lock (gate)
                {
                    return current;
                }
            }
        }

        /// <summary>Makes <paramref name="connection"/> current and disposes the one it replaces.</summary>
        public void Replace(TConnection connection)
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            TConnection? old;
            lock (gate)
            {
                old = current;
                current = connection;
            }

            if (old != null && !ReferenceEquals(old, connection)) old.Dispose();
        }

        /// <summary>Forgets and disposes the current connection; true when there was one.</summary>
        public bool Clear()
        {
            TConnection? old;
            lock (gate)
            {
                old = current;
                current = null;
            }

            old?.Dispose();
            return old != null;
        }
    }

    /// <summary>The process-wide connection every cmdlet uses.</summary>
    internal static class TurnstileSession
    {
        private static readonly ConnectionHolder<SessionConnection> Holder = new ConnectionHolder<SessionConnection>();

        /// <summary>The current connection, or null before <c>Connect-Turnstile</c> and after <c>Disconnect-Turnstile</c>.</summary>
        public static SessionConnection? Current => Holder.Current;

        /// <summary>Makes <paramref name="connection"/> current, disposing any earlier one.</summary>
        public static void Connect(SessionConnection connection) => Holder.Replace(connection);

        /// <summary>Drops the current connection, if any; true when there was one.</summary>
        public static bool Disconnect() => Holder.Clear();
    }
}
