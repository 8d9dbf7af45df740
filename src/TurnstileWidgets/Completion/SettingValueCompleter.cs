using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Completion
{
    /// <summary>Completes -Mode, -Region and -ClearanceLevel from the engine's wire values, as ValidateSet would.</summary>
    public sealed class SettingValueCompleter : IArgumentCompleter
    {
        /// <summary>The values that start with the typed text.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            return ValuesFor(parameterName)
                .Where(value => value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
        }

        /// <summary>The wire values of the setting a parameter names.</summary>
        internal static IReadOnlyList<string> ValuesFor(string parameterName)
        {
            switch (parameterName)
            {
                case "Mode": return WireNames.Modes;
                case "Region": return WireNames.Regions;
                case "ClearanceLevel": return WireNames.ClearanceLevels;
                default: return Array.Empty<string>();
            }
        }
    }
}
