using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Analytics;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Gets Turnstile widgets' events (issued, solved, siteverify) over a time range from Cloudflare's GraphQL Analytics API.
    /// One row per widget (and group); a widget without events gets a row of zeros. Piped widgets are collected and queried together at the end, a few GraphQL queries for any number of widgets.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TurnstileAnalytics", DefaultParameterSetName = AccountSet)]
    [OutputType(typeof(TurnstileWidgetAnalytics))]
    public sealed class GetTurnstileAnalyticsCommand : TurnstileConnectedCmdlet
    {
        private const string AccountSet = "Account";
        private const string ByInputObjectSet = "ByInputObject";
        private const string BySitekeySet = "BySitekey";

        // Sitekey -> name (null until known), in the order the widgets came; one row per widget in that order.
        private readonly Dictionary<string, string?> names = new Dictionary<string, string?>(StringComparer.Ordinal);
        private readonly List<string> order = new List<string>();

        /// <summary>A widget from Get-TurnstileWidget (or any cmdlet that emits widgets).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>One or more sitekeys; objects with a Sitekey property bind by property name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string[]? Sitekey { get; set; }

        /// <summary>The range's start (inclusive); default 7 days before -Until.</summary>
        [Parameter]
        public DateTime Since { get; set; }

        /// <summary>The range's end (exclusive); default now.</summary>
        [Parameter]
        public DateTime Until { get; set; }

        /// <summary>Splits each widget's counts by UTC day, UTC hour, action, hostname or country.</summary>
        [Parameter]
        [ValidateSet("Day", "Hour", "Action", "Hostname", "Country")]
        public string? GroupBy { get; set; }

        /// <summary>Collects the widgets; nothing is sent until the end.</summary>
        protected override void ProcessRecord()
        {
            if (InputObject != null)
            {
                Add(InputObject.Sitekey ?? "", InputObject.Name);
            }

            foreach (string sitekey in Sitekey ?? new string[0])
            {
                Add(sitekey, null);
            }
        }

        /// <summary>Reads the names it lacks (one listing), queries the counts for every widget at once, and writes the rows.</summary>
        protected override void EndProcessing()
        {
            DateTimeOffset until = IsBound(nameof(Until)) ? ToOffset(Until) : DateTimeOffset.Now;
            DateTimeOffset since = IsBound(nameof(Since)) ? ToOffset(Since) : until.AddDays(-7);
            if (until <= since)
            {
                ThrowTerminatingError(ObservationErrors.RangeInvalid(since, until));
            }

            SessionConnection connection = RequireConnection();
            TurnstileClient client = connection.Client;
            // The whole account only when nothing could have been piped: an empty upstream (a listing that matched nothing)
            // must count nothing, or `... | Where-Object Issued -eq 0 | Remove-TurnstileWidget` would remove every idle widget.
            bool wholeAccount = ParameterSetName == AccountSet && order.Count == 0 && !MyInvocation.ExpectingInput;
            if (order.Count == 0 && !wholeAccount)
            {
                base.EndProcessing();
                return;
            }

            TryProcess(null, () =>
            {
                // The engine's sitekey rule, before the listing that names the widgets: a value that cannot be a sitekey
                // is refused without reading the account (and without a warning that no widget has it).
                foreach (string sitekey in order)
                {
                    WidgetValidator.ValidateSitekey(sitekey);
                }

                if (wholeAccount || names.Values.Any(name => name == null))
                {
                    ReadNames(client, addAll: wholeAccount);
                }
            }, terminating: true);

            AnalyticsGrouping grouping = Grouping(GroupBy);
            var query = new AnalyticsQuery { Sitekeys = order, Since = since, Until = until, GroupBy = grouping };
            AnalyticsResult result = new AnalyticsResult();
            if (order.Count > 0)
            {
                var analytics = new TurnstileAnalyticsClient(client);
                try
                {
                    result = Invoke(client, token => analytics.GetCountsAsync(query, token));
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
                catch (TurnstileAnalyticsException exception)
                {
                    ThrowTerminatingError(ObservationErrors.Map(exception, null, since, until));
                }
                catch (TurnstileException exception)
                {
                    ThrowTerminatingError(ErrorMapper.Map(exception, null));
                }

                WriteVerboseLine("Get-TurnstileAnalytics: " + order.Count + " widget(s), " + result.Queries + " GraphQL quer" + (result.Queries == 1 ? "y" : "ies") + ".");
            }

            foreach (TurnstileWidgetAnalytics row in AnalyticsRows.Build(order, names, result.Counts, grouping == AnalyticsGrouping.None ? null : grouping.ToString(), since, until, connection.Details.AccountId))
            {
                WriteObject(row);
            }

            base.EndProcessing();
        }

        private void Add(string sitekey, string? name)
        {
            if (!names.TryGetValue(sitekey, out string? known))
            {
                names[sitekey] = name;
                order.Add(sitekey);
            }
            else if (known == null && name != null)
            {
                names[sitekey] = name;
            }
        }

        // One listing of the account (1,000 widgets a request) names every widget; cheaper than a read per sitekey.
        private void ReadNames(TurnstileClient client, bool addAll)
        {
            WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = WidgetValidator.MaxPerPage });
            while (true)
            {
                WidgetPage? page = Invoke(client, listing.NextPageAsync);
                if (page == null)
                {
                    break;
                }

                foreach (Widget widget in page.Widgets)
                {
                    if (addAll)
                    {
                        Add(widget.Sitekey, widget.Name);
                    }
                    else if (names.TryGetValue(widget.Sitekey, out string? name) && name == null)
                    {
                        names[widget.Sitekey] = widget.Name;
                    }
                }
            }

            foreach (string sitekey in order.Where(key => names[key] == null).ToList())
            {
                WriteWarningLine("The account has no widget with sitekey " + DisplayText.Visible(sitekey) + "; its row counts the events Cloudflare kept for it, with no name.");
                names[sitekey] = "";
            }
        }

        private static DateTimeOffset ToOffset(DateTime value) =>
            new DateTimeOffset(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local) : value);

        private static AnalyticsGrouping Grouping(string? groupBy)
        {
            switch (groupBy)
            {
                case null: return AnalyticsGrouping.None;
                default: return (AnalyticsGrouping)Enum.Parse(typeof(AnalyticsGrouping), groupBy, ignoreCase: true);
            }
        }
    }
}
