using System.Collections.Generic;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.CmdletSupport;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes Turnstile widgets.</para>
    /// <para type="description">Asks for confirmation unless -Force; -WhatIf always wins over -Force.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = BySitekeySet)]
    [OutputType(typeof(TurnstileWidget))]
    public sealed class RemoveTurnstileWidgetCommand : TurnstileCmdlet
    {
        private const string BySitekeySet = "BySitekey";
        private const string ByInputObjectSet = "ByInputObject";

        /// <summary>One or more sitekeys.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string[]? Sitekey { get; set; }

        /// <summary>A widget from Get-TurnstileWidget.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>Deletes without asking (but -WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emits each removed widget.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Deletes one widget per sitekey or input object.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            foreach (KeyValuePair<string, string?> item in WidgetTargets(InputObject, Sitekey))
            {
                string sitekey = item.Key;
                string target = ConfirmationText.Target(item.Value, sitekey);
                if (!ConfirmChange(target, ConfirmationText.RemoveAction, Force))
                {
                    continue;
                }

                TryProcess(sitekey, () =>
                {
                    TurnstileClient client = connection.Client;
                    Widget removed = Invoke(client, token => client.DeleteWidgetAsync(sitekey, token));
                    connection.Completions.Invalidate();
                    if (PassThru)
                    {
                        WriteObject(OutputMapper.ToTurnstileWidget(removed, connection.Details.AccountId));
                    }
                });
            }
        }
    }
}
