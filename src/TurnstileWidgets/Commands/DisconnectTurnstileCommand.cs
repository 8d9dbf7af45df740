using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Ends Cloudflare connections.
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Turnstile")]
    [OutputType(typeof(void))]
    public sealed class DisconnectTurnstileCommand : TurnstileCmdlet
    {
        /// <summary>The connections to end; without it, every connection.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Drops the connections; a name that is not connected is a non-terminating error.</summary>
        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                WriteVerboseLine(TurnstileSession.Disconnect() ? "Disconnected every connection." : "Not connected; nothing to do.");
                return;
            }

            foreach (string name in Name)
            {
                if (TurnstileSession.Disconnect(name))
                {
                    WriteVerboseLine("Disconnected '" + name + "'." + (TurnstileSession.CurrentName is string next ? " The default connection is now '" + next + "'." : ""));
                }
                else
                {
                    WriteError(ErrorMapper.ConnectionNotFound(name));
                }
            }
        }
    }
}
