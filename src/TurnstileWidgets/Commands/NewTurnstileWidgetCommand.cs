using System;
using System.Collections.Generic;
using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
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

        /// <summary>Hostnames or IP addresses, several in one value separated by ';' (as Export-Csv writes them); at least one, at most what the account's plan allows.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Domains")]
        [TextNotScriptBlock("Domain")]
        [DomainListTransformation("Domain")]
        [ValidateNotNullOrEmpty]
        public string[]? Domain { get; set; }

        /// <summary><c>managed</c> (the default), <c>non-interactive</c> or <c>invisible</c>.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
        public string? Mode { get; set; } = NewWidgetRequest.DefaultMode;

        /// <summary><c>world</c> or <c>china</c>; fixed once created.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
        public string? Region { get; set; }

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
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

        private readonly WriteProgressBar progress = new WriteProgressBar(WriteProgressBar.NewActivityId, "Creating Turnstile widgets");
        private bool createdThisRecord;

        internal override WriteProgressBar? WriteProgressBar => progress;

        // Whether -Domain was typed; otherwise each input's domains came from a piped object's Domains (an Import-Csv row).
        private bool domainOnCommandLine;

        /// <summary>Notes whether -Domain was given on the command line, before any input binds it.</summary>
        protected override void BeginProcessing()
        {
            domainOnCommandLine = IsBound(nameof(Domain));
            base.BeginProcessing();
        }

        /// <summary>Piped domains are the piped object's Domains (Cloudflare's domain limit names them so).</summary>
        internal override string? GivenAs(string field) =>
            string.Equals(field, "domains", StringComparison.OrdinalIgnoreCase) && !domainOnCommandLine
                ? "the piped object's Domains (-Domain)"
                : base.GivenAs(field);

        /// <summary>Creates one widget per input.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            createdThisRecord = false;
            progress.Start();
            bool done = TryProcess(Name, () => Create(connection));
            if (!done || createdThisRecord)
            {
                CountWrite(done ? "created" : "failed");
            }
        }

        private void Create(SessionConnection connection)
        {
            // A switch is sent only when on: off is every new widget's default, and a blank CSV cell (read as off) then
            // means "not given", as it does for every other setting.
            var notes = new List<string>();
            WidgetDefinition definition = NewWidgetRequest.Build(
                Name ?? "",
                Domain,
                Mode,
                Region,
                ClearanceLevel,
                BotFightMode.IsPresent ? true : (bool?)null,
                EphemeralId.IsPresent ? true : (bool?)null,
                Offlabel.IsPresent ? true : (bool?)null,
                notes);
            foreach (string note in notes)
            {
                WriteVerboseLine(note);
            }

            if (!ShouldProcess(ConfirmationText.Target(definition.Name, null), ConfirmationText.CreateActionWith(definition)))
            {
                return;
            }

            long readAt = connection.Writes.Position;
            Widget created = Invoke(connection.Client, token => connection.Client.CreateWidgetAsync(definition, token));
            createdThisRecord = true;
            connection.Completions.Invalidate();
            WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(created, connection, DateTimeOffset.UtcNow, readAt), AsPlainText));
        }
    }
}
