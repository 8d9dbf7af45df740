using System;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Listing
{
    /// <summary>
    /// <c>Get-TurnstileWidget -Name</c>: a <see cref="WildcardPattern"/> matched case-insensitively against whole names,
    /// and the API filter that narrows the listing. The API's <c>name:</c> filter is a substring match, so it only
    /// narrows; <see cref="IsMatch"/> decides.
    /// </summary>
    internal sealed class NamePattern
    {
        private const WildcardOptions Options = WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant;

        private readonly WildcardPattern pattern;

        private NamePattern(string text, WildcardPattern pattern)
        {
            Pattern = text;
            this.pattern = pattern;
            HasWildcards = WildcardPattern.ContainsWildcardCharacters(text);
            LiteralName = HasWildcards ? null : WildcardPattern.Unescape(text);
            LongestLiteral = HasWildcards ? FindLongestLiteralRun(text) : LiteralName!;
        }

        /// <summary>The pattern as given.</summary>
        public string Pattern { get; }

        /// <summary>True when the pattern has an unescaped <c>*</c>, <c>?</c> or <c>[...]</c>.</summary>
        public bool HasWildcards { get; }

        /// <summary>The name with escapes removed, when the pattern has no wildcards; otherwise null.</summary>
        public string? LiteralName { get; }

        /// <summary>The longest run of literal characters (escapes removed); empty when there is none.</summary>
        public string LongestLiteral { get; }

        /// <summary>The API filter to send (<c>name:&lt;longest literal run&gt;</c>), or null to list every widget.</summary>
        public string? ApiFilter => LongestLiteral.Length == 0 ? null : "name:" + LongestLiteral;

        /// <summary>
        /// Parses a pattern; throws <see cref="TurnstileValidationException"/> before any request when PowerShell's
        /// wildcard rules refuse it (an unclosed or empty <c>[</c>, a range whose start comes after its end).
        /// </summary>
        public static NamePattern Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var pattern = new WildcardPattern(text, Options);
            try
            {
                // WildcardPattern parses lazily, on the first match: force it now, so a bad pattern fails before any request.
                pattern.IsMatch("");
            }
            catch (WildcardPatternException exception)
            {
                throw new TurnstileValidationException("name", string.Format(CultureInfo.InvariantCulture,
                    "The -Name pattern '{0}' is not a valid wildcard pattern ({1}). Close each '[' with a ']' after at least one character, write ranges low to high ([a-z]), or escape a literal '[' with a backtick (`[).",
                    // Made visible: the pattern may be a name copied from the API, holding a character that acts on the terminal.
                    DisplayText.Visible(text), DisplayText.Visible(exception.Message.TrimEnd('.'))));
            }

            return new NamePattern(text, pattern);
        }

        /// <summary>True when <paramref name="name"/> matches the whole pattern, ignoring case.</summary>
        public bool IsMatch(string? name) => name != null && pattern.IsMatch(name);

        // WildcardPattern exposes no parse of the pattern, and the API filter needs its literal runs: this scan only
        // splits at wildcards (matching stays with WildcardPattern), following the same rules: a backtick makes the next
        // character literal (a trailing one stands for itself), and a bracket expression runs to its unescaped ']'.
        private static string FindLongestLiteralRun(string text)
        {
            string longest = "";
            var current = new StringBuilder();
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '`')
                {
                    current.Append(i + 1 < text.Length ? text[i + 1] : '`');
                    i += 2;
                    continue;
                }

                if (c != '*' && c != '?' && c != '[')
                {
                    current.Append(c);
                    i++;
                    continue;
                }

                if (current.Length > longest.Length) longest = current.ToString();
                current.Clear();
                i = c == '[' ? SkipBracket(text, i) : i + 1;
            }

            return current.Length > longest.Length ? current.ToString() : longest;
        }

        private static int SkipBracket(string text, int open)
        {
            int i = open + 1;
            while (i < text.Length && text[i] != ']')
            {
                i += text[i] == '`' ? 2 : 1;
            }

            return i + 1;
        }
    }
}
