using System.Management.Automation;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Shows how the account differs from a desired-state file.
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
