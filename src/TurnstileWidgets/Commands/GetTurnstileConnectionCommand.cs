using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Listing;
using TurnstileWidgets.Parameters;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the current connection to Cloudflare.</para>
    /// <para type="description">Writes nothing when not connected.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TurnstileConnection")]
    [OutputType(typeof(TurnstileConnection))]
    public sealed class GetTurnstileConnectionCommand : TurnstileCmdlet
    {
        /// <summary>Emits the connection, if any.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection? connection = TurnstileSession.Current;
            if (connection != null)
            {
                WriteObject(OutputMapper.ToTurnstileConnection(connection.Details));
            }
        }
    }
}
