using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Parameters;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Changes a Turnstile widget's settings.
    /// </summary>
    /// <remarks>
    /// The settings take pipeline input by property name (in the BySitekey set) for one reason: PowerShell computes a
    /// delay-bind script block (<c>-Name { 'old-' + $_.Name }</c>) per piped object only for such parameters. Values that
    /// bind from a piped object's own properties are ignored, with a warning: a copy of a widget (from a job, a file or
    /// another session) would otherwise write its old settings back. A live TurnstileWidget binds InputObject, the default set.
    /// </remarks>
    [Cmdlet(VerbsCommon.Set, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class SetTurnstileWidgetCommand : TurnstileConnectedCmdlet
    {
        private const string BySitekeySet = "BySitekey";
        private const string ByInputObjectSet = "ByInputObject";

        private static readonly string[] SettingNames =
        {
            nameof(Name), nameof(Domain), nameof(AddDomain), nameof(RemoveDomain), nameof(Mode), nameof(Region),
            nameof(ClearanceLevel), nameof(BotFightMode), nameof(EphemeralId), nameof(Offlabel),
        };

        // The parameters given on the command line, delay-bind script blocks included: PowerShell binds those before
        // the first input, and binds the rest from each piped object.
        private HashSet<string> givenOnCommandLine = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private bool warnedAboutPropertyValues;

        /// <summary>How long a widget this session read may stand in for a fresh read, unless -MaxReadAge says otherwise.</summary>
        internal static readonly TimeSpan DefaultMaxReadAge = TimeSpan.FromSeconds(60);

        /// <summary>The widget's sitekey.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string? Sitekey { get; set; }

        /// <summary>A widget from Get-TurnstileWidget (or any cmdlet of this module); see <see cref="MaxReadAge"/>.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>The new name.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("Name")]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(WidgetNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Replaces every domain.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [Alias("Domains")]
        [TextNotScriptBlock("Domain")]
        [BlankAsNotGiven]
        [DomainListTransformation("Domain")]
        public string[]? Domain { get; set; }

        /// <summary>Adds domains (already present ones are left alone).</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("AddDomain")]
        [BlankAsNotGiven]
        [DomainListTransformation("AddDomain")]
        public string[]? AddDomain { get; set; }

        /// <summary>Removes domains (missing ones are left alone).</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("RemoveDomain")]
        [BlankAsNotGiven]
        [DomainListTransformation("RemoveDomain")]
        public string[]? RemoveDomain { get; set; }

        /// <summary><c>managed</c>, <c>non-interactive</c> or <c>invisible</c>.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("Mode")]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
        public string? Mode { get; set; }

        /// <summary>Only the widget's current region is accepted: a region is fixed at creation.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("Region")]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
        public string? Region { get; set; }

        /// <summary><c>no_clearance</c>, <c>jschallenge</c>, <c>managed</c> or <c>interactive</c>.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [TextNotScriptBlock("ClearanceLevel")]
        [BlankAsNotGiven]
        [ArgumentCompleter(typeof(SettingValueCompleter))]
        public string? ClearanceLevel { get; set; }

        /// <summary>Bot fight mode on, or off with <c>-BotFightMode:$false</c>.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [CsvBooleanTransformation("BotFightMode")]
        public SwitchParameter BotFightMode { get; set; }

        /// <summary>Ephemeral ids on, or off with <c>-EphemeralId:$false</c>.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [CsvBooleanTransformation("EphemeralId")]
        public SwitchParameter EphemeralId { get; set; }

        /// <summary>Offlabel on, or off with <c>-Offlabel:$false</c>.</summary>
        [Parameter(ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByInputObjectSet)]
        [CsvBooleanTransformation("Offlabel")]
        public SwitchParameter Offlabel { get; set; }

        /// <summary>
        /// How old a piped widget's reading may be for the update to use it instead of reading the widget again (default
        /// 60 seconds; 0 always reads again). Set it for a session with <c>$PSDefaultParameterValues</c>.
        /// </summary>
        [Parameter]
        public TimeSpan MaxReadAge { get; set; } = DefaultMaxReadAge;

        /// <summary>Emits the widget as it is afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Notes which parameters the command line gave, and refuses a negative -MaxReadAge before any input.</summary>
        protected override void BeginProcessing()
        {
            givenOnCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            if (MaxReadAge < TimeSpan.Zero)
            {
                ThrowTerminatingError(ErrorMapper.Wrap(
                    new ArgumentOutOfRangeException(nameof(MaxReadAge), "-MaxReadAge must be zero or more; 0 reads every widget again before updating it."),
                    "TurnstileValidationFailed", ErrorCategory.InvalidArgument, MaxReadAge));
            }
        }

        private readonly WriteProgressBar progress = new WriteProgressBar(WriteProgressBar.SetActivityId, "Updating Turnstile widgets");
        private string? outcome;

        internal override WriteProgressBar? WriteProgressBar => progress;

        /// <summary>Updates one widget per input.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            WarnAboutIgnoredPropertyValues();
            string sitekey = (InputObject != null ? InputObject.Sitekey : Sitekey) ?? "";
            outcome = null;
            progress.Start();
            bool done = TryProcess(sitekey, () => Update(connection, sitekey));
            if (!done || outcome != null)
            {
                CountWrite(done ? outcome! : "failed");
            }
        }

        private bool IsGiven(string name) => givenOnCommandLine.Contains(name) && IsBound(name);

        private T? Given<T>(string name, T? value)
            where T : class => IsGiven(name) ? value : null;

        private bool? GivenSwitch(string name, SwitchParameter value) => IsGiven(name) ? value.IsPresent : (bool?)null;

        private void WarnAboutIgnoredPropertyValues()
        {
            if (warnedAboutPropertyValues)
            {
                return;
            }

            // A blank value (an empty CSV cell) was bound as null: not given, so nothing was ignored.
            string[] ignored = SettingNames.Where(name => IsBound(name) && !givenOnCommandLine.Contains(name) && MyInvocation.BoundParameters[name] != null).ToArray();
            if (ignored.Length == 0)
            {
                return;
            }

            warnedAboutPropertyValues = true;
            WriteWarningLine(string.Format(CultureInfo.InvariantCulture,
                "Ignoring the piped objects' {0} properties: Set-TurnstileWidget changes only what its parameters say, so a copy of a widget cannot write old settings back. To take a value from each object, pass it as a script block, e.g. -{1} {{ $_.{1} }}.",
                string.Join(", ", ignored), ignored[0]));
        }

        /// <summary>The domains are what -Domain, -AddDomain or -RemoveDomain said (Cloudflare's domain limit names the one given).</summary>
        internal override string? GivenAs(string field)
        {
            if (string.Equals(field, "domains", StringComparison.OrdinalIgnoreCase) && !IsGiven(nameof(Domain)))
            {
                bool adds = IsGiven(nameof(AddDomain)), removes = IsGiven(nameof(RemoveDomain));
                if (adds || removes)
                {
                    return adds && removes ? "-AddDomain and -RemoveDomain" : adds ? "-AddDomain" : "-RemoveDomain";
                }
            }

            // A setting the user did not give is sent as the widget holds it: when the API refuses it (another tool stored a
            // value it now refuses), no parameter is to blame, and "Correct -Domain" would name one the user never typed.
            string? parameter = base.GivenAs(field);
            return parameter != null && CarriedSettings.Contains(parameter) && !IsGiven(parameter.Substring(1)) ? null : parameter;
        }

        /// <summary>The parameters whose setting is carried over from the widget when not given.</summary>
        private static readonly HashSet<string> CarriedSettings = new HashSet<string>(StringComparer.Ordinal)
        {
            "-" + nameof(Name), "-" + nameof(Domain), "-" + nameof(Mode), "-" + nameof(Region), "-" + nameof(ClearanceLevel),
            "-" + nameof(BotFightMode), "-" + nameof(EphemeralId), "-" + nameof(Offlabel),
        };

        private void Update(SessionConnection connection, string sitekey)
        {
            if (IsGiven(nameof(Domain)) && (IsGiven(nameof(AddDomain)) || IsGiven(nameof(RemoveDomain))))
            {
                throw new TurnstileValidationException("domains",
                    "-Domain replaces every domain, so it cannot be combined with -AddDomain or -RemoveDomain. Use -Domain alone, or -AddDomain and -RemoveDomain.");
            }

            var changes = new WidgetChanges
            {
                Name = Given(nameof(Name), Name),
                Domains = Given(nameof(Domain), Domain),
                AddDomains = Given(nameof(AddDomain), AddDomain),
                RemoveDomains = Given(nameof(RemoveDomain), RemoveDomain),
                Mode = Given(nameof(Mode), Mode),
                Region = Given(nameof(Region), Region),
                ClearanceLevel = Given(nameof(ClearanceLevel), ClearanceLevel),
                BotFightMode = GivenSwitch(nameof(BotFightMode), BotFightMode),
                EphemeralId = GivenSwitch(nameof(EphemeralId), EphemeralId),
                Offlabel = GivenSwitch(nameof(Offlabel), Offlabel),
            };

            // Refuse what no widget could accept before spending a request on the current settings.
            WidgetMerge.CheckRequest(changes);
            TurnstileClient client = connection.Client;

            // One writer per widget in the process: read, merge and write as one step, so concurrent updates of the same
            // widget (other runspaces, ForEach-Object -Parallel) each start from the one before and none is lost.
            using (WidgetWriteGate.Enter(connection.Details.AccountId, sitekey, CancellationToken))
            {
                WidgetReading reading = CurrentReading(connection, sitekey);
                Widget current = reading.Widget;
                WidgetMergeResult merge = WidgetMerge.Merge(current, changes);
                foreach (string note in merge.Notes)
                {
                    WriteVerboseLine(note);
                }

                if (!merge.HasChanges)
                {
                    outcome = "unchanged";
                    if (PassThru)
                    {
                        WriteObject(ReferenceEquals(InputObject?.Reading, reading) ? InputObject : OutputMapper.ToTurnstileWidget(reading));
                    }

                    return;
                }

                if (!ShouldProcess(ConfirmationText.Target(current.Name, current.Sitekey), ConfirmationText.UpdateActionWith(merge)))
                {
                    return;
                }

                Widget updated = InvokeWrite(connection, sitekey, token => client.UpdateWidgetAsync(sitekey, merge.Definition, token), out long readAt);
                outcome = "updated";
                connection.Completions.Invalidate();
                if (PassThru)
                {
                    WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(updated, connection, DateTimeOffset.UtcNow, readAt)));
                }
            }
        }

        /// <summary>
        /// The widget's settings to update from: the piped widget's own reading when it is recent and nothing was written
        /// to the widget since; else the answer to this connection's own last write to it (the newest reading, so piping
        /// the same objects twice still costs one request a widget); else a fresh read. A doubted reading is never used.
        /// </summary>
        private WidgetReading CurrentReading(SessionConnection connection, string sitekey)
        {
            WidgetReading? reading = InputObject?.Reading;
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (reading != null)
            {
                if (reading.CanReplaceRead(connection, sitekey, now, MaxReadAge))
                {
                    WriteVerboseLine(string.Format(CultureInfo.InvariantCulture,
                        "Updating {0} from its settings as read {1} ago (within -MaxReadAge {2}); not reading it again.",
                        ConfirmationText.Target(reading.Widget.Name, reading.Widget.Sitekey), DurationText.Format(now - reading.ReadOn), DurationText.Format(MaxReadAge)));
                    return reading;
                }

                WidgetReading? newest = ReferenceEquals(reading.Connection, connection) ? WidgetReading.NewestOwnWrite(connection, sitekey, now, MaxReadAge) : null;
                if (newest != null)
                {
                    WriteVerboseLine(string.Format(CultureInfo.InvariantCulture,
                        "{0} was changed by this session after the piped object was read; updating it from the answer to that change, {1} ago, not from the piped object.",
                        ConfirmationText.Target(newest.Widget.Name, newest.Widget.Sitekey), DurationText.Format(now - newest.ReadOn)));
                    return newest;
                }

                if (ReferenceEquals(reading.Connection, connection) && !connection.Writes.IsCurrent(sitekey, reading.ReadAt))
                {
                    WriteVerboseLine(string.Format(CultureInfo.InvariantCulture,
                        "{0} was changed by this session after the piped object was read; reading it again.", ConfirmationText.Target(reading.Widget.Name, reading.Widget.Sitekey)));
                }
            }

            long readAt = connection.Writes.Position;
            Widget widget = Invoke(connection.Client, token => connection.Client.GetWidgetAsync(sitekey, token));
            return new WidgetReading(widget, connection, DateTimeOffset.UtcNow, readAt);
        }
    }
}
