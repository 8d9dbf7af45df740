using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Completion
{
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
