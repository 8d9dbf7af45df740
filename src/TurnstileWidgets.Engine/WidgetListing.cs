using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// A listing read one page at a time, which stays exact while its caller changes the widgets it has already
    /// been given. Ends on a page shorter than its per_page (or one that reaches <c>total_count</c>), and refuses to
    /// loop on a server that repeats a page.
    /// </summary>
    /// <remarks>
    /// <para>What is guaranteed, for any count, order and direction: every widget that matches the query when the
    /// listing starts, and still matches when the listing reaches it, is returned exactly once, whatever this client
    /// does meanwhile to widgets the listing has already returned (deletes them, renames them out of the filter,
    /// updates them so that they move in the order). No widget is ever returned twice.</para>
    /// <para>How: the API only pages by number, so a page number means a different place once widgets move. Widgets
    /// not yet returned keep their order among themselves (only this client's writes move widgets, and it writes only
    /// widgets it was given), so the first of them can have moved forward by at most the number of writes this client
    /// has started since the last page was read, counting writes still in flight then (its write journal). Writes are
    /// counted whichever call made them, so the guarantee covers every caller sharing this client, as the cmdlets of a
    /// session do. The next request asks for the page that holds
    /// that earliest possible place and skips, by sitekey, widgets already returned. With no writes in between that is
    /// simply the next page, so an undisturbed listing sends exactly the requests it always did; deleting everything
    /// listed re-reads page 1 each time (about one request per page of widgets).</para>
    /// <para>Other clients: widgets they create meanwhile may or may not be returned. Widgets they change or delete
    /// may or may not be returned (once at most). Their deletions are covered as far as <c>result_info.total_count</c>
    /// shows them (the next request starts that much earlier); while other clients also create widgets, a deletion can
    /// be masked and a widget nobody touched can then be missed. Nothing is ever returned twice either way.</para>
    /// <para>Memory: widgets already returned are remembered as a 64-bit hash of their sitekey (8 bytes each while
    /// nothing has moved, a hash set once something has). Two different sitekeys with the same hash would make the
    /// later one look already returned, so it would be skipped, never repeated; at 100,000 widgets the odds are below
    /// one in a billion.</para>
    /// <para>With <see cref="WidgetListQuery.StartPage"/> above 1, widgets before that page are treated as skipped by
    /// place: if this client's writes move listed widgets in front of them, some skipped widgets can be returned.</para>
    /// </remarks>
    public sealed class WidgetListing
    {
        private readonly TurnstileClient client;
        private readonly WidgetListQuery query;
        private readonly EmittedSitekeys emitted = new EmittedSitekeys();
        // One short entry per page read since the listing last moved (first sitekey, last sitekey, count): enough to
        // spot a server that ignores the page number, without holding on to the widgets themselves. Cleared when
        // widgets move, because then reading a page again is expected.
        private readonly HashSet<string> pageSignatures = new HashSet<string>(StringComparer.Ordinal);
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private bool started;
        private bool ended;
        private int perPage;
        // Listing positions, counted from the start of the full (filtered, ordered) listing as the server saw it when
        // the latest page was read: floor is where StartPage begins, cursor is just past the latest page read.
        private long floor;
        private long cursor;
        // The client's settled-write count read just before the latest page was requested: writes started since then
        // (including any still in flight then) may have moved widgets after that page's snapshot.
        private long settledMark;
        private int pagesRead;
        private long? totalCount;

        internal WidgetListing(TurnstileClient client, WidgetListQuery query)
        {
            this.client = client;
            this.query = query;
        }

        /// <summary>Pages (requests) read so far.</summary>
        public int PagesRead => pagesRead;
        /// <summary>The total the API reported on the latest page, if any.</summary>
        public long? TotalCount => totalCount;
        /// <summary>True once the last page has been read.</summary>
        public bool IsComplete => ended;

        /// <summary>
        /// Returns the widgets not returned before, in listing order, from one or more pages (at least half a page of
        /// them unless the listing ends); or null once the listing has ended. The first call reads one page and
        /// returns it even when it is empty, so its <see cref="WidgetPage.TotalCount"/> is always seen. The result's
        /// <see cref="WidgetPage.Page"/> and <see cref="WidgetPage.PerPage"/> are the last page read;
        /// <see cref="WidgetPage.Count"/> is the number of widgets returned.
        /// </summary>
        public async Task<WidgetPage?> NextPageAsync(CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (ended)
                {
                    return null;
                }
                IReadOnlyList<Widget> fresh = Array.Empty<Widget>();
                List<Widget>? merged = null;
                WidgetPage page;
                int number;
                while (true)
                {
                    long low;
                    if (!started)
                    {
                        number = query.StartPage;
                        low = 0;
                    }
                    else
                    {
                        long moved = client.WritesStarted - settledMark;
                        if (moved > 0)
                        {
                            Disturbed();
                        }
                        low = Math.Max(floor, cursor - moved);
                        number = PageAt(low);
                    }

                    long mark = client.WritesSettled;
                    page = await client.ReadPageAsync(query, number, cancellationToken).ConfigureAwait(false);
                    pagesRead++;
                    long? previousTotal = totalCount;
                    if (page.TotalCount.HasValue)
                    {
                        totalCount = page.TotalCount;
                    }
                    if (!started)
                    {
                        started = true;
                        // A server that caps per_page below what was asked reports its cap, and numbers its pages by it.
                        perPage = page.PerPage > 0 ? Math.Min(page.PerPage, query.PerPage) : query.PerPage;
                        floor = (long)(number - 1) * perPage;
                        low = floor;
                    }
                    long pageStart = (long)(number - 1) * perPage;

                    if (previousTotal is long before && page.TotalCount is long now && now < before)
                    {
                        long bound = Math.Max(floor, low - (before - now));
                        if (bound < pageStart)
                        {
                            // Widgets vanished before this page (another client's deletions, or ours counted twice): a
                            // widget not yet returned may now sit on an earlier page, so read from there instead.
                            cursor = bound;
                            settledMark = mark;
                            Disturbed();
                            continue;
                        }
                    }

                    RefuseRepeatedPage(page, number);
                    IReadOnlyList<Widget> pageFresh = NotReturnedBefore(page.Widgets);
                    emitted.EndWindow();
                    if (fresh.Count == 0)
                    {
                        fresh = pageFresh;
                    }
                    else if (pageFresh.Count > 0)
                    {
                        if (merged == null)
                        {
                            merged = new List<Widget>(fresh.Count + pageFresh.Count);
                            merged.AddRange(fresh);
                            fresh = merged;
                        }
                        merged.AddRange(pageFresh);
                    }
                    cursor = pageStart + page.Widgets.Count;
                    settledMark = mark;

                    // A full page that reaches the reported total is the last too: without that check an account holding
                    // an exact multiple of per_page widgets would cost one more request, for an empty page.
                    if (page.Widgets.Count < perPage || (page.TotalCount is long total && cursor >= total))
                    {
                        ended = true;
                        break;
                    }
                    // Too few new widgets on this page (the ones before them were returned already and stayed): read on
                    // at once, so a pipeline that changes some of what it gets still costs about one request per page.
                    if (fresh.Count * 2 >= perPage)
                    {
                        break;
                    }
                }

                return new WidgetPage
                {
                    Widgets = fresh,
                    Page = page.Page,
                    PerPage = page.PerPage,
                    Count = fresh.Count,
                    TotalCount = totalCount,
                };
            }
            finally
            {
                gate.Release();
            }
        }

        /// <summary>The page's widgets this listing has not returned before; the page's own list when that is all of them.</summary>
        [MethodImpl(HotPath.Optimized)]
        private IReadOnlyList<Widget> NotReturnedBefore(IReadOnlyList<Widget> widgets)
        {
            List<Widget>? some = null;
            for (int i = 0; i < widgets.Count; i++)
            {
                bool isNew = emitted.Add(widgets[i].Sitekey);
                if (some != null)
                {
                    if (isNew)
                    {
                        some.Add(widgets[i]);
                    }
                }
                else if (!isNew)
                {
                    some = new List<Widget>(widgets.Count);
                    for (int j = 0; j < i; j++)
                    {
                        some.Add(widgets[j]);
                    }
                }
            }
            return some ?? widgets;
        }

        private int PageAt(long position) => (int)Math.Min(int.MaxValue, position / perPage + 1);

        private void Disturbed()
        {
            emitted.MarkDisturbed();
            pageSignatures.Clear();
        }

        private void RefuseRepeatedPage(WidgetPage page, int number)
        {
            if (page.Widgets.Count == 0)
            {
                return;
            }
            string signature = page.Widgets[0].Sitekey + "\n" + page.Widgets[page.Widgets.Count - 1].Sitekey + "\n" + page.Widgets.Count.ToString(CultureInfo.InvariantCulture);
            if (!pageSignatures.Add(signature))
            {
                ended = true;
                string path = "/accounts/" + client.AccountId + "/challenges/widgets?" + TurnstileClient.ListQueryString(query, number);
                throw new TurnstileApiException(
                    $"Cloudflare API answered GET {path} with a page it had already sent (same first and last widget), so the listing stopped after {pagesRead} pages instead of looping forever. The server is ignoring the page number; list again, or report the problem if it persists.",
                    TurnstileApiErrorKind.UnexpectedAnswer, TurnstileOperation.ListWidgets, 200, Array.Empty<ApiMessage>(), "GET", path);
            }
        }
    }
}
