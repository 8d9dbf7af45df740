using System;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Session
{
    /// <summary>
    /// A widget as a connection read it, and when: kept inside each emitted <see cref="TurnstileWidget"/> so that
    /// <c>Set-TurnstileWidget</c> can update a widget this session has just read without reading it again.
    /// Held apart from the public properties, which a user may have edited.
    /// </summary>
    internal sealed class WidgetReading
    {
        /// <summary>Records that <paramref name="connection"/> read <paramref name="widget"/> at <paramref name="readOn"/>.</summary>
        public WidgetReading(Widget widget, SessionConnection connection, DateTimeOffset readOn)
        {
            Widget = widget ?? throw new ArgumentNullException(nameof(widget));
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            ReadOn = readOn;
        }

        /// <summary>The widget as the API returned it.</summary>
        public Widget Widget { get; }

        /// <summary>The connection that read it: a reading from an earlier connection (another account, perhaps) is never reused.</summary>
        public SessionConnection Connection { get; }

        /// <summary>When the response arrived.</summary>
        public DateTimeOffset ReadOn { get; }

        /// <summary>
        /// True when this reading may stand in for a GET of <paramref name="sitekey"/> through <paramref name="current"/>
        /// at <paramref name="now"/>: same connection, same widget, and read no more than <paramref name="maxAge"/> ago.
        /// </summary>
        public bool CanReplaceRead(SessionConnection current, string sitekey, DateTimeOffset now, TimeSpan maxAge)
        {
            TimeSpan age = now - ReadOn;
            return ReferenceEquals(Connection, current)
                && string.Equals(Widget.Sitekey, sitekey, StringComparison.Ordinal)
                && age >= TimeSpan.Zero
                && age <= maxAge;
        }
    }
}
