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
    /// <para type="synopsis">Changes a Turnstile widget's settings.</para>
    /// <para type="description">Reads the widget, changes only what is given, and sends the update only when something changes. The region cannot change.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = BySitekeySet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class SetTurnstileWidgetCommand : TurnstileConnectedCmdlet
    {
        private const string BySitekeySet = "BySitekey";
        private const string ByInputObjectSet = "ByInputObject";

        /// <summary>The widget's sitekey.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string? Sitekey { get; set; }

        /// <summary>A widget from Get-TurnstileWidget; only its sitekey is used, the current settings are read again.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>The new name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(WidgetNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Replaces every domain.</summary>
        [Parameter]
        [Alias("Domains")]
        [ValidateNotNullOrEmpty]
        public string[]? Domain { get; set; }

        /// <summary>Adds domains (already present ones are left alone).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddDomain { get; set; }

        /// <summary>Removes domains (missing ones are left alone).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveDomain { get; set; }

        /// <summary><c>managed</c>, <c>non-interactive</c> or <c>invisible</c>.</summary>
        [Parameter]
        [ValidateSet("managed", "non-interactive", "invisible")]
        public string? Mode { get; set; }

        /// <summary>Only the widget's current region is accepted: a region is fixed at creation.</summary>
        [Parameter]
        [ValidateSet("world", "china")]
        public string? Region { get; set; }

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        [Parameter]
        [ValidateSet("no_clearance", "jschallenge", "managed", "interactive")]
        public string? ClearanceLevel { get; set; }

        /// <summary>Bot fight mode on, or off with <c>-BotFightMode:$false</c>.</summary>
        [Parameter]
        [CsvBooleanTransformation("BotFightMode")]
        public SwitchParameter BotFightMode { get; set; }

        /// <summary>Ephemeral ids on, or off with <c>-EphemeralId:$false</c>.</summary>
        [Parameter]
        [CsvBooleanTransformation("EphemeralId")]
        public SwitchParameter EphemeralId { get; set; }

        /// <summary>Offlabel on, or off with <c>-Offlabel:$false</c>.</summary>
        [Parameter]
        [CsvBooleanTransformation("Offlabel")]
        public SwitchParameter Offlabel { get; set; }

        /// <summary>Emits the widget as it is afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Updates one widget per input.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            string sitekey = (InputObject != null ? InputObject.Sitekey : Sitekey) ?? "";
            TryProcess(sitekey, () => Update(connection, sitekey));
        }

        private void Update(SessionConnection connection, string sitekey)
        {
            var changes = new WidgetChanges
            {
                Name = Name,
                Domains = Domain,
                AddDomains = AddDomain,
                RemoveDomains = RemoveDomain,
                Mode = Mode,
                Region = Region,
                ClearanceLevel = ClearanceLevel,
                BotFightMode = IsBound(nameof(BotFightMode)) ? BotFightMode.IsPresent : (bool?)null,
                EphemeralId = IsBound(nameof(EphemeralId)) ? EphemeralId.IsPresent : (bool?)null,
                Offlabel = IsBound(nameof(Offlabel)) ? Offlabel.IsPresent : (bool?)null,
            };

            // Refuse what no widget could accept before spending a request on the current settings.
            WidgetMerge.CheckRequest(changes);
            TurnstileClient client = connection.Client;
            Widget current = Invoke(client, token => client.GetWidgetAsync(sitekey, token));
            WidgetMergeResult merge = WidgetMerge.Merge(current, changes);
            foreach (string note in merge.Notes)
            {
                WriteVerboseLine(note);
            }

            if (!merge.HasChanges)
            {
                if (PassThru)
                {
                    WriteObject(OutputMapper.ToTurnstileWidget(current, connection.Details.AccountId));
                }

                return;
            }

            if (!ShouldProcess(ConfirmationText.Target(current.Name, current.Sitekey), ConfirmationText.UpdateActionWith(merge)))
            {
                return;
            }

            Widget updated = Invoke(client, token => client.UpdateWidgetAsync(sitekey, merge.Definition, token));
            connection.Completions.Invalidate();
            if (PassThru)
            {
                WriteObject(OutputMapper.ToTurnstileWidget(updated, connection.Details.AccountId));
            }
        }
    }
}
