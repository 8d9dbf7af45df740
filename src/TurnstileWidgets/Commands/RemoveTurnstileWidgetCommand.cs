using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Deletes Turnstile widgets.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class RemoveTurnstileWidgetCommand : TurnstileWidgetTargetCmdlet
    {
        /// <summary>Deletes without asking (but -WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emits each removed widget.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly WriteProgressBar progress = new WriteProgressBar(WriteProgressBar.RemoveActivityId, "Removing Turnstile widgets");

        internal override WriteProgressBar? WriteProgressBar => progress;

        internal override string DoneOutcome => "removed";

        internal override bool ConfirmTarget(string target) => ConfirmChange(target, ConfirmationText.RemoveAction, Force);

        internal override void ProcessTarget(SessionConnection connection, string sitekey)
        {
            TurnstileClient client = connection.Client;
            Widget removed = InvokeWrite(connection, sitekey, token => client.DeleteWidgetAsync(sitekey, token), out _, answerIsReading: false);
            connection.Completions.Invalidate();
            if (PassThru)
            {
                WriteObject(OutputMapper.ToTurnstileWidget(removed, connection.Details.AccountId));
            }
        }
    }
}
