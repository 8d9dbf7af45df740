using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Completion
{
    /// <summary>A widget's sitekey and name, for argument completion.</summary>
    internal sealed class WidgetName
    {
        /// <summary>Creates the pair.</summary>
        public WidgetName(string sitekey, string name)
        {
            Sitekey = sitekey;
            Name = name;
        }

        /// <summary>The sitekey.</summary>
        public string Sitekey { get; }
        /// <summary>The name.</summary>
        public string Name { get; }
    }

    /// <summary>Which parameter is being completed.</summary>
    internal enum CompletionField
    {
        /// <summary><c>-Sitekey</c>.</summary>
        Sitekey,
        /// <summary><c>-Name</c> taking a literal name (<c>Set-TurnstileWidget</c>).</summary>
        Name,
        /// <summary><c>-Name</c> taking a wildcard pattern (<c>Get-TurnstileWidget</c>): wildcard characters are escaped.</summary>
        NamePattern,
    }

    /// <summary>
    /// Sitekeys and names of the connected account's widgets, read by one listing when first needed and kept for
    /// <see cref="TimeToLive"/>, so pressing Tab never costs a request per keystroke. Thread-safe.
    /// </summary>
    internal sealed class CompletionCache
    {
        /// <summary>How long one listing serves completions.</summary>
        public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

        /// <summary>The longest a completion waits for its listing.</summary>
        public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(10);

        private readonly Func<CancellationToken, Task<IReadOnlyList<WidgetName>>> load;
        private readonly Func<DateTimeOffset> clock;
        private readonly object gate = new object();
        private IReadOnlyList<WidgetName>? widgets;
        private DateTimeOffset loadedOn;

        /// <summary>Creates the cache over <paramref name="load"/> (one listing) and <paramref name="clock"/>.</summary>
        public CompletionCache(Func<CancellationToken, Task<IReadOnlyList<WidgetName>>> load, Func<DateTimeOffset> clock)
        {
            this.load = load ?? throw new ArgumentNullException(nameof(load));
            this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
        }

        /// <summary>How many listings the cache has made.</summary>
        public int LoadCount { get; private set; }

        /// <summary>Forgets the cached widgets, e.g. after one was created or removed.</summary>
        public void Invalidate()
        {
            lock (gate)
            {
                widgets = null;
            }
        }

        /// <summary>
        /// The candidates for <paramref name="wordToComplete"/> (a prefix, case-insensitive, quotes ignored),
        /// sorted. A failed listing yields none and is not retried until the cache expires.
        /// </summary>
        public IReadOnlyList<CompletionResult> Complete(CompletionField field, string? wordToComplete)
        {
            string prefix = Unquote(wordToComplete ?? "");
            IReadOnlyList<WidgetName> all = GetWidgets();
            var candidates = new List<CompletionResult>();
            if (field == CompletionField.Sitekey)
            {
                foreach (WidgetName widget in all.Where(w => w.Sitekey.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                                                 .OrderBy(w => w.Sitekey, StringComparer.OrdinalIgnoreCase))
                {
                    candidates.Add(new CompletionResult(Quote(widget.Sitekey), widget.Sitekey, CompletionResultType.ParameterValue, widget.Name + " (" + widget.Sitekey + ")"));
                }

                return candidates;
            }

            foreach (IGrouping<string, WidgetName> sameName in all.Where(w => w.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                                                                    .GroupBy(w => w.Name, StringComparer.OrdinalIgnoreCase)
                                                                    .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
            {
                string name = sameName.First().Name;
                string text = field == CompletionField.NamePattern ? WildcardPattern.Escape(name) : name;
                string toolTip = string.Join(", ", sameName.Select(w => w.Name + " (" + w.Sitekey + ")"));
                candidates.Add(new CompletionResult(Quote(text), name, CompletionResultType.ParameterValue, toolTip));
            }

            return candidates;
        }

        /// <summary>
        /// Single-quotes <paramref name="value"/> when PowerShell would otherwise split or interpret it. PowerShell's own
        /// decision for this is internal to its completers, so the characters that force quotes are listed here.
        /// </summary>
        public static string Quote(string value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            bool needsQuotes = value.Length == 0 || value[0] == '-' || value.Any(c => char.IsWhiteSpace(c) || SpecialCharacters.IndexOf(c) >= 0);
            if (!needsQuotes) return value;

            return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
        }

        private const string SpecialCharacters = "'\"`$;,(){}@&|<>#*?[]\u2018\u2019\u201A\u201B\u201C\u201D\u201E";

        private IReadOnlyList<WidgetName> GetWidgets()
        {
            lock (gate)
            {
                DateTimeOffset now = clock();
                if (widgets != null && now - loadedOn < TimeToLive)
                {
                    return widgets;
                }

                LoadCount++;
                IReadOnlyList<WidgetName> loaded;
                try
                {
                    using (var timeout = new CancellationTokenSource(LoadTimeout))
                    {
                        loaded = load(timeout.Token).GetAwaiter().GetResult() ?? Array.Empty<WidgetName>();
                    }
                }
                catch (Exception)
                {
                    // Completion must never throw into the console; an empty list until expiry avoids hammering a failing API.
                    loaded = Array.Empty<WidgetName>();
                }

                widgets = loaded;
                loadedOn = now;
                return loaded;
            }
        }

        private static string Unquote(string word)
        {
            string result = word;
            if (result.Length > 0 && (result[0] == '\'' || result[0] == '"')) result = result.Substring(1);
            if (result.Length > 0 && (result[result.Length - 1] == '\'' || result[result.Length - 1] == '"')) result = result.Substring(0, result.Length - 1);
            return result;
        }
    }
}
