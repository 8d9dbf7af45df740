using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets
{
    /// <summary>
    /// A widget's domains: a read-only list of strings everywhere (indexing, <c>-join</c>, <c>-contains</c>, the
    /// pipeline, JSON), whose text form is the ';'-joined list. Export-Csv writes a value's text form, so a widget's
    /// Domains column reads back through Import-Csv into -Domain instead of as a .NET type name.
    /// </summary>
    public sealed class DomainList : ReadOnlyCollection<string>
    {
        /// <summary>An empty list.</summary>
        public DomainList()
            : base(new List<string>())
        {
        }

        /// <summary>A list of <paramref name="domains"/> (null entries dropped).</summary>
        public DomainList(IEnumerable<string> domains)
            : base((domains ?? Enumerable.Empty<string>()).Where(d => d != null).ToList())
        {
        }

        /// <summary>The domains joined with ';', e.g. <c>example.com;www.example.com</c>: what Export-Csv writes and -Domain reads back.</summary>
        public override string ToString() => DomainText.Join(this);
    }
}
