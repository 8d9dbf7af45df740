using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Parameters;

namespace TurnstileWidgets.Commands
{
    /// <summary>The base of every cmdlet that works on widgets: it takes -Connection, a connection's name or a TurnstileConnection.</summary>
    public abstract class TurnstileConnectedCmdlet : TurnstileCmdlet
    {
        /// <summary>The connection to use, by name (Tab completes the names) or as a TurnstileConnection from Get-TurnstileConnection; the default (most recent) connection when left out.</summary>
        [Parameter]
        [ValidateNotNull]
        [TurnstileConnectionTransformation]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public TurnstileConnection? Connection { get; set; }

        /// <summary>The name -Connection gives.</summary>
        internal override string? ConnectionName => Connection?.Name;
    }
}
