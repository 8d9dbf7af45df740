using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Rotates Turnstile widgets' secrets.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TurnstileSecretRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class InvokeTurnstileSecretRotationCommand : TurnstileWidgetTargetCmdlet
    {
        private bool yesToAll;
        private bool noToAll;

        /// <summary>Makes the old secret stop working now instead of in 2 hours.</summary>
        [Parameter]
        public SwitchParameter InvalidateImmediately { get; set; }

        /// <summary>Rotates without asking (but -WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Also fills PlainTextSecret with the new secret.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        private readonly WriteProgressBar progress = new WriteProgressBar(WriteProgressBar.RotationActivityId, "Rotating Turnstile widget secrets");

        internal override WriteProgressBar? WriteProgressBar => progress;

        internal override string DoneOutcome => "rotated";

        internal override bool ConfirmTarget(string target)
        {
            bool immediately = InvalidateImmediately.IsPresent;
            string action = immediately ? ConfirmationText.RotateImmediatelyAction : ConfirmationText.RotateAction;
            if (!ConfirmChange(target, action, Force))
            {
                return false;
            }

            return !ConfirmationText.MustAskInvalidateImmediately(immediately, Force)
                || ShouldContinue(ConfirmationText.InvalidateImmediatelyQuery(target), ConfirmationText.InvalidateImmediatelyCaption, ref yesToAll, ref noToAll);
        }

        internal override void ProcessTarget(SessionConnection connection, string sitekey)
        {
            bool immediately = InvalidateImmediately.IsPresent;
            TurnstileClient client = connection.Client;
            Widget rotated = InvokeWrite(connection, sitekey, token => client.RotateSecretAsync(sitekey, immediately, token), out long readAt);
            DateTimeOffset expiresOn = SecretRotation.PreviousSecretExpiresOn(DateTimeOffset.Now, immediately);
            WriteObject(OutputMapper.ToTurnstileWidget(new WidgetReading(rotated, connection, DateTimeOffset.UtcNow, readAt), AsPlainText, expiresOn));
        }
    }
}
