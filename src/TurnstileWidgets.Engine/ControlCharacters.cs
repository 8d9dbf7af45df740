using System.Globalization;
using System.Text;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// Characters that act on a terminal or on how the text around them is shown, rather than being shown themselves:
    /// the C0 and C1 controls, DEL, the bidirectional embeddings, overrides and isolates, and the line and paragraph
    /// separators. Names and credentials holding one are refused (<see cref="Find"/>, <see cref="Describe"/>);
    /// text the API already holds is shown with them made visible (<see cref="MakeVisible"/>), for views.
    /// </summary>
    public static class ControlCharacters
    {
        private static readonly string[] C0Names =
        {
            "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY", "ACKNOWLEDGE", "BELL",
            "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
            "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR",
            "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
            "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE",
        };

        /// <summary>True for a character that acts rather than shows (see the class summary).</summary>
        public static bool IsControl(char c) => char.IsControl(c) || IsLayoutControl(c);

        /// <summary>The index of the first such character in <paramref name="text"/>, or -1.</summary>
        public static int Find(string? text)
        {
            if (text == null)
            {
                return -1;
            }
            for (int i = 0; i < text.Length; i++)
            {
                if (IsControl(text[i]))
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>The character's code point and Unicode name, e.g. <c>U+001B ESCAPE</c>.</summary>
        public static string Describe(char c)
        {
            string code = "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            string? name = Name(c);
            return name == null ? code : code + " " + name;
        }

        /// <summary>
        /// The text with each such character replaced by a visible stand-in: the Unicode control pictures for C0 and DEL
        /// (<c>␛</c> for ESCAPE, <c>␀</c> for NULL), <c>&lt;U+202E&gt;</c> for the others. Other text is unchanged.
        /// </summary>
        public static string MakeVisible(string? text)
        {
            if (string.IsNullOrEmpty(text) || Find(text) < 0)
            {
                return text ?? "";
            }
            var builder = new StringBuilder(text!.Length + 8);
            foreach (char c in text)
            {
                if (c < 0x20)
                {
                    builder.Append((char)(0x2400 + c));
                }
                else if (c == 0x7F)
                {
                    builder.Append('\u2421');
                }
                else if (IsControl(c))
                {
                    builder.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
                }
                else
                {
                    builder.Append(c);
                }
            }
            return builder.ToString();
        }

        // Embeddings, overrides and isolates reorder the text after them (U+202E makes "exe.txt" read "txt.exe");
        // the separators break a line. The marks (U+200E, U+200F, U+061C) are left alone: right-to-left names need them.
        private static bool IsLayoutControl(char c) =>
            (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029';

        private static string? Name(char c)
        {
            if (c < 0x20)
            {
                return C0Names[c];
            }
            switch (c)
            {
                case '\u007F': return "DELETE";
                case '\u0085': return "NEXT LINE";
                case '\u202A': return "LEFT-TO-RIGHT EMBEDDING";
                case '\u202B': return "RIGHT-TO-LEFT EMBEDDING";
                case '\u202C': return "POP DIRECTIONAL FORMATTING";
                case '\u202D': return "LEFT-TO-RIGHT OVERRIDE";
                case '\u202E': return "RIGHT-TO-LEFT OVERRIDE";
                case '\u2066': return "LEFT-TO-RIGHT ISOLATE";
                case '\u2067': return "RIGHT-TO-LEFT ISOLATE";
                case '\u2068': return "FIRST STRONG ISOLATE";
                case '\u2069': return "POP DIRECTIONAL ISOLATE";
                case '\u2028': return "LINE SEPARATOR";
                case '\u2029': return "PARAGRAPH SEPARATOR";
            }
            return c >= 0x80 && c <= 0x9F ? "(a C1 control character)" : null;
        }
    }
}
