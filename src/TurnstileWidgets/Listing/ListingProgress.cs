using System;
using System.Globalization;
using System.Management.Automation;

namespace TurnstileWidgets.Listing
{
    /// <summary>What the progress bar shows while a listing reads its pages.</summary>
    internal sealed class ListingProgress
    {
        /// <summary>The progress bar's activity.</summary>
        public const string Activity = "Listing Turnstile widgets";

        private ListingProgress(int percentComplete, string statusDescription, bool shouldShow)
        {
            PercentComplete = percentComplete;
            StatusDescription = statusDescription;
            ShouldShow = shouldShow;
        }

        /// <summary>0 to 100, or -1 when the total is unknown.</summary>
        public int PercentComplete { get; }
        /// <summary>e.g. <c>Read 3,000 of 10,000 widgets</c>.</summary>
        public string StatusDescription { get; }
        /// <summary>
        /// False while a single page covers the listing: progress only appears when there is more than one page.
        /// </summary>
        public bool ShouldShow { get; }

        /// <summary>The record to write: <paramref name="completed"/> closes the bar.</summary>
        public ProgressRecord ToProgressRecord(bool completed) => new ProgressRecord(ActivityId, Activity, StatusDescription)
        {
            PercentComplete = completed ? 100 : PercentComplete,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };

        /// <summary>The progress bar's id; one listing per cmdlet, so one bar.</summary>
        public const int ActivityId = 1;

        /// <summary>
        /// Computes progress after <paramref name="pagesRead"/> pages holding <paramref name="widgetsRead"/> widgets,
        /// given the API's <paramref name="totalCount"/> and the listing's <paramref name="perPage"/>.
        /// </summary>
        public static ListingProgress Compute(int pagesRead, long widgetsRead, long? totalCount, int perPage)
        {
            bool manyPages = pagesRead > 1 || (totalCount.HasValue && perPage > 0 && totalCount.Value > perPage);
            string read = widgetsRead.ToString("N0", CultureInfo.InvariantCulture);
            if (totalCount.HasValue && totalCount.Value > 0)
            {
                long total = Math.Max(totalCount.Value, widgetsRead);
                int percent = (int)Math.Min(100, widgetsRead * 100 / total);
                return new ListingProgress(percent, "Read " + read + " of " + total.ToString("N0", CultureInfo.InvariantCulture) + " widgets", manyPages);
            }

            string pages = pagesRead.ToString("N0", CultureInfo.InvariantCulture);
            return new ListingProgress(-1, "Read " + read + " widgets (" + pages + (pagesRead == 1 ? " page)" : " pages)"), manyPages);
        }
    }
}
