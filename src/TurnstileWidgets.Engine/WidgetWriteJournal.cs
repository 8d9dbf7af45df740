using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// Which widgets this process has written in one account, and when, so that a reading taken before a write is never
    /// trusted after it: the rule behind "a reading is current only if nothing this process wrote to that widget after it
    /// was taken". Times are positions in one sequence (not clock times), so two events in the same tick still have an
    /// order. Thread-safe: every runspace and every connection of the process to the account share one journal
    /// (<see cref="ForAccount"/>).
    /// </summary>
    public sealed class WidgetWriteJournal
    {
        // One journal per account and API per process, whatever connection reads or writes: a reading taken through one
        // connection must not be trusted past a write made through another (a second Connect-Turnstile -Name to the
        // same account), exactly as WidgetWriteGate serialises writers whatever connection they use.
        private static readonly Dictionary<string, WidgetWriteJournal> Shared = new Dictionary<string, WidgetWriteJournal>(StringComparer.OrdinalIgnoreCase);

        private readonly object gate = new object();
        private readonly Dictionary<string, Entry> entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        private long position;

        /// <summary>
        /// The journal every connection of this process to <paramref name="accountId"/> through <paramref name="apiBaseUri"/>
        /// shares, so a write through any of them makes the others doubt their older readings.
        /// </summary>
        public static WidgetWriteJournal ForAccount(Uri apiBaseUri, string accountId)
        {
            if (apiBaseUri == null) throw new ArgumentNullException(nameof(apiBaseUri));
            if (accountId == null) throw new ArgumentNullException(nameof(accountId));
            string key = apiBaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "|" + accountId;
            lock (Shared)
            {
                if (!Shared.TryGetValue(key, out WidgetWriteJournal? journal))
                {
                    Shared[key] = journal = new WidgetWriteJournal();
                }

                return journal;
            }
        }

        /// <summary>The position now: take it before a read is sent, and give it to <see cref="IsCurrent"/> with the reading.</summary>
        public long Position
        {
            get
            {
                lock (gate)
                {
                    return position;
                }
            }
        }

        /// <summary>Records that a write to <paramref name="sitekey"/> is about to be sent; pair it with <see cref="EndWrite"/>.</summary>
        public void BeginWrite(string sitekey)
        {
            if (sitekey == null) throw new ArgumentNullException(nameof(sitekey));
            lock (gate)
            {
                position++;
                Entry entry = EntryLocked(sitekey);
                entry.InFlight++;
                entry.Answer = null;
            }
        }

        /// <summary>
        /// Records that the write to <paramref name="sitekey"/> has ended, however it ended. <paramref name="answer"/> is the
        /// widget the API answered with (null when the write failed, or answered no widget): it becomes the newest reading
        /// of the widget unless another write to it is still under way. Returns the answer's position.
        /// </summary>
        public long EndWrite(string sitekey, Widget? answer, DateTimeOffset answeredOn)
        {
            if (sitekey == null) throw new ArgumentNullException(nameof(sitekey));
            lock (gate)
            {
                Entry entry = EntryLocked(sitekey);
                entry.InFlight = Math.Max(0, entry.InFlight - 1);
                entry.LastWrite = ++position;
                entry.Answer = answer != null && entry.InFlight == 0 ? WithoutSecret(answer) : null;
                entry.AnsweredOn = answeredOn;
                return entry.LastWrite;
            }
        }

        /// <summary>
        /// True when a reading of <paramref name="sitekey"/> taken at <paramref name="readAt"/> (a <see cref="Position"/>
        /// taken before its request was sent, or the position <see cref="EndWrite"/> gave an answer) is still current:
        /// no write to the widget has ended after it, and none is under way.
        /// </summary>
        public bool IsCurrent(string sitekey, long readAt)
        {
            lock (gate)
            {
                return !entries.TryGetValue(sitekey, out Entry? entry) || (entry.InFlight == 0 && entry.LastWrite <= readAt);
            }
        }

        /// <summary>
        /// The answer to this connection's own last write to <paramref name="sitekey"/>, when nothing was written to it
        /// since and no write is under way: the newest reading of the widget (without its secret).
        /// </summary>
        public bool TryGetNewest(string sitekey, out Widget? widget, out long readAt, out DateTimeOffset readOn)
        {
            lock (gate)
            {
                if (entries.TryGetValue(sitekey, out Entry? entry) && entry.InFlight == 0 && entry.Answer != null)
                {
                    widget = entry.Answer;
                    readAt = entry.LastWrite;
                    readOn = entry.AnsweredOn;
                    return true;
                }

                widget = null;
                readAt = 0;
                readOn = default;
                return false;
            }
        }

        private Entry EntryLocked(string sitekey)
        {
            if (!entries.TryGetValue(sitekey, out Entry? entry))
            {
                entries[sitekey] = entry = new Entry();
            }

            return entry;
        }

        // The journal outlives the command that wrote: it keeps no secret.
        private static Widget WithoutSecret(Widget widget) => new Widget
        {
            Sitekey = widget.Sitekey,
            Name = widget.Name,
            Domains = widget.Domains,
            Mode = widget.Mode,
            Region = widget.Region,
            ClearanceLevel = widget.ClearanceLevel,
            BotFightMode = widget.BotFightMode,
            EphemeralId = widget.EphemeralId,
            Offlabel = widget.Offlabel,
            CreatedOn = widget.CreatedOn,
            ModifiedOn = widget.ModifiedOn,
            DeployedVia = widget.DeployedVia,
            LastModifiedVia = widget.LastModifiedVia,
            UnrecognizedValues = widget.UnrecognizedValues,
        };

        private sealed class Entry
        {
            public int InFlight;
            public long LastWrite;
            public Widget? Answer;
            public DateTimeOffset AnsweredOn;
        }
    }

    /// <summary>
    /// One writer per widget at a time in this process: a read-merge-write of a widget (GET, merge, PUT) holds the widget's
    /// gate, so concurrent updates from several runspaces each start from the previous one's result and none is lost.
    /// Different widgets never wait for each other. Keyed by account and sitekey, whatever connection writes.
    /// </summary>
    public static class WidgetWriteGate
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Slot> Slots = new Dictionary<string, Slot>(StringComparer.Ordinal);

        /// <summary>Waits until no other writer holds the widget, then holds it until the result is disposed.</summary>
        public static IDisposable Enter(string accountId, string sitekey, CancellationToken cancellationToken)
        {
            Slot slot = Take(accountId, sitekey);
            try
            {
                slot.Semaphore.Wait(cancellationToken);
            }
            catch
            {
                Give(slot);
                throw;
            }

            return new Holder(slot);
        }

        /// <summary>As <see cref="Enter"/>, for async callers.</summary>
        public static async Task<IDisposable> EnterAsync(string accountId, string sitekey, CancellationToken cancellationToken)
        {
            Slot slot = Take(accountId, sitekey);
            try
            {
                await slot.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Give(slot);
                throw;
            }

            return new Holder(slot);
        }

        private static Slot Take(string accountId, string sitekey)
        {
            string key = (accountId ?? "") + "/" + (sitekey ?? "");
            lock (Gate)
            {
                if (!Slots.TryGetValue(key, out Slot? slot))
                {
                    Slots[key] = slot = new Slot(key);
                }

                slot.Users++;
                return slot;
            }
        }

        // A slot lives only while someone holds or waits for it, so the table stays as small as the writes under way.
        private static void Give(Slot slot)
        {
            lock (Gate)
            {
                if (--slot.Users == 0)
                {
                    Slots.Remove(slot.Key);
                    slot.Semaphore.Dispose();
                }
            }
        }

        private sealed class Slot
        {
            public Slot(string key) => Key = key;

            public string Key { get; }
            public SemaphoreSlim Semaphore { get; } = new SemaphoreSlim(1, 1);
            public int Users;
        }

        private sealed class Holder : IDisposable
        {
            private Slot? slot;

            public Holder(Slot slot) => this.slot = slot;

            public void Dispose()
            {
                Slot? held = Interlocked.Exchange(ref slot, null);
                if (held != null)
                {
                    held.Semaphore.Release();
                    Give(held);
                }
            }
        }
    }
}
