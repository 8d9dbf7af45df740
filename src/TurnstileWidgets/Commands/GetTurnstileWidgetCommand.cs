using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Listing;
using TurnstileWidgets.Parameters;
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

        /// <summary>The whole name, with PowerShell wildcards, case-insensitive.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(WidgetNamePatternCompleter))]
        public string? Name { get; set; }

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
                        Widget widget = Invoke(connection.Client, token => connection.Client.GetWidgetAsync(sitekey, token));
                        WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(widget, connection, DateTimeOffset.UtcNow), AsPlainText));
                    });
                }

                return;
            }

            TryProcess(ParameterSetName == ByNameSet ? Name : Filter, () => List(connection));
        }

        private void List(SessionConnection connection)
        {
            NamePattern? pattern = ParameterSetName == ByNameSet ? NamePattern.Parse(Name ?? "") : null;
            string? filter = pattern != null ? pattern.ApiFilter : (Filter == null ? null : ListingRequest.NormalizeFilter(Filter));
            PagingWindow window = PagingWindow.Create(PagingParameters.Skip, PagingParameters.First, PagingParameters.IncludeTotalCount, pattern != null);
            if (!window.NeedsAnyRequest)
            {
                return;
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
                        WriteProgress(progress.ToProgressRecord(completed: false));
                        shown = progress;
                    }

                    foreach (Widget widget in page.Widgets)
                    {
                        if (pattern != null && !pattern.IsMatch(widget.Name))
                        {
                            continue;
                        }

                        if (window.Offer())
                        {
                            WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(widget, connection, pageReadOn)));
                        }
                    }
                }
            }
            finally
            {
                if (shown != null && !CancellationToken.IsCancellationRequested)
                {
                    WriteProgress(shown.ToProgressRecord(completed: true));
                }
            }
        }
    }
}
