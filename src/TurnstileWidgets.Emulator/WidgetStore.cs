using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;

namespace TurnstileWidgets.Emulator
{
    internal enum ListOrder
    {
        Id,
        Sitekey,
        Name,
        CreatedOn,
        ModifiedOn,
    }

    internal enum FilterField
    {
        None,
        Name,
        Sitekey,
    }

    internal sealed record ListQuery(long Page, int PerPage, ListOrder Order, bool Descending, FilterField FilterField, string FilterValue);

    internal sealed record ListPage(Widget[] Items, int TotalCount);

    /// <summary>
    /// All widgets of the one account. One lock guards everything; the insertion-ordered list (sorted by Sequence) plus a
    /// dictionary by sitekey keeps the default listing O(page) and lookups O(1). Other orders sort on demand and are cached
    /// until the next change.
    /// </summary>
    internal sealed class WidgetStore
    {
        public static readonly TimeSpan GracePeriod = TimeSpan.FromHours(2);

        private const string KeyPrefix = "0x4AAAAAAA";
        private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // Cloudflare's sitekeys are 24 or 25 characters (0x4AAAAAAAEe4wQdBshJxBeK, 0x4AAF00AAAABn0R22HWm-YUc),
        // its secrets about 35: tests and table views see real lengths.
        private const int MinSitekeyLength = 24;
        private const int MaxSitekeyLength = 25;
        private const int SecretLength = 35;

        private readonly Lock gate = new();
        private readonly List<Widget> ordered = new();
        private readonly Dictionary<string, Widget> bySitekey = new(StringComparer.Ordinal);
        private readonly Dictionary<ListOrder, Widget[]> sorted = new();
        private readonly TimeProvider clock;
        private readonly StateFile? stateFile;
        private long nextSequence = 1;
        private long version;

        public WidgetStore(TimeProvider clock, StateFile? stateFile)
        {
            this.clock = clock;
            this.stateFile = stateFile;
            if (stateFile is not null)
            {
                (IReadOnlyList<Widget> widgets, long nextSequence) = stateFile.Open();
                foreach (Widget widget in widgets)
                {
                    ordered.Add(widget);
                    bySitekey.Add(widget.Sitekey, widget);
                }

                this.nextSequence = nextSequence;
                try
                {
                    // Written at once, so a file from an older emulator gets today's format and owner-only mode.
                    Persist();
                }
                catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
                {
                    stateFile.Dispose();
                    throw stateFile.CannotWrite(e);
                }
            }
        }

        public int Count
        {
            get { lock (gate) { return ordered.Count; } }
        }

        public Widget Create(WidgetInput input)
        {
            Widget widget;
            lock (gate)
            {
                DateTimeOffset now = Now();
                widget = new Widget
                {
                    Sequence = nextSequence++,
                    Sitekey = NewSitekey(),
                    Secret = NewSecret(),
                    Name = input.Name,
                    Domains = input.Domains,
                    Mode = input.Mode,
                    Region = input.Region ?? "world",
                    ClearanceLevel = input.ClearanceLevel ?? "no_clearance",
                    BotFightMode = input.BotFightMode ?? false,
                    EphemeralId = input.EphemeralId ?? false,
                    Offlabel = input.Offlabel ?? false,
                    CreatedOn = now,
                    ModifiedOn = now,
                };
                ordered.Add(widget);
                bySitekey.Add(widget.Sitekey, widget);
                Changed();
            }

            Persist();
            return widget;
        }

        private readonly HashSet<string> driftValues = new(StringComparer.Ordinal);

        public Widget? Get(string sitekey)
        {
            lock (gate)
            {
                return bySitekey.GetValueOrDefault(sitekey);
            }
        }

        public ApiError? Update(string sitekey, WidgetInput input, out Widget? updated)
        {
            lock (gate)
            {
                updated = null;
                if (!bySitekey.TryGetValue(sitekey, out Widget? current))
                {
                    return ApiError.WidgetNotFound;
                }

                if (input.Region is not null && input.Region != current.Region)
                {
                    return ApiError.RegionChange;
                }

                updated = current with
                {
                    Name = input.Name,
                    Domains = input.Domains,
                    Mode = input.Mode,
                    ClearanceLevel = input.ClearanceLevel ?? current.ClearanceLevel,
                    BotFightMode = input.BotFightMode ?? current.BotFightMode,
                    EphemeralId = input.EphemeralId ?? current.EphemeralId,
                    Offlabel = input.Offlabel ?? current.Offlabel,
                    ModifiedOn = Now(),
                };
                Replace(current, updated);
            }

            Persist();
            return null;
        }

