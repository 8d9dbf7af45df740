using System.Collections.Generic;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>
    /// The widgets a listing has returned, by a 64-bit hash of the sitekey. While nothing has moved, the listing only
    /// ever needs to recognise widgets of its last few pages (a page repeated because another client created widgets),
    /// so those sit in a small set and every other hash in a flat array: 8 bytes a widget, which keeps a long
    /// undisturbed listing's memory flat. Once something moves, any returned widget may turn up again anywhere, so
    /// the array becomes one set.
    /// </summary>
    /// <remarks>
    /// Hashes, not the sitekey strings: a string costs about 70 bytes where a hash costs 8, and a collision can only
    /// make a widget look returned already (skipped, never repeated), with odds below 1e-9 at 100,000 widgets.
    /// </remarks>
    internal sealed class EmittedSitekeys
    {
        /// <summary>Pages whose widgets stay in the small set while the listing is undisturbed.</summary>
        internal const int RecentWindows = 10;

        private Queue<List<ulong>>? recentWindows = new Queue<List<ulong>>();
        private HashSet<ulong>? recent = new HashSet<ulong>();
        private List<ulong>? window = new List<ulong>();
        private List<ulong>? history = new List<ulong>();
        private HashSet<ulong>? all;

        /// <summary>True once <see cref="MarkDisturbed"/> was called.</summary>
        internal bool Disturbed => all != null;

        /// <summary>Widgets remembered.</summary>
        internal int Count => all?.Count ?? history!.Count;

        /// <summary>Remembers a returned widget; false when it was returned before (as far as this set can tell).</summary>
        internal bool Add(string sitekey)
        {
            ulong hash = Hash(sitekey);
            if (all != null)
            {
                return all.Add(hash);
            }
            if (!recent!.Add(hash))
            {
                return false;
            }
            window!.Add(hash);
            history!.Add(hash);
            return true;
        }

        /// <summary>True when the widget was returned before; in undisturbed mode only the recent pages are checked.</summary>
        internal bool Contains(string sitekey)
        {
            ulong hash = Hash(sitekey);
            return all != null ? all.Contains(hash) : recent!.Contains(hash);
        }

        /// <summary>Closes the page being read: the oldest page beyond <see cref="RecentWindows"/> leaves the small set.</summary>
        internal void EndWindow()
        {
            if (all != null || window!.Count == 0)
            {
                return;
            }
            recentWindows!.Enqueue(window);
            window = new List<ulong>();
            while (recentWindows.Count > RecentWindows)
            {
                foreach (ulong hash in recentWindows.Dequeue())
                {
                    recent!.Remove(hash);
                }
            }
        }

        /// <summary>From now on every returned widget is checked, not just the recent ones.</summary>
        internal void MarkDisturbed()
        {
            if (all != null)
            {
                return;
            }
            all = new HashSet<ulong>(history!);
            history = null;
            recent = null;
            recentWindows = null;
            window = null;
        }

        /// <summary>FNV-1a over the UTF-16 code units, then MurmurHash3's 64-bit finaliser to spread the bits.</summary>
        internal static ulong Hash(string text)
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in text)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            hash ^= hash >> 33;
            hash *= 0xff51afd7ed558ccdUL;
            hash ^= hash >> 33;
            hash *= 0xc4ceb53fe63ad49bUL;
            hash ^= hash >> 33;
            return hash;
        }
    }
}
