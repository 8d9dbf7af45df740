using System.Management.Automation;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows how the account differs from a desired-state file.</para>
    /// <para type="description">Emits one TurnstileWidgetChange per widget to create, update or (with -Prune) remove; nothing when the account matches. Sends no write.</para>
    /// </summary>
    [Cmdlet(VerbsData.Compare, "TurnstileWidget", DefaultParameterSetName = ByPathSet)]
    [OutputType(typeof(TurnstileWidgetChange))]
    public sealed class CompareTurnstileWidgetCommand : DesiredStateCmdlet
    {
        /// <summary>Plans and emits the changes.</summary>
        protected override void EndProcessing()
        {
            var connection = RequireConnection();
            TryProcess(Path, () =>
            {
                WidgetPlan plan = MakePlan(connection);
                foreach (WidgetChange change in plan.Changes)
                {
                    WriteObject(ToOutput(change, connection.Details.AccountId));
                }
            }, terminating: true);
        }
    }
}