        /// <summary>
        /// Simulates API drift (<c>PATCH /__emulator/widgets/{sitekey}</c>): stores the given wire fields verbatim, without
        /// the API's validation, and remembers each value of mode, region and clearance_level as one the API now knows, so
        /// a later create or update may send it back. Null when the widget does not exist.
        /// </summary>
        public Widget? Drift(string sitekey, WidgetDrift drift)
        {
            Widget updated;
            lock (gate)
            {
                if (!bySitekey.TryGetValue(sitekey, out Widget? current))
                {
                    return null;
                }

                updated = current with
                {
                    Name = drift.Name ?? current.Name,
                    Domains = drift.Domains ?? current.Domains,
                    Mode = drift.Mode ?? current.Mode,
                    Region = drift.Region ?? current.Region,
                    ClearanceLevel = drift.ClearanceLevel ?? current.ClearanceLevel,
                    BotFightMode = drift.BotFightMode ?? current.BotFightMode,
                    EphemeralId = drift.EphemeralId ?? current.EphemeralId,
                    Offlabel = drift.Offlabel ?? current.Offlabel,
                    ModifiedOn = Now(),
                };
                Replace(current, updated);
                foreach ((string field, string? value) in new[] { ("mode", drift.Mode), ("region", drift.Region), ("clearance_level", drift.ClearanceLevel) })
                {
                    if (value is not null)
                    {
                        driftValues.Add(field + "\n" + value);
                    }
                }
            }

            Persist();
            return updated;
        }

        /// <summary>True when <paramref name="value"/> of <paramref name="field"/> was stored by <see cref="Drift"/>: the API "knows" it now.</summary>
        public bool IsDriftValue(string field, string value)
        {
            lock (gate)
            {
                return driftValues.Contains(field + "\n" + value);
            }
        }

        public Widget? Delete(string sitekey)
        {
            Widget? removed;
            lock (gate)
            {
                if (!bySitekey.Remove(sitekey, out removed))
                {
                    return null;
                }

                ordered.RemoveAt(IndexOf(removed));
                Changed();
            }

            Persist();
            return removed;
        }

        public ApiError? Rotate(string sitekey, bool invalidateImmediately, out Widget? rotated)
        {
            lock (gate)
            {
                rotated = null;
                if (!bySitekey.TryGetValue(sitekey, out Widget? current))
                {
                    return ApiError.WidgetNotFound;
                }

                DateTimeOffset now = Now();
                if (current.InGracePeriod(now))
                {
                    return new ApiError(400, ApiError.RotationRefusedCode,
                        $"cannot rotate the secret: the previous secret is still in its grace period until {Timestamps.Format(current.PreviousSecretExpiresOn!.Value)}; " +
                        "secrets cannot be rotated again during the two-hour grace period, try again after it ends");
                }

                rotated = current with
                {
                    Secret = NewSecret(),
                    PreviousSecret = invalidateImmediately ? null : current.Secret,
                    PreviousSecretExpiresOn = invalidateImmediately ? null : now + GracePeriod,
                    ModifiedOn = now,
                };
                Replace(current, rotated);
            }

            Persist();
            return null;
        }

        /// <summary>Whether a secret currently works: some widget's current secret, or a previous one inside its grace period.</summary>
        public SecretCheckResult CheckSecret(string secret)
        {
            lock (gate)
            {
                DateTimeOffset now = clock.GetUtcNow();
                foreach (Widget widget in ordered)
                {
                    if (FixedTimeEquals(widget.Secret, secret))
                    {
                        return new SecretCheckResult { Valid = true, Sitekey = widget.Sitekey, Which = "current" };
                    }

                    if (widget.PreviousSecret is not null && FixedTimeEquals(widget.PreviousSecret, secret) && widget.InGracePeriod(now))
                    {
                        return new SecretCheckResult
                        {
                            Valid = true,
                            Sitekey = widget.Sitekey,
                            Which = "previous",
                            ExpiresOn = Timestamps.Format(widget.PreviousSecretExpiresOn!.Value),
                        };
                    }
                }
            }

            return new SecretCheckResult { Valid = false };
        }

