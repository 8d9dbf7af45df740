using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Listing;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Gets Turnstile widgets: a listing (optionally filtered, by name with wildcards) or widgets by sitekey.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TurnstileWidget", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class GetTurnstileWidgetCommand : TurnstileConnectedCmdlet
    {
        private const string ListSet = "List";
        private const string ByNameSet = "ByName";
        private const string BySitekeySet = "BySitekey";

        /// <summary><c>name:&lt;text&gt;</c> or <c>sitekey:&lt;text&gt;</c>: Cloudflare's case-insensitive substring filter.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Filter { get; set; }

        /// <summary>One or more whole names, with PowerShell wildcards, case-insensitive; a name without wildcards that matches no widget is an error.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(WidgetNamePatternCompleter))]
        public string[]? Name { get; set; }

        /// <summary>The field the listing is ordered by.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateSet("Id", "Sitekey", "Name", "CreatedOn", "ModifiedOn")]
        public string? SortBy { get; set; }

        /// <summary>Orders the listing descending.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ByNameSet)]
        public SwitchParameter Descending { get; set; }

        /// <summary>One or more sitekeys; each is read with its own request.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string[]? Sitekey { get; set; }

        /// <summary>Also fills PlainTextSecret.</summary>
        [Parameter(ParameterSetName = BySitekeySet)]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>Reads the widgets.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            if (ParameterSetName == BySitekeySet)
            {
                foreach (string sitekey in Sitekey ?? new string[0])
                {
                    TryProcess(sitekey, () =>
                    {
                        RefuseNameAsSitekey(sitekey);
                        long readAt = connection.Writes.Position;
                        Widget widget = Invoke(connection.Client, token => connection.Client.GetWidgetAsync(sitekey, token));
                        WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(widget, connection, DateTimeOffset.UtcNow, readAt), AsPlainText));
                    });
                }

                return;
            }

            TryProcess(ParameterSetName == ByNameSet ? (object?)Name : Filter, () => List(connection));
        }

        /// <summary>
        /// Get-TurnstileWidget finds widgets by name itself: a sitekey not found suggests -Name (a refused one says so in its
        /// message, <see cref="RefuseNameAsSitekey"/>), never a pipeline into this command.
        /// </summary>
        internal override string? NameAsSitekeyAdvice(TurnstileException exception, string value) =>
            exception is TurnstileApiException api && api.Kind == TurnstileApiErrorKind.NotFound
                ? "Check the sitekey; Get-TurnstileWidget lists the account's widgets. If '" + DisplayText.Visible(value) + "' is a widget's name, use Get-TurnstileWidget -Name " + CommandText.NameArgument(value) + "."
                : null;

        /// <summary>
        /// A value that cannot be a sitekey (a space, a wildcard, more than 32 characters) is most likely a name typed
        /// where the sitekey goes (first position): say so, rather than send it and report "not found".
        /// </summary>
        private void RefuseNameAsSitekey(string sitekey)
        {
            try
            {
                WidgetValidator.ValidateSitekey(sitekey);
            }
            catch (TurnstileValidationException e)
            {
                throw new TurnstileValidationException(e.Field, e.Message + " To find widgets by name, use Get-TurnstileWidget -Name " + CommandText.NameArgument(sitekey) + ".");
            }
        }

        private void List(SessionConnection connection)
        {
            NamePattern[]? patterns = ParameterSetName == ByNameSet ? (Name ?? new string[0]).Select(NamePattern.Parse).ToArray() : null;

            // One pattern narrows the listing with the API's substring filter; several share no filter, so all widgets are read.
            string? filter = patterns != null
                ? (patterns.Length == 1 ? patterns[0].ApiFilter : null)
                : (Filter == null ? null : ListingRequest.NormalizeFilter(Filter));
            var unmatchedNames = new List<NamePattern>(patterns?.Where(p => !p.HasWildcards) ?? Enumerable.Empty<NamePattern>());
            bool listedToTheEnd = List(connection, patterns, filter, unmatchedNames);
            if (listedToTheEnd)
            {
                foreach (NamePattern name in unmatchedNames)
                {
                    WriteError(ErrorMapper.WidgetNameNotFound(name.LiteralName!));
                }
            }
        }

        /// <summary>Lists and emits the widgets; true when the listing was read to its end (not cut short by -First).</summary>
        private bool List(SessionConnection connection, NamePattern[]? patterns, string? filter, List<NamePattern> unmatchedNames)
        {
            PagingWindow window = PagingWindow.Create(PagingParameters.Skip, PagingParameters.First, PagingParameters.IncludeTotalCount, patterns != null);
            if (!window.NeedsAnyRequest)
            {
                return false;
            }

            WidgetListQuery query = ListingRequest.Build(filter, SortBy, Descending, window);
            TurnstileClient client = connection.Client;
            WidgetListing listing = client.ListWidgets(query);
            long widgetsBefore = (long)(window.StartPage - 1) * window.PerPage;
            long widgetsRead = widgetsBefore;
            int pagesRead = 0;
            ListingProgress? shown = null;
            try
            {
                while (window.ShouldRequestPage(pagesRead))
                {
                    // Taken before the page is asked for: a write that ends while it is read makes its readings doubtful.
                    long pageReadAt = connection.Writes.Position;
                    WidgetPage? page = Invoke(client, listing.NextPageAsync);
                    if (page == null)
                    {
                        break;
                    }

                    DateTimeOffset pageReadOn = DateTimeOffset.UtcNow;
                    pagesRead++;
                    widgetsRead += page.Widgets.Count;
                    if (pagesRead == 1 && window.IncludeTotalCount)
                    {
                        TotalCountReport total = window.ReportTotal(page.TotalCount, filter);
                        if (total.Note != null)
                        {
                            WriteVerboseLine(total.Note);
                        }

                        WriteObject(PagingParameters.NewTotalCount(total.Count, total.Accuracy));
                    }

                    ListingProgress progress = ListingProgress.Compute(pagesRead, widgetsRead, page.TotalCount, window.PerPage);
                    if (progress.ShouldShow)
                    {
                        WriteBar(progress.ToProgressRecord(completed: listing.IsComplete));
                        shown = listing.IsComplete ? null : progress;
                    }

                    foreach (Widget widget in page.Widgets)
                    {
                        if (patterns != null && !Matches(patterns, widget.Name, unmatchedNames))
                        {
                            continue;
                        }

                        if (window.Offer())
                        {
                            WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(widget, connection, pageReadOn, pageReadAt)));
                        }
                    }
                }
            }
            finally
            {
                // Also after Ctrl+C, a failure or Select-Object -First downstream: the listing's work has ended either way.
                if (shown != null)
                {
                    WriteBar(shown.ToProgressRecord(completed: true));
                }
            }

            return listing.IsComplete;
        }

        private static bool Matches(NamePattern[] patterns, string name, List<NamePattern> unmatchedNames)
        {
            bool any = false;
            foreach (NamePattern pattern in patterns)
            {
                if (pattern.IsMatch(name))
                {
                    any = true;
                    unmatchedNames.Remove(pattern);
                }
            }

            return any;
        }
    }
}
