using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TurnstileWidgets.Engine.CmdletSupport
{
    /// <summary>
    /// A <c>-Name</c> pattern with PowerShell's wildcard rules (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>,
    /// backtick escapes), matched case-insensitively against whole names. The API's <c>name:</c> filter is a
    /// substring match, so it only narrows the listing; <see cref="IsMatch"/> decides.
    /// </summary>
    public sealed class NameWildcard
    {
        private readonly List<Token> tokens;

        private NameWildcard(string pattern, List<Token> tokens)
        {
            Pattern = pattern;
            this.tokens = tokens;
            var literal = new StringBuilder();
            string longest = "";
            var current = new StringBuilder();
            bool hasWildcard = false;
            foreach (Token token in tokens)
            {
                if (token.Kind == TokenKind.Literal)
                {
                    literal.Append(token.Literal);
                    current.Append(token.Literal);
                    continue;
                }

                hasWildcard = true;
                if (current.Length > longest.Length) longest = current.ToString();
                current.Clear();
            }

            if (current.Length > longest.Length) longest = current.ToString();
            HasWildcards = hasWildcard;
            LiteralName = hasWildcard ? null : literal.ToString();
            LongestLiteral = longest;
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

        /// <summary>Parses a pattern; throws <see cref="TurnstileValidationException"/> for an unclosed or empty <c>[</c>.</summary>
        public static NameWildcard Parse(string pattern)
        {
            if (pattern == null) throw new ArgumentNullException(nameof(pattern));
            var tokens = new List<Token>();
            int i = 0;
            while (i < pattern.Length)
            {
                char c = pattern[i];
                if (c == '`')
                {
                    // A trailing backtick has nothing to escape, so it stands for itself, as in PowerShell.
                    tokens.Add(Token.ForLiteral(i + 1 < pattern.Length ? pattern[i + 1] : '`'));
                    i += 2;
                }
                else if (c == '*')
                {
                    if (tokens.Count == 0 || tokens[tokens.Count - 1].Kind != TokenKind.AnySequence)
                    {
                        tokens.Add(Token.Star);
                    }

                    i++;
                }
                else if (c == '?')
                {
                    tokens.Add(Token.Question);
                    i++;
                }
                else if (c == '[')
                {
                    i = ParseBracket(pattern, i, tokens);
                }
                else
                {
                    tokens.Add(Token.ForLiteral(c));
                    i++;
                }
            }

            return new NameWildcard(pattern, tokens);
        }

        /// <summary>True when <paramref name="name"/> matches the whole pattern, ignoring case.</summary>
        public bool IsMatch(string? name)
        {
            if (name == null) return false;
            if (LiteralName != null) return string.Equals(name, LiteralName, StringComparison.OrdinalIgnoreCase);

            // Every token but '*' consumes one character, so a greedy walk that backtracks to the last '*' is exact.
            int t = 0, n = 0, starToken = -1, starName = 0;
            while (n < name.Length)
            {
                if (t < tokens.Count && tokens[t].Kind != TokenKind.AnySequence && tokens[t].Matches(name[n]))
                {
                    t++;
                    n++;
                }
                else if (t < tokens.Count && tokens[t].Kind == TokenKind.AnySequence)
                {
                    starToken = t++;
                    starName = n;
                }
                else if (starToken >= 0)
                {
                    t = starToken + 1;
                    n = ++starName;
                }
                else
                {
                    return false;
                }
            }

            while (t < tokens.Count && tokens[t].Kind == TokenKind.AnySequence) t++;
            return t == tokens.Count;
        }

        private static int ParseBracket(string pattern, int open, List<Token> tokens)
        {
            var ranges = new List<KeyValuePair<char, char>>();
            int i = open + 1;
            var members = new List<char>();
            bool closed = false;
            while (i < pattern.Length)
            {
                char c = pattern[i];
                if (c == ']')
                {
                    closed = true;
                    i++;
                    break;
                }

                if (c == '`' && i + 1 < pattern.Length)
                {
                    members.Add(pattern[i + 1]);
                    i += 2;
                    continue;
                }

                members.Add(c);
                i++;
            }

            if (!closed || members.Count == 0)
            {
                throw new TurnstileValidationException("name", string.Format(CultureInfo.InvariantCulture,
                    "The -Name pattern '{0}' is not a valid wildcard pattern: the '[' at position {1} has no matching ']' or lists no characters. Escape a literal '[' with a backtick (`[).",
                    pattern, open + 1));
            }

            for (int m = 0; m < members.Count; m++)
            {
                if (m + 2 < members.Count && members[m + 1] == '-')
                {
                    char low = members[m], high = members[m + 2];
                    if (low > high)
                    {
                        throw new TurnstileValidationException("name", string.Format(CultureInfo.InvariantCulture,
                            "The -Name pattern '{0}' has the range '{1}-{2}', whose start comes after its end.", pattern, low, high));
                    }

                    ranges.Add(new KeyValuePair<char, char>(low, high));
                    m += 2;
                }
                else
                {
                    ranges.Add(new KeyValuePair<char, char>(members[m], members[m]));
                }
            }

            tokens.Add(Token.ForSet(ranges));
            return i;
        }

        private enum TokenKind
        {
            Literal,
            AnyCharacter,
            AnySequence,
            Set,
        }

        private sealed class Token
        {
            public static readonly Token Star = new Token(TokenKind.AnySequence, '\0', null);
            public static readonly Token Question = new Token(TokenKind.AnyCharacter, '\0', null);

            private readonly List<KeyValuePair<char, char>>? ranges;

            private Token(TokenKind kind, char literal, List<KeyValuePair<char, char>>? ranges)
            {
                Kind = kind;
                Literal = literal;
                this.ranges = ranges;
            }

            public TokenKind Kind { get; }
            public char Literal { get; }

            public static Token ForLiteral(char c) => new Token(TokenKind.Literal, c, null);
            public static Token ForSet(List<KeyValuePair<char, char>> ranges) => new Token(TokenKind.Set, '\0', ranges);

            public bool Matches(char c)
            {
                switch (Kind)
                {
                    case TokenKind.Literal:
                        return SameIgnoringCase(c, Literal);
                    case TokenKind.AnyCharacter:
                        return true;
                    case TokenKind.Set:
                        char lower = char.ToLowerInvariant(c), upper = char.ToUpperInvariant(c);
                        foreach (KeyValuePair<char, char> range in ranges!)
                        {
                            if (InRange(c, range) || InRange(lower, range) || InRange(upper, range)) return true;
                        }

                        return false;
                    default:
                        return false;
                }
            }

            private static bool InRange(char c, KeyValuePair<char, char> range) => c >= range.Key && c <= range.Value;

            private static bool SameIgnoringCase(char a, char b) =>
                a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b) || char.ToLowerInvariant(a) == char.ToLowerInvariant(b);
        }
    }
}