        public ListPage List(ListQuery query)
        {
            lock (gate)
            {
                IReadOnlyList<Widget> source = query.Order == ListOrder.Id ? ordered : Sorted(query.Order);
                if (query.FilterField != FilterField.None && query.FilterValue.Length > 0)
                {
                    var matches = new List<Widget>();
                    foreach (Widget widget in source)
                    {
                        string text = query.FilterField == FilterField.Name ? widget.Name : widget.Sitekey;
                        if (text.Contains(query.FilterValue, StringComparison.OrdinalIgnoreCase))
                        {
                            matches.Add(widget);
                        }
                    }

                    source = matches;
                }

                int total = source.Count;
                long start = (query.Page - 1) * (long)query.PerPage;
                if (start >= total)
                {
                    return new ListPage(Array.Empty<Widget>(), total);
                }

                int count = (int)Math.Min(query.PerPage, total - start);
                var items = new Widget[count];
                for (int i = 0; i < count; i++)
                {
                    long position = start + i;
                    items[i] = source[(int)(query.Descending ? total - 1 - position : position)];
                }

                return new ListPage(items, total);
            }
        }

        /// <summary>Creates widgets in bulk for benchmarks: one lock, one state-file write.</summary>
        public int Seed(int count, string namePrefix)
        {
            lock (gate)
            {
                DateTimeOffset now = Now();
                string[] domains = { "example.com" };
                for (int i = 0; i < count; i++)
                {
                    var widget = new Widget
                    {
                        Sequence = nextSequence,
                        Sitekey = NewSitekey(),
                        Secret = NewSecret(),
                        Name = namePrefix + nextSequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Domains = domains,
                        Mode = "managed",
                        CreatedOn = now,
                        ModifiedOn = now,
                    };
                    nextSequence++;
                    ordered.Add(widget);
                    bySitekey.Add(widget.Sitekey, widget);
                }

                Changed();
            }

            Persist();
            return count;
        }

        public void Clear()
        {
            lock (gate)
            {
                ordered.Clear();
                bySitekey.Clear();
                driftValues.Clear();
                Changed();
            }

            Persist();
        }

        private DateTimeOffset Now() => Timestamps.Truncate(clock.GetUtcNow());

        private void Changed()
        {
            version++;
            sorted.Clear();
        }

        private void Replace(Widget current, Widget updated)
        {
            ordered[IndexOf(current)] = updated;
            bySitekey[updated.Sitekey] = updated;
            Changed();
        }

        /// <summary>The list is sorted by Sequence, so a binary search finds a widget's position.</summary>
        private int IndexOf(Widget widget)
        {
            int lo = 0, hi = ordered.Count - 1;
            while (lo <= hi)
            {
                int mid = lo + ((hi - lo) >> 1);
                long sequence = ordered[mid].Sequence;
                if (sequence == widget.Sequence)
                {
                    return mid;
                }

                if (sequence < widget.Sequence)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            throw new InvalidOperationException("The widget store lost track of a widget's position.");
        }

        private Widget[] Sorted(ListOrder order)
        {
            if (this.sorted.TryGetValue(order, out Widget[]? cached))
            {
                return cached;
            }

            Widget[] sorted = ordered.ToArray();
            Comparison<Widget> compare = order switch
            {
                ListOrder.Sitekey => static (a, b) => string.CompareOrdinal(a.Sitekey, b.Sitekey),
                ListOrder.Name => static (a, b) => Tie(string.CompareOrdinal(a.Name, b.Name), a, b),
                ListOrder.CreatedOn => static (a, b) => Tie(a.CreatedOn.CompareTo(b.CreatedOn), a, b),
                _ => static (a, b) => Tie(a.ModifiedOn.CompareTo(b.ModifiedOn), a, b),
            };
            Array.Sort(sorted, compare);
            this.sorted[order] = sorted;
            return sorted;

            static int Tie(int result, Widget a, Widget b) => result != 0 ? result : a.Sequence.CompareTo(b.Sequence);
        }

        private void Persist()
        {
            if (stateFile is null)
            {
                return;
            }

            Widget[] snapshot;
            long version, nextSequence;
            lock (gate)
            {
                snapshot = ordered.ToArray();
                version = this.version;
                nextSequence = this.nextSequence;
            }

            stateFile.Save(snapshot, nextSequence, version);
        }

        private string NewSitekey()
        {
            string sitekey;
            do
            {
                int length = RandomNumberGenerator.GetInt32(MinSitekeyLength, MaxSitekeyLength + 1);
                sitekey = KeyPrefix + RandomNumberGenerator.GetString(KeyAlphabet, length - KeyPrefix.Length);
            }
            while (bySitekey.ContainsKey(sitekey));

            return sitekey;
        }

        private static string NewSecret() => KeyPrefix + RandomNumberGenerator.GetString(KeyAlphabet, SecretLength - KeyPrefix.Length);

        private static bool FixedTimeEquals(string a, string b) =>
            CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
    }
}
