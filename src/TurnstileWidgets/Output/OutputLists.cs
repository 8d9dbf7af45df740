using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;

namespace TurnstileWidgets
{
    // Export-Csv writes a value's ToString(), which for an array or a dictionary is its .NET type name
    // ('System.String[]'): these collections keep every list behaviour and give a cell its items instead, as DomainList
    // does for a widget's domains.

    /// <summary>
    /// The settings a <see cref="TurnstileWidgetChange"/> changes: a read-only list everywhere (indexing, the pipeline),
    /// whose text form (and so its Export-Csv cell) is each change, '; '-joined (<c>Mode: managed -> invisible</c>).
    /// </summary>
    public sealed class TurnstileWidgetPropertyChangeList : ReadOnlyCollection<TurnstileWidgetPropertyChange>
    {
        /// <summary>An empty list.</summary>
        public TurnstileWidgetPropertyChangeList()
            : base(new List<TurnstileWidgetPropertyChange>())
        {
        }

        /// <summary>A list of <paramref name="changes"/> (null items dropped).</summary>
        public TurnstileWidgetPropertyChangeList(IEnumerable<TurnstileWidgetPropertyChange> changes)
            : base((changes ?? Array.Empty<TurnstileWidgetPropertyChange>()).Where(change => change != null).ToList())
        {
        }

        /// <summary>Lets an array be assigned where the list is expected.</summary>
        public static implicit operator TurnstileWidgetPropertyChangeList(TurnstileWidgetPropertyChange[] changes) => new TurnstileWidgetPropertyChangeList(changes);

        /// <summary>Each change, '; '-joined: what Export-Csv writes.</summary>
        public override string ToString() => string.Join("; ", this.Select(change => change.ToString()));
    }

    /// <summary>
    /// siteverify's error codes: a read-only list of strings everywhere, whose text form (and so its Export-Csv cell) is
    /// the codes ';'-joined (<c>invalid-input-response</c>).
    /// </summary>
    public sealed class ErrorCodeList : ReadOnlyCollection<string>
    {
        /// <summary>An empty list.</summary>
        public ErrorCodeList()
            : base(new List<string>())
        {
        }

        /// <summary>A list of <paramref name="codes"/> (null items dropped).</summary>
        public ErrorCodeList(IEnumerable<string> codes)
            : base((codes ?? Array.Empty<string>()).Where(code => code != null).ToList())
        {
        }

        /// <summary>Lets an array be assigned where the list is expected.</summary>
        public static implicit operator ErrorCodeList(string[] codes) => new ErrorCodeList(codes);

        /// <summary>The codes ';'-joined: what Export-Csv writes.</summary>
        public override string ToString() => string.Join(";", this);
    }

    /// <summary>
    /// Analytics counts by raw event type, ordered by type (ordinal): a dictionary everywhere, whose text form (and so its
    /// Export-Csv cell) is <c>challenge_issued: 12; challenge_solved: 9</c>.
    /// </summary>
    public sealed class EventCountTable : SortedDictionary<string, long>
    {
        /// <summary>An empty table.</summary>
        public EventCountTable()
            : base(StringComparer.Ordinal)
        {
        }

        /// <summary>Each type and its count, '; '-joined: what Export-Csv writes.</summary>
        public override string ToString() =>
            string.Join("; ", this.Select(pair => pair.Key + ": " + pair.Value.ToString(CultureInfo.InvariantCulture)));
    }
}
