using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// A writing cmdlet's own progress bar: how many widgets are done, by outcome ("12 updated, 1 failed"), the rate, and
    /// when the total is known (Sync's plan, a -Sitekey list) the percentage and an estimate of the time left, which
    /// while requests are paced is what the rate limit allows. A pipeline's total is not known upfront (the listing
    /// upstream is still reading), so piped input shows the count and the rate only.
    /// </summary>
    internal sealed class WriteProgressBar
    {
        // Each cmdlet's own bar, apart from the listing's (1) and the rate-limit wait's (2), so a pipeline shows each stage.
        internal const int NewActivityId = 11;
        internal const int SetActivityId = 12;
        internal const int RemoveActivityId = 13;
        internal const int SyncActivityId = 14;
        internal const int RotationActivityId = 15;

        // Redraw at most this often: a bar per widget would cost more than the update at thousands of widgets.
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

        private readonly int activityId;
        private readonly string activity;
        private readonly Stopwatch clock = new Stopwatch();
        private readonly List<KeyValuePair<string, long>> outcomes = new List<KeyValuePair<string, long>>();
        private TimeSpan lastShown = TimeSpan.MinValue;
        private bool shown;

        /// <summary>A bar with <paramref name="activityId"/> and <paramref name="activity"/> (e.g. <c>Updating Turnstile widgets</c>).</summary>
        public WriteProgressBar(int activityId, string activity)
        {
            this.activityId = activityId;
            this.activity = activity;
        }

        /// <summary>How many widgets there are in all, when known; null for piped input.</summary>
        public long? Total { get; set; }

        /// <summary>Widgets done so far, whatever their outcome.</summary>
        public long Done { get; private set; }

        /// <summary>Starts the clock (the rate counts from the first widget's start); later calls do nothing.</summary>
        public void Start()
        {
            if (!clock.IsRunning)
            {
                clock.Start();
            }
        }

        /// <summary>
        /// Counts one widget as <paramref name="outcome"/> (<c>updated</c>, <c>failed</c>, ...) and returns the record to
        /// write, or null while the bar was redrawn less than a quarter second ago.
        /// </summary>
        public ProgressRecord? Count(string outcome)
        {
            Start();
            Done++;
            int index = outcomes.FindIndex(pair => pair.Key == outcome);
            if (index < 0)
            {
                outcomes.Add(new KeyValuePair<string, long>(outcome, 1));
            }
            else
            {
                outcomes[index] = new KeyValuePair<string, long>(outcome, outcomes[index].Value + 1);
            }

            TimeSpan now = clock.Elapsed;
            bool last = Total.HasValue && Done >= Total.Value;
            if (shown && !last && now - lastShown < Interval)
            {
                return null;
            }

            lastShown = now;
            shown = true;
            return Record(now);
        }

        /// <summary>The record that closes the bar; null when it was never shown.</summary>
        public ProgressRecord? Completed()
        {
            if (!shown)
            {
                return null;
            }

            shown = false;
            return new ProgressRecord(activityId, activity, Status(clock.Elapsed)) { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };
        }

        private ProgressRecord Record(TimeSpan elapsed)
        {
            var record = new ProgressRecord(activityId, activity, Status(elapsed));
            if (Total.HasValue && Total.Value > 0)
            {
                record.PercentComplete = (int)Math.Min(100, Done * 100 / Total.Value);
                double rate = Rate(elapsed);
                long left = Total.Value - Done;
                if (rate > 0 && left > 0)
                {
                    record.SecondsRemaining = (int)Math.Ceiling(left / rate);
                }
            }

            return record;
        }

        private double Rate(TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? Done / elapsed.TotalSeconds : 0;

        private string Status(TimeSpan elapsed)
        {
            string counts = string.Join(", ", outcomes.Select(pair => pair.Value.ToString("N0", CultureInfo.InvariantCulture) + " " + pair.Key));
            string of = Total.HasValue ? " (" + Done.ToString("N0", CultureInfo.InvariantCulture) + " of " + Total.Value.ToString("N0", CultureInfo.InvariantCulture) + ")" : "";
            double rate = Rate(elapsed);
            string speed = Done > 1 && rate > 0 ? string.Format(CultureInfo.InvariantCulture, "; {0:0.#} widgets/s", rate) : "";
            return counts + of + speed;
        }
    }
}
