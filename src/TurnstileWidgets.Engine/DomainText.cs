using System;
using System.Collections.Generic;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// A widget's domains written as one piece of text, as a CSV cell holds them: joined with ';', and read back split
    /// at ';', ',', spaces and tabs (none of which a hostname or IP address can hold). The one rule for desired-state
    /// files and for the cmdlets' -Domain.
    /// </summary>
    public static class DomainText
    {
        /// <summary>The separator <see cref="Join"/> writes.</summary>
        public const string Separator = ";";

        private static readonly char[] Separators = { ';', ',', ' ', '\t' };

        /// <summary>The domains in <paramref name="text"/>; empty when it holds none.</summary>
        public static string[] Split(string text) =>
            text == null ? Array.Empty<string>() : text.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>The domains as one piece of text that <see cref="Split"/> reads back.</summary>
        public static string Join(IEnumerable<string> domains) => string.Join(Separator, domains ?? Array.Empty<string>());
    }
}
