using System.Collections.Generic;
using System.Runtime.CompilerServices;

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

        // Fixed-size chunks rather than one growing array: growing by doubling would allocate twice what is kept.
        private const int ChunkSize = 4096;

        private List<ulong[]>? history = new List<ulong[]>();
        private int historyCount;
        // Where each recent page starts in the history; the page being read starts at windowStart.
        private Queue<int>? windowStarts = new Queue<int>();
        private int windowStart;
        private HashSet<ulong>? recent = new HashSet<ulong>();
        private HashSet<ulong>? all;


        /// <summary>Widgets remembered.</summary>
        internal int Count => all?.Count ?? historyCount;

        /// <summary>Remembers a returned widget; false when it was returned before (as far as this set can tell).</summary>
        [MethodImpl(HotPath.Optimized)]
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
            int offset = historyCount % ChunkSize;
            if (offset == 0)
            {
                history!.Add(new ulong[ChunkSize]);
            }
            history![historyCount / ChunkSize][offset] = hash;
            historyCount++;
            return true;
        }

        /// <summary>Closes the page being read: the oldest page beyond <see cref="RecentWindows"/> leaves the small set.</summary>
        internal void EndWindow()
        {
            if (all != null || historyCount == windowStart)
            {
                return;
            }
            windowStarts!.Enqueue(windowStart);
            windowStart = historyCount;
            while (windowStarts.Count > RecentWindows)
            {
                int from = windowStarts.Dequeue();
                int to = windowStarts.Peek();
                for (int i = from; i < to; i++)
                {
                    recent!.Remove(At(i));
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
            var set = new HashSet<ulong>();
            for (int i = 0; i < historyCount; i++)
            {
                set.Add(At(i));
            }
            all = set;
            history = null;
            recent = null;
            windowStarts = null;
        }

        private ulong At(int index) => history![index / ChunkSize][index % ChunkSize];

        /// <summary>FNV-1a over the UTF-16 code units, then MurmurHash3's 64-bit finaliser to spread the bits.</summary>
        [MethodImpl(HotPath.Optimized)]
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
