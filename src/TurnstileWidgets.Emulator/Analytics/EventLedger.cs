using System;
using System.Collections.Generic;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>The Turnstile event types Cloudflare names (the Logpush <c>turnstile_events</c> EventType list).</summary>
    internal static class TurnstileEventTypes
    {
        public const string Issued = "challenge_issued";
        public const string NonInteractiveSolved = "challenge_non_interactive_solved";
        public const string InteractiveSolved = "challenge_interactive_solved";
        public const string NonInteractiveSiteverifySolved = "challenge_non_interactive_siteverify_solved";
        public const string InteractiveSiteverifySolved = "challenge_interactive_siteverify_solved";
        public const string ClearanceSiteverifySolved = "challenge_clearance_siteverify_solved";
        public const string SiteverifyFailedDoubleRedemption = "challenge_siteverify_failed_double_redemption";
        public const string SiteverifyFailedInvalidToken = "challenge_siteverify_failed_invalid_token";
        public const string SiteverifyFailedOther = "challenge_siteverify_failed_other";
        public const string SiteverifyRateLimited = "challenge_siteverify_ratelimited";
    }

    /// <summary>One aggregated cell: every event with the same dimensions in the same second (UnixSeconds: UTC seconds since 1970).</summary>
    internal readonly record struct EventKey(string Sitekey, string EventType, string Action, string Hostname, string CountryCode, long UnixSeconds);

    /// <summary>An aggregated cell and its count, as a query reads it.</summary>
    internal readonly record struct EventCell(EventKey Key, long Count);

    /// <summary>
    /// The analytics events of every account, kept aggregated: one counter per (sitekey, event type, action, hostname,
    /// country, second), with the repeated strings shared, so seeding a week of events for thousands of widgets costs
    /// a few megabytes, not one object per event.
    /// </summary>
    internal sealed class EventLedger
    {
        private readonly Dictionary<string, Dictionary<EventKey, long>> byAccount = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
        private readonly object gate = new();

        public EventLedger(IEnumerable<string> accountIds)
        {
            foreach (string id in accountIds)
            {
                byAccount.Add(id, new Dictionary<EventKey, long>());
            }
        }

        public bool Serves(string accountId) => byAccount.ContainsKey(accountId);

        /// <summary>Adds events; all of them or, when the account is not served, none.</summary>
        public void Record(string accountId, IReadOnlyList<EventKey> keys, IReadOnlyList<long> counts)
        {
            lock (gate)
            {
                Dictionary<EventKey, long> cells = byAccount[accountId];
                for (int i = 0; i < keys.Count; i++)
                {
                    EventKey key = Shared(keys[i]);
                    cells[key] = cells.TryGetValue(key, out long n) ? checked(n + counts[i]) : counts[i];
                }
            }
        }

        public void Record(string accountId, EventKey key, long count = 1) => Record(accountId, new[] { key }, new[] { count });

        /// <summary>A copy of the account's cells that pass <paramref name="keep"/>, taken under the lock so a query sees one moment.</summary>
        public List<EventCell> Read(string accountId, Func<EventKey, bool> keep)
        {
            lock (gate)
            {
                var result = new List<EventCell>();
                foreach (KeyValuePair<EventKey, long> cell in byAccount[accountId])
                {
                    if (keep(cell.Key))
                    {
                        result.Add(new EventCell(cell.Key, cell.Value));
                    }
                }

                return result;
            }
        }

        public void Clear()
        {
            lock (gate)
            {
                foreach (Dictionary<EventKey, long> cells in byAccount.Values)
                {
                    cells.Clear();
                }

                strings.Clear();
            }
        }

        public void Clear(string accountId)
        {
            lock (gate)
            {
                byAccount[accountId].Clear();
            }
        }

        private EventKey Shared(EventKey key) =>
            key with
            {
                Sitekey = Share(key.Sitekey),
                EventType = Share(key.EventType),
                Action = Share(key.Action),
                Hostname = Share(key.Hostname),
                CountryCode = Share(key.CountryCode),
            };

        private string Share(string value)
        {
            if (strings.TryGetValue(value, out string? shared))
            {
                return shared;
            }

            strings.Add(value, value);
            return value;
        }
    }
}
