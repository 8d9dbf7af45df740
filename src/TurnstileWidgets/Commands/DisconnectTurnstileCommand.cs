using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Listing;
using TurnstileWidgets.Parameters;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// <para type="synopsis">Forgets the current connection to Cloudflare.</para>
    /// <para type="description">No error when not connected.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Turnstile")]
    [OutputType(typeof(void))]
    public sealed class DisconnectTurnstileCommand : TurnstileCmdlet
    {
        /// <summary>Drops the connection.</summary>
        protected override void ProcessRecord()
        {
            WriteVerboseLine(TurnstileSession.Disconnect() ? "Disconnected." : "Not connected; nothing to do.");
        }
    }
}
