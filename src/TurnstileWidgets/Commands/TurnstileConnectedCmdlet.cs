using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TurnstileWidgets.Engine.CmdletSupport;

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

        /// <summary>The terminating error for a -Connection (or -Name) that names no connection.</summary>
        internal static ErrorRecord ConnectionNotFound(string name)
        {
            string known = string.Join(", ", TurnstileSession.All.Select(pair => pair.Key));
            string message = $"No connection is named '{name}'. " + (known.Length == 0
                ? "There is no connection at all: run Connect-Turnstile -Name " + name + " first."
                : "The connections are: " + known + ". Get-TurnstileConnection lists them; Connect-Turnstile -Name " + name + " adds it.");
            return new ErrorRecord(new ItemNotFoundException(message), "TurnstileConnectionNotFound", ErrorCategory.ObjectNotFound, name)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Give the name of a connection Get-TurnstileConnection lists, or connect under that name with Connect-Turnstile -Name." },
            };
        }
    }

    /// <summary>
    /// Lets -Connection take a name: PowerShell would otherwise try to convert the text to a TurnstileConnection and fail
    /// with a message that does not say which names exist.
    /// </summary>
    public sealed class TurnstileConnectionTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>A name becomes that connection (its public view); a TurnstileConnection passes through.</summary>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null:
                case TurnstileConnection _:
                    return value;
                case string name:
                    SessionConnection? connection = TurnstileSession.Find(name);
                    if (connection == null)
                    {
                        throw new ArgumentTransformationMetadataException(TurnstileConnectedCmdlet.ConnectionNotFound(name).ErrorDetails.Message, null);
                    }

                    return OutputMapper.ToTurnstileConnection(connection.Details, name, string.Equals(TurnstileSession.CurrentName, name, StringComparison.OrdinalIgnoreCase));
                default:
                    throw new ArgumentTransformationMetadataException(
                        "-Connection takes a connection's name or a TurnstileConnection from Get-TurnstileConnection, not a " + value.GetType().Name + ".", null);
            }
        }
    }

    /// <summary>Completes connection names (for -Connection and -Name), the default first.</summary>
    public sealed class ConnectionNameCompleter : IArgumentCompleter
    {
        /// <summary>The names that start with the typed text.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            var results = new List<CompletionResult>();
            foreach (KeyValuePair<string, SessionConnection> pair in TurnstileSession.All)
            {
                if (pair.Key.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                {
                    results.Add(new CompletionResult(pair.Key, pair.Key, CompletionResultType.ParameterValue, pair.Key + ": account " + pair.Value.Details.AccountId));
                }
            }

            return results;
        }
    }
}
