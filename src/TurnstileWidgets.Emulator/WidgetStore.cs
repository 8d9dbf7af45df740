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

        private readonly Lock _lock = new();
        private readonly List<Widget> _ordered = new();
        private readonly Dictionary<string, Widget> _bySitekey = new(StringComparer.Ordinal);
        private readonly Dictionary<ListOrder, Widget[]> _sorted = new();
        private readonly TimeProvider _clock;
        private readonly StateFile? _stateFile;
        private long _nextSequence = 1;
        private long _version;

        public WidgetStore(TimeProvider clock, StateFile? stateFile)
        {
            _clock = clock;
            _stateFile = stateFile;
            if (stateFile is not null)
            {
                (IReadOnlyList<Widget> widgets, long nextSequence) = stateFile.Open();
                foreach (Widget widget in widgets)
                {
                    _ordered.Add(widget);
                    _bySitekey.Add(widget.Sitekey, widget);
                }

                _nextSequence = nextSequence;
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
            get { lock (_lock) { return _ordered.Count; } }
        }

        public Widget Create(WidgetInput input)
        {
            Widget widget;
            lock (_lock)
            {
                DateTimeOffset now = Now();
                widget = new Widget
                {
                    Sequence = _nextSequence++,
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
                _ordered.Add(widget);
                _bySitekey.Add(widget.Sitekey, widget);
                Changed();
            }

            Persist();
            return widget;
        }

        public Widget? Get(string sitekey)
        {
            lock (_lock)
            {
                return _bySitekey.GetValueOrDefault(sitekey);
            }
        }

        public ApiError? Update(string sitekey, WidgetInput input, out Widget? updated)
        {
            lock (_lock)
            {
                updated = null;
                if (!_bySitekey.TryGetValue(sitekey, out Widget? current))
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

        public Widget? Delete(string sitekey)
        {
            Widget? removed;
            lock (_lock)
            {
                if (!_bySitekey.Remove(sitekey, out removed))
                {
                    return null;
                }

                _ordered.RemoveAt(IndexOf(removed));
                Changed();
            }

            Persist();
            return removed;
        }

        public ApiError? Rotate(string sitekey, bool invalidateImmediately, out Widget? rotated)
        {
            lock (_lock)
            {
                rotated = null;
                if (!_bySitekey.TryGetValue(sitekey, out Widget? current))
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
            lock (_lock)
            {
                DateTimeOffset now = _clock.GetUtcNow();
                foreach (Widget widget in _ordered)
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
            lock (_lock)
            {
                IReadOnlyList<Widget> source = query.Order == ListOrder.Id ? _ordered : Sorted(query.Order);
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
            lock (_lock)
            {
                DateTimeOffset now = Now();
                string[] domains = { "example.com" };
                for (int i = 0; i < count; i++)
                {
                    var widget = new Widget
                    {
                        Sequence = _nextSequence,
                        Sitekey = NewSitekey(),
                        Secret = NewSecret(),
                        Name = namePrefix + _nextSequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Domains = domains,
                        Mode = "managed",
                        CreatedOn = now,
                        ModifiedOn = now,
                    };
                    _nextSequence++;
                    _ordered.Add(widget);
                    _bySitekey.Add(widget.Sitekey, widget);
                }

                Changed();
            }

            Persist();
            return count;
        }

        public void Clear()
        {
            lock (_lock)
            {
                _ordered.Clear();
                _bySitekey.Clear();
                Changed();
            }

            Persist();
        }

        private DateTimeOffset Now() => Timestamps.Truncate(_clock.GetUtcNow());

        private void Changed()
        {
            _version++;
            _sorted.Clear();
        }

        private void Replace(Widget current, Widget updated)
        {
            _ordered[IndexOf(current)] = updated;
            _bySitekey[updated.Sitekey] = updated;
            Changed();
        }

        /// <summary>The list is sorted by Sequence, so a binary search finds a widget's position.</summary>
        private int IndexOf(Widget widget)
        {
            int lo = 0, hi = _ordered.Count - 1;
            while (lo <= hi)
            {
                int mid = lo + ((hi - lo) >> 1);
                long sequence = _ordered[mid].Sequence;
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
            if (_sorted.TryGetValue(order, out Widget[]? cached))
            {
                return cached;
            }

            Widget[] sorted = _ordered.ToArray();
            Comparison<Widget> compare = order switch
            {
                ListOrder.Sitekey => static (a, b) => string.CompareOrdinal(a.Sitekey, b.Sitekey),
                ListOrder.Name => static (a, b) => Tie(string.CompareOrdinal(a.Name, b.Name), a, b),
                ListOrder.CreatedOn => static (a, b) => Tie(a.CreatedOn.CompareTo(b.CreatedOn), a, b),
                _ => static (a, b) => Tie(a.ModifiedOn.CompareTo(b.ModifiedOn), a, b),
            };
            Array.Sort(sorted, compare);
            _sorted[order] = sorted;
            return sorted;

            static int Tie(int result, Widget a, Widget b) => result != 0 ? result : a.Sequence.CompareTo(b.Sequence);
        }

        private void Persist()
        {
            if (_stateFile is null)
            {
                return;
            }

            Widget[] snapshot;
            long version, nextSequence;
            lock (_lock)
            {
                snapshot = _ordered.ToArray();
                version = _version;
                nextSequence = _nextSequence;
            }

            _stateFile.Save(snapshot, nextSequence, version);
        }

        private string NewSitekey()
        {
            string sitekey;
            do
            {
                int length = RandomNumberGenerator.GetInt32(MinSitekeyLength, MaxSitekeyLength + 1);
                sitekey = KeyPrefix + RandomNumberGenerator.GetString(KeyAlphabet, length - KeyPrefix.Length);
            }
            while (_bySitekey.ContainsKey(sitekey));

            return sitekey;
        }

        private static string NewSecret() => KeyPrefix + RandomNumberGenerator.GetString(KeyAlphabet, SecretLength - KeyPrefix.Length);

        private static bool FixedTimeEquals(string a, string b) =>
            CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
    }
}
