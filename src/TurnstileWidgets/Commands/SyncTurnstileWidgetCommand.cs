using System.Globalization;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Makes the account match a desired-state file.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPathSet)]
    [OutputType(typeof(TurnstileWidgetChange))]
    public sealed class SyncTurnstileWidgetCommand : DesiredStateCmdlet
    {
        private bool yesToAll;
        private bool noToAll;

        /// <summary>Removes without asking (with -Prune); -WhatIf and -Confirm still win.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emits each applied change; a created widget's carries its sitekey and secret (SecureString).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Plans, then applies change by change; a failed change does not stop the others.</summary>
        protected override void EndProcessing()
        {
            var connection = RequireConnection();
            WidgetPlan? plan = null;
            TryProcess(Path, () => plan = MakePlan(connection.Client), terminating: true);
            int created = 0, updated = 0, removed = 0, skipped = 0;
            int failed = plan!.Problems.Count;
            foreach (WidgetChange change in plan.Changes)
            {
                string target = Target(change);
                if (!Confirm(change, target))
                {
                    skipped++;
                    continue;
                }

                TurnstileWidgetChange output = ToOutput(change, connection.Details.AccountId);
                bool done = TryProcess(change.Sitekey ?? change.Name, () => Apply(connection.Client, change, output));
                if (!done)
                {
                    failed++;
                    continue;
                }

                switch (change.Action)
                {
                    case WidgetChangeAction.Create: created++; break;
                    case WidgetChangeAction.Update: updated++; break;
                    default: removed++; break;
                }

                if (PassThru)
                {
                    WriteObject(output);
                }
            }

            if (created + updated + removed > 0)
            {
                connection.Completions.Invalidate();
            }

            string summary = string.Format(CultureInfo.InvariantCulture,
                "Sync-TurnstileWidget: {0} created, {1} updated, {2} removed, {3} failed{4}.",
                created, updated, removed, failed, skipped > 0 ? string.Format(CultureInfo.InvariantCulture, ", {0} not applied (-WhatIf or declined)", skipped) : "");
            // Shown on the host like Write-Host, yet capturable with -InformationVariable or 6>.
            WriteInformation(new HostInformationMessage { Message = summary }, new[] { "PSHOST" });
        }

        private bool Confirm(WidgetChange change, string target)
        {
            string action = change.Action switch
            {
                WidgetChangeAction.Create => "Create widget (" + string.Join("; ", System.Linq.Enumerable.Select(change.Changes, c => c.Property + " = " + Show(c.Desired))) + ")",
                WidgetChangeAction.Update => "Update widget (" + string.Join("; ", System.Linq.Enumerable.Select(change.Changes, c => c.Property + ": " + Show(c.Current) + " -> " + Show(c.Desired))) + ")",
                _ => "Remove widget (-Prune: no entry holds it)",
            };
            if (!ShouldProcess(target, action))
            {
                return false;
            }

            if (change.Action != WidgetChangeAction.Remove || Force || IsBound("Confirm"))
            {
                return true;
            }

            // The cmdlet's ConfirmImpact is Medium so creates and updates do not prompt by default; a removal is High
            // impact, so it asks at the default $ConfirmPreference (High) unless ShouldProcess has just asked already.
            object? preference = GetVariableValue("ConfirmPreference");
            ConfirmImpact level = preference is ConfirmImpact impact ? impact : ConfirmImpact.High;
            if (level != ConfirmImpact.High)
            {
                return true;
            }

            return ShouldContinue("Remove the widget " + target + "? No entry of the file holds it (-Prune). Its sitekey and secret stop working at once.",
                "Confirm removal", ref yesToAll, ref noToAll);
        }

        private void Apply(TurnstileClient client, WidgetChange change, TurnstileWidgetChange output)
        {
            switch (change.Action)
            {
                case WidgetChangeAction.Create:
                    Widget widget = Invoke(client, token => client.CreateWidgetAsync(change.Definition!, token));
                    output.Sitekey = widget.Sitekey;
                    output.Secret = string.IsNullOrEmpty(widget.Secret) ? null : OutputMapper.ToSecureString(widget.Secret!);
                    break;
                case WidgetChangeAction.Update:
                    Invoke(client, token => client.UpdateWidgetAsync(change.Sitekey!, change.Definition!, token));
                    break;
                default:
                    Invoke(client, token => client.DeleteWidgetAsync(change.Sitekey!, token));
                    break;
            }
        }

        private static string Show(object? value) => TurnstileWidgetPropertyChange.Show(value);
    }
}
