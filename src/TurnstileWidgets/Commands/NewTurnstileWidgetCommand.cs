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
    /// Creates a Turnstile widget.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class NewTurnstileWidgetCommand : TurnstileConnectedCmdlet
    {
        /// <summary>The widget's name, 1 to 254 characters.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [TextNotScriptBlock("Name")]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>1 to 10 hostnames or IP addresses.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Domains")]
        [TextNotScriptBlock("Domain")]
        [ValidateNotNullOrEmpty]
        public string[]? Domain { get; set; }

        /// <summary><c>managed</c> (the default), <c>non-interactive</c> or <c>invisible</c>.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("managed", "non-interactive", "invisible")]
        public string Mode { get; set; } = NewWidgetRequest.DefaultMode;

        /// <summary><c>world</c> or <c>china</c>; fixed once created.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("world", "china")]
        public string? Region { get; set; }

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("no_clearance", "jschallenge", "managed", "interactive")]
        public string? ClearanceLevel { get; set; }

        /// <summary>Turns bot fight mode on.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [CsvBooleanTransformation("BotFightMode")]
        public SwitchParameter BotFightMode { get; set; }

        /// <summary>Turns ephemeral ids on.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [CsvBooleanTransformation("EphemeralId")]
        public SwitchParameter EphemeralId { get; set; }

        /// <summary>Hides the Cloudflare branding (Enterprise).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [CsvBooleanTransformation("Offlabel")]
        public SwitchParameter Offlabel { get; set; }

        /// <summary>Also fills PlainTextSecret.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>Creates one widget per input.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            TryProcess(Name, () => Create(connection));
        }

        private void Create(SessionConnection connection)
        {
            WidgetDefinition definition = NewWidgetRequest.Build(
                Name ?? "",
                Domain,
                Mode,
                Region,
                ClearanceLevel,
                IsBound(nameof(BotFightMode)) ? BotFightMode.IsPresent : (bool?)null,
                IsBound(nameof(EphemeralId)) ? EphemeralId.IsPresent : (bool?)null,
                IsBound(nameof(Offlabel)) ? Offlabel.IsPresent : (bool?)null);

            if (!ShouldProcess(ConfirmationText.Target(definition.Name, null), ConfirmationText.CreateActionWith(definition)))
            {
                return;
            }

            Widget created = Invoke(connection.Client, token => connection.Client.CreateWidgetAsync(definition, token));
            connection.Completions.Invalidate();
            WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(created, connection, DateTimeOffset.UtcNow), AsPlainText));
        }
    }
}
