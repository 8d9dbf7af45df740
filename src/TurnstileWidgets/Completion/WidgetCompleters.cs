using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Completion
{
    /// <summary>Completes from the widgets of the connection the command line names with -Connection (else the default), cached for a minute per connection.</summary>
    public abstract class WidgetCompleterBase : IArgumentCompleter
    {
        // The -Connection typed on the same command line, so Tab offers that account's widgets; null: the default.
        private string? connectionName;

        private protected WidgetCompleterBase()
        {
        }

        /// <summary>Offers the cached sitekeys or names that start with the typed text.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            object? chosen = fakeBoundParameters?["Connection"];
            chosen = chosen is PSObject wrapped ? wrapped.BaseObject : chosen;
            connectionName = chosen is TurnstileConnection connection ? connection.Name : chosen as string;
            return Complete(wordToComplete);
        }

        private protected abstract IEnumerable<CompletionResult> Complete(string wordToComplete);

        private protected IEnumerable<CompletionResult> FromCache(CompletionField field, string wordToComplete)
        {
            SessionConnection? connection = connectionName == null ? TurnstileSession.Current : TurnstileSession.Find(connectionName);
            if (connection == null)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            return connection.Completions.Complete(field, wordToComplete);
        }
    }

    /// <summary>Completes <c>-Sitekey</c>.</summary>
    public sealed class SitekeyCompleter : WidgetCompleterBase
    {
        /// <summary>Creates the completer.</summary>
        public SitekeyCompleter()
        {
        }

        private protected override IEnumerable<CompletionResult> Complete(string wordToComplete) => FromCache(CompletionField.Sitekey, wordToComplete);
    }

    /// <summary>Completes a literal <c>-Name</c>.</summary>
    public sealed class WidgetNameCompleter : WidgetCompleterBase
    {
        /// <summary>Creates the completer.</summary>
        public WidgetNameCompleter()
        {
        }

        private protected override IEnumerable<CompletionResult> Complete(string wordToComplete) => FromCache(CompletionField.Name, wordToComplete);
    }

    /// <summary>Completes a wildcard <c>-Name</c>, escaping wildcard characters in the names offered.</summary>
    public sealed class WidgetNamePatternCompleter : WidgetCompleterBase
    {
        /// <summary>Creates the completer.</summary>
        public WidgetNamePatternCompleter()
        {
        }

        private protected override IEnumerable<CompletionResult> Complete(string wordToComplete) => FromCache(CompletionField.NamePattern, wordToComplete);
    }
}
