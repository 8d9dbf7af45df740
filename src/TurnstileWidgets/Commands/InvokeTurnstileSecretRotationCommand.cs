using System;
using System.Collections.Generic;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.CmdletSupport;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// <para type="synopsis">Rotates Turnstile widgets' secrets.</para>
    /// <para type="description">The old secret keeps working for 2 hours, or stops at once with -InvalidateImmediately (which asks a second question unless -Force).</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TurnstileSecretRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = BySitekeySet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class InvokeTurnstileSecretRotationCommand : TurnstileCmdlet
    {
        private const string BySitekeySet = "BySitekey";
        private const string ByInputObjectSet = "ByInputObject";

        private bool yesToAll;
        private bool noToAll;

        /// <summary>One or more sitekeys.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string[]? Sitekey { get; set; }

        /// <summary>A widget from Get-TurnstileWidget.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>Makes the old secret stop working now instead of in 2 hours.</summary>
        [Parameter]
        public SwitchParameter InvalidateImmediately { get; set; }

        /// <summary>Rotates without asking (but -WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Also fills PlainTextSecret with the new secret.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>Rotates one widget's secret per sitekey or input object.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            bool immediately = InvalidateImmediately.IsPresent;
            string action = immediately ? ConfirmationText.RotateImmediatelyAction : ConfirmationText.RotateAction;
            foreach (KeyValuePair<string, string?> item in WidgetTargets(InputObject, Sitekey))
            {
                string sitekey = item.Key;
                string target = ConfirmationText.Target(item.Value, sitekey);
                if (!ConfirmChange(target, action, Force))
                {
                    continue;
                }

                if (ConfirmationText.MustAskInvalidateImmediately(immediately, Force)
                    && !ShouldContinue(ConfirmationText.InvalidateImmediatelyQuery(target), ConfirmationText.InvalidateImmediatelyCaption, ref yesToAll, ref noToAll))
                {
                    continue;
                }

                TryProcess(sitekey, () =>
                {
                    TurnstileClient client = connection.Client;
                    Widget rotated = Invoke(client, token => client.RotateSecretAsync(sitekey, immediately, token));
                    DateTimeOffset expiresOn = SecretRotation.PreviousSecretExpiresOn(DateTimeOffset.Now, immediately);
                    WriteObject(OutputMapper.ToTurnstileWidget(rotated, connection.Details.AccountId, AsPlainText, expiresOn));
                });
            }
        }
    }
}
