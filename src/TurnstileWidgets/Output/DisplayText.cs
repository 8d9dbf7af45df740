using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets
{
    /// <summary>
    /// Text from the API as the views show it. A name the API holds may contain control characters (another tool
    /// wrote it); sent raw, an ESC would drive the terminal. C0 controls and DEL become their Unicode Control Pictures
    /// (ESC shows as U+241B), other controls and bidirectional overrides a <c>&lt;U+009B&gt;</c>-style stand-in
    /// (<see cref="ControlCharacters.MakeVisible"/>). The views call these methods.
    /// </summary>
    public static class DisplayText
    {
        /// <summary><paramref name="text"/> with every control character made visible; empty for null.</summary>
        // The engine's ControlCharacters owns which characters act rather than show and how each is shown; the views and
        // the refusals of such names must agree.
        public static string Visible(string? text) => ControlCharacters.MakeVisible(text);

        /// <summary>
        /// The first domain (up to 22 characters) and how many more there are (<c>example.com (+2)</c>), made visible:
        /// with a name of up to 24 characters and a whole sitekey, it fits in 80 columns.
        /// </summary>
        public static string FirstDomain(IReadOnlyList<string>? domains)
        {
            if (domains == null || domains.Count == 0)
            {
                return "";
            }

            string first = Capped(domains[0], 22);
            return domains.Count == 1 ? first : first + " (+" + (domains.Count - 1).ToString(CultureInfo.InvariantCulture) + ")";
        }

        /// <summary>
        /// A connection's API address as the connection table shows it: host and port always whole, the scheme only when it
        /// is not https, the path only when it is not Cloudflare's <c>/client/v4</c> (<c>api.cloudflare.com</c>,
        /// <c>http://127.0.0.1:43117</c>). The whole URI does not fit 80 columns beside a 32-character account id; the list
        /// view shows it.
        /// </summary>
        public static string ApiAddress(Uri? uri)
        {
            if (uri == null)
            {
                return "";
            }

            if (!uri.IsAbsoluteUri)
            {
                return Visible(uri.OriginalString);
            }

            string scheme = uri.Scheme == Uri.UriSchemeHttps ? "" : uri.Scheme + "://";
            string path = uri.AbsolutePath.TrimEnd('/');
            string shownPath = string.Equals(path, ApiPath, StringComparison.OrdinalIgnoreCase) ? "" : path;
            return Visible(scheme + uri.Authority + shownPath);
        }

        // Cloudflare's API path (https://api.cloudflare.com/client/v4), which every connection shares unless it points elsewhere.
        private const string ApiPath = "/client/v4";

        /// <summary>
        /// <paramref name="text"/> made visible, whole when it has at most <paramref name="maxLength"/> characters, else
        /// cut to that many with a closing ellipsis: a table column sized to its data, within a cap.
        /// </summary>
        public static string Capped(string? text, int maxLength)
        {
            string visible = Visible(text);
            return maxLength < 1 || visible.Length <= maxLength ? visible : visible.Substring(0, maxLength - 1) + "\u2026";
        }

        /// <summary>
        /// A planned change as the default view shows it: a line naming the widget (<c>Update login-form (0x4AAA...)</c>),
        /// then, indented, one line per changed setting and, for an update or removal, how the live widget was deployed
        /// and last changed. Lines are not cut; one longer than the console wraps.
        /// </summary>
        public static string Plan(TurnstileWidgetChange change)
        {
            if (change == null)
            {
                return "";
            }

            var text = new StringBuilder();
            text.Append(change.Action).Append(' ').Append(Visible(change.Name));
            if (!string.IsNullOrEmpty(change.Sitekey))
            {
                text.Append(" (").Append(Visible(change.Sitekey)).Append(')');
            }

            foreach (string line in ChangeLineList(change))
            {
                text.Append('\n').Append(Indent).Append(line);
            }

            string? via = Via(change);
            if (via != null)
            {
                text.Append('\n').Append(Indent).Append(via);
            }

            return text.ToString();
        }

        /// <summary>One line per changed setting (<c>Mode: managed -> invisible</c>; a domain list as what it gains and loses); a removal's line says so.</summary>
        public static string ChangeLines(TurnstileWidgetChange change) =>
            change == null ? "" : string.Join("\n", ChangeLineList(change));

        private const string Indent = "    ";

        private static List<string> ChangeLineList(TurnstileWidgetChange change)
        {
            var lines = new List<string>();
            if (change.Changes.Length == 0 && change.Action == "Remove")
            {
                lines.Add("(removed: no entry holds it)");
            }

            foreach (TurnstileWidgetPropertyChange property in change.Changes)
            {
                lines.Add(property.Current is IEnumerable<string> current && property.Desired is IEnumerable<string> desired
                    ? property.Property + ": " + ListDifference(current, desired)
                    : property.ToString());
            }

            return lines;
        }

        // A list change as "+added, -removed": one short line where "old list -> new list" would wrap.
        private static string ListDifference(IEnumerable<string> current, IEnumerable<string> desired)
        {
            var before = new HashSet<string>(current, StringComparer.OrdinalIgnoreCase);
            var after = new HashSet<string>(desired, StringComparer.OrdinalIgnoreCase);
            var parts = new List<string>();
            foreach (string item in desired)
            {
                if (!before.Contains(item)) parts.Add("+" + Visible(item));
            }

            foreach (string item in current)
            {
                if (!after.Contains(item)) parts.Add("-" + Visible(item));
            }

            return parts.Count == 0 ? "(reordered)" : string.Join(", ", parts);
        }

        private static string? Via(TurnstileWidgetChange change)
        {
            var via = new List<string>();
            if (!string.IsNullOrEmpty(change.LastModifiedVia))
            {
                via.Add("last modified via " + Visible(change.LastModifiedVia));
            }

            if (!string.IsNullOrEmpty(change.DeployedVia))
            {
                via.Add("deployed via " + Visible(change.DeployedVia));
            }

            return via.Count == 0 ? null : "(" + string.Join(", ", via) + ")";
        }

        /// <summary>The domains joined with ", ", each made visible: the list view's Domains line.</summary>
        public static string Domains(IEnumerable<string>? domains) => Joined(domains);

        /// <summary>Texts joined with ", ", each made visible (a secret check's error codes); empty for null.</summary>
        public static string Joined(IEnumerable<string>? texts)
        {
            if (texts == null)
            {
                return "";
            }

            var visible = new List<string>();
            foreach (string text in texts)
            {
                visible.Add(Visible(text));
            }

            return string.Join(", ", visible);
        }

        /// <summary>
        /// Counts by name as <c>challenge_issued: 12, challenge_non_interactive_solved: 9</c>, each name made visible: the
        /// analytics list view's EventCounts line (event types are kept verbatim, so a future or forged one shows as sent).
        /// </summary>
        public static string Counts(IEnumerable<KeyValuePair<string, long>>? counts)
        {
            if (counts == null)
            {
                return "";
            }

            var parts = new List<string>();
            foreach (KeyValuePair<string, long> count in counts)
            {
                parts.Add(Visible(count.Key) + ": " + count.Value.ToString(CultureInfo.InvariantCulture));
            }

            return string.Join(", ", parts);
        }
    }
}
