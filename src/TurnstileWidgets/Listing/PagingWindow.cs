using System.Globalization;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Listing
{
    /// <summary>
    /// <c>-First</c>, <c>-Skip</c> and <c>-IncludeTotalCount</c> for a listing: which page size and first page to ask
    /// for, which widgets to skip and emit, and when to stop asking for pages. Not thread-safe: one per listing.
    /// </summary>
    internal sealed class PagingWindow
    {
        // The page-size bounds are the engine's (WidgetValidator), the one owner of the API's per_page rule.
        private const int MinPerPage = WidgetValidator.MinPerPage;
        private const int MaxPerPage = WidgetValidator.MaxPerPage;

        private ulong toSkip;
        private ulong emitted;

        private PagingWindow(ulong skip, ulong first, bool includeTotalCount, bool filteredOnClient, int perPage, int startPage, ulong skipOnPages)
        {
            Skip = skip;
            First = first;
            IncludeTotalCount = includeTotalCount;
            FilteredOnClient = filteredOnClient;
            PerPage = perPage;
            StartPage = startPage;
            toSkip = skipOnPages;
        }

        /// <summary><c>-Skip</c>.</summary>
        public ulong Skip { get; }
        /// <summary><c>-First</c> (<see cref="ulong.MaxValue"/> when not given).</summary>
        public ulong First { get; }
        /// <summary><c>-IncludeTotalCount</c>.</summary>
        public bool IncludeTotalCount { get; }
        /// <summary>True when the client drops widgets the API returned (wildcard <c>-Name</c>), so pages cannot be skipped by arithmetic.</summary>
        public bool FilteredOnClient { get; }
        /// <summary>The <c>per_page</c> to ask for.</summary>
        public int PerPage { get; }
        /// <summary>The first page to ask for (1-based).</summary>
        public int StartPage { get; }
        /// <summary>Widgets emitted so far.</summary>
        public ulong Emitted => emitted;

        /// <summary>True once <c>-First</c> widgets have been emitted: ask for no further pages.</summary>
        public bool IsSatisfied => emitted >= First;

        /// <summary>
        /// Plans the listing. Without client-side filtering the page size is chosen so the fewest requests, then the
        /// fewest widgets, cover <c>-Skip</c> to <c>-Skip</c> + <c>-First</c>, and whole pages before <c>-Skip</c> are never read.
        /// </summary>
        public static PagingWindow Create(ulong skip, ulong first, bool includeTotalCount, bool filteredOnClient)
        {
            if (filteredOnClient)
            {
                return new PagingWindow(skip, first, includeTotalCount, true, MaxPerPage, 1, skip);
            }

            if (first == 0)
            {
                // Only the total is wanted, if anything: the smallest page carries it.
                return new PagingWindow(skip, first, includeTotalCount, false, MinPerPage, 1, 0);
            }

            ulong end = skip + first;
            bool bounded = first != ulong.MaxValue && end > skip && end - skip == first && end <= (ulong)int.MaxValue * MinPerPage;
            int perPage = MaxPerPage;
            if (bounded)
            {
                ulong bestPages = ulong.MaxValue, bestItems = ulong.MaxValue;
                for (int candidate = MinPerPage; candidate <= MaxPerPage; candidate++)
                {
                    ulong p = (ulong)candidate;
                    ulong pages = (end - 1) / p - skip / p + 1;
                    ulong items = pages * p;
                    if (pages < bestPages || (pages == bestPages && items < bestItems))
                    {
                        bestPages = pages;
                        bestItems = items;
                        perPage = candidate;
                    }
                }
            }

            ulong startPage = skip / (ulong)perPage + 1;
            if (startPage > int.MaxValue)
            {
                startPage = int.MaxValue;
            }

            ulong skipOnPages = skip - (startPage - 1) * (ulong)perPage;
            return new PagingWindow(skip, first, includeTotalCount, false, perPage, (int)startPage, skipOnPages);
        }

        /// <summary>True when the listing needs a request at all (not for <c>-First 0</c> without <c>-IncludeTotalCount</c>).</summary>
        public bool NeedsAnyRequest => First > 0 || IncludeTotalCount;

        /// <summary>Whether to ask for another page, given how many pages were read and whether the last one ended the listing.</summary>
        public bool ShouldRequestPage(int pagesRead)
        {
            if (!NeedsAnyRequest) return false;
            if (pagesRead == 0) return true;
            return !IsSatisfied;
        }

        /// <summary>
        /// Offers one widget (one that passed any client-side filter) in listing order: true to emit it,
        /// false to skip it (it falls in <c>-Skip</c>, or <c>-First</c> is already satisfied).
        /// </summary>
        public bool Offer()
        {
            if (toSkip > 0)
            {
                toSkip--;
                return false;
            }

            if (IsSatisfied) return false;
            emitted++;
            return true;
        }

        /// <summary>
        /// The total for <c>-IncludeTotalCount</c> from the first page's <c>total_count</c>. With client-side
        /// filtering the API's total counts every widget its substring filter matched, an upper bound.
        /// </summary>
        public TotalCountReport ReportTotal(long? apiTotalCount, string? apiFilter)
        {
            if (!apiTotalCount.HasValue || apiTotalCount.Value < 0)
            {
                return new TotalCountReport(0, 0.0, "Cloudflare did not report a total count.");
            }

            ulong total = (ulong)apiTotalCount.Value;
            if (!FilteredOnClient)
            {
                return new TotalCountReport(total, 1.0, null);
            }

            string scope = string.IsNullOrEmpty(apiFilter) ? "every widget in the account" : "every widget matching the API filter '" + apiFilter + "'";
            return new TotalCountReport(total, 0.5, string.Format(CultureInfo.InvariantCulture,
                "The total count ({0}) counts {1}; the -Name pattern may match fewer, so it is an upper bound.", total, scope));
        }
    }

    /// <summary>A total for <c>-IncludeTotalCount</c>, with PowerShell's accuracy (1.0 exact, below 1.0 estimated, 0.0 unknown).</summary>
    internal sealed class TotalCountReport
    {
        /// <summary>Creates a report.</summary>
        public TotalCountReport(ulong count, double accuracy, string? note)
        {
            Count = count;
            Accuracy = accuracy;
            Note = note;
        }

        /// <summary>The count.</summary>
        public ulong Count { get; }
        /// <summary>For <c>PagingParameters.NewTotalCount</c>.</summary>
        public double Accuracy { get; }
        /// <summary>A verbose note explaining an estimate, or null.</summary>
        public string? Note { get; }
    }
}
