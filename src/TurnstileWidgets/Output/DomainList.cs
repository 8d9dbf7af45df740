using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Collections.ObjectModel;
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

        /// <summary>
        /// A list of <paramref name="domains"/>, each item as text (null items dropped). Untyped, so that PowerShell
        /// converts an array to it: <c>$widget.Domains = 'a.example.com', 'b.example.com'</c>.
        /// </summary>
        public DomainList(IEnumerable domains)
            : base(ToItems(domains))
        {
        }

        /// <summary>The domains in <paramref name="text"/>, split as -Domain splits it (<c>a.example.com;b.example.com</c>).</summary>
        public static DomainList Parse(string text) => new DomainList(DomainText.Split(text));

        private static List<string> ToItems(IEnumerable domains)
        {
            if (domains is string text)
            {
                return new List<string>(DomainText.Split(text));
            }

            var items = new List<string>();
            foreach (object? item in domains ?? Array.Empty<string>())
            {
                object? value = item is PSObject wrapped ? wrapped.BaseObject : item;
                if (value != null)
                {
                    items.Add(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                }
            }

            return items;
        }

        /// <summary>The domains joined with ';', e.g. <c>example.com;www.example.com</c>: what Export-Csv writes and -Domain reads back.</summary>
        public override string ToString() => DomainText.Join(this);
    }
}
