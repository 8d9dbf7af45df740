using System.Collections.Generic;
using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Shows the session's Cloudflare connections.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TurnstileConnection")]
    [OutputType(typeof(TurnstileConnection))]
    public sealed class GetTurnstileConnectionCommand : TurnstileCmdlet
    {
        /// <summary>Only the connections with these names (wildcards allowed).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Writes the connections; a name without wildcards that matches none is an error.</summary>
        protected override void ProcessRecord()
        {
            IReadOnlyList<KeyValuePair<string, SessionConnection>> all = TurnstileSession.All;
            var patterns = new List<(string Text, WildcardPattern Pattern, bool Matched)>();
            foreach (string text in Name ?? new[] { "*" })
            {
                patterns.Add((text, WildcardPattern.Get(text, WildcardOptions.IgnoreCase), false));
            }

            for (int i = 0; i < all.Count; i++)
            {
                bool wanted = false;
                for (int p = 0; p < patterns.Count; p++)
                {
                    if (patterns[p].Pattern.IsMatch(all[i].Key))
                    {
                        wanted = true;
                        patterns[p] = (patterns[p].Text, patterns[p].Pattern, true);
                    }
                }

                if (wanted)
                {
                    WriteObject(OutputMapper.ToTurnstileConnection(all[i].Value.Details, all[i].Key, isDefault: i == 0));
                }
            }

            foreach ((string text, WildcardPattern _, bool matched) in patterns)
            {
                if (!matched && !WildcardPattern.ContainsWildcardCharacters(text))
                {
                    WriteError(ErrorMapper.ConnectionNotFound(text));
                }
            }
        }
    }
}
