using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;
using System.Text;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// The desired-state file's PowerShell data file form, <c>@{ Widgets = @( @{ Name = ...; ... } ) }</c>, readable by
    /// Import-PowerShellDataFile: in the engine's stable order, single-quoted strings, <c>$true</c>/<c>$false</c>,
    /// four-space indent, LF line ends. (Reading it is <see cref="DesiredStateCmdlet"/>'s, with PowerShell's parser.)
    /// </summary>
    internal static class PowerShellDataFile
    {
        /// <summary>The file's text for <paramref name="entries"/>.</summary>
        public static string Write(IEnumerable<DesiredWidget> entries)
        {
            var text = new StringBuilder();
            text.Append("@{\n    Widgets = @(\n");
            foreach (DesiredWidget entry in DesiredStateFile.Sort(entries))
            {
                text.Append("        @{\n");
                foreach (KeyValuePair<string, object> property in DesiredStateFile.Properties(entry))
                {
                    text.Append("            ").Append(property.Key).Append(" = ");
                    switch (property.Value)
                    {
                        case string value:
                            text.Append(Quote(value));
                            break;
                        case bool value:
                            text.Append(value ? "$true" : "$false");
                            break;
                        case IReadOnlyList<string> values:
                            text.Append("@(").Append(string.Join(", ", values.Select(Quote))).Append(')');
                            break;
                    }

                    text.Append('\n');
                }

                text.Append("        }\n");
            }

            text.Append("    )\n}\n");
            return text.ToString();
        }

        private static string Quote(string value) => "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
    }
}
