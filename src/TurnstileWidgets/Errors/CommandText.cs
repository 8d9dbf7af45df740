using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace TurnstileWidgets.Errors
{
    /// <summary>
    /// Values written into a command a message suggests, so the user can paste it and it does what it says: quoted and
    /// escaped as PowerShell reads them, in PowerShell 7 and Windows PowerShell 5.1 alike.
    /// </summary>
    internal static class CommandText
    {
        /// <summary>
        /// The argument for <c>-Name</c> that finds what <paramref name="value"/> means: a value with wildcards stays a
        /// pattern (<c>'csv*'</c>); any other is a literal name, so its backticks are escaped (<c>-Name</c> reads them
        /// as wildcard escapes). Quoted by <see cref="Quoted"/>.
        /// </summary>
        public static string NameArgument(string value) =>
            Quoted(WildcardPattern.ContainsWildcardCharacters(value) ? value : WildcardPattern.Escape(value));

        /// <summary>
        /// <paramref name="value"/> as a PowerShell string literal: single-quoted (PowerShell's own escaping, which also
        /// doubles the typographic quotes it reads as <c>'</c>); double-quoted with escapes when it holds a control
        /// character, which a single-quoted string would carry raw into the terminal.
        /// </summary>
        public static string Quoted(string value)
        {
            if (!HasControlCharacter(value))
            {
                return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
            }

            var text = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '\0': text.Append("`0"); break;
                    case '\a': text.Append("`a"); break;
                    case '\b': text.Append("`b"); break;
                    case '\f': text.Append("`f"); break;
                    case '\n': text.Append("`n"); break;
                    case '\r': text.Append("`r"); break;
                    case '\t': text.Append("`t"); break;
                    case '\v': text.Append("`v"); break;
                    // `u{...} and `e are PowerShell 7 only; a subexpression reads the same in 5.1.
                    case var control when char.IsControl(control):
                        text.Append("$([char]0x").Append(((int)control).ToString("X", CultureInfo.InvariantCulture)).Append(')');
                        break;
                    // Characters a double-quoted string treats specially (PowerShell reads the typographic quotes as '"').
                    case '`':
                    case '$':
                    case '"':
                    case '\u201C':
                    case '\u201D':
                    case '\u201E':
                        text.Append('`').Append(c);
                        break;
                    default:
                        text.Append(c);
                        break;
                }
            }

            return text.Append('"').ToString();
        }

        private static bool HasControlCharacter(string value)
        {
            foreach (char c in value)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
