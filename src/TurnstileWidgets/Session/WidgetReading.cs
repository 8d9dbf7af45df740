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
        /// <summary>
        /// Records that <paramref name="connection"/> read <paramref name="widget"/> at <paramref name="readOn"/>;
        /// <paramref name="readAt"/> is the connection's <see cref="WidgetWriteJournal.Position"/> taken before the request
        /// was sent (or the position the journal gave the answer to the connection's own write).
        /// </summary>
        public WidgetReading(Widget widget, SessionConnection connection, DateTimeOffset readOn, long readAt)
        {
            Widget = widget ?? throw new ArgumentNullException(nameof(widget));
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            ReadOn = readOn;
            ReadAt = readAt;
        }

        /// <summary>The connection's write-journal position the reading was taken at.</summary>
        public long ReadAt { get; }

        /// <summary>The widget as the API returned it.</summary>
        public Widget Widget { get; }

        /// <summary>The connection that read it: a reading from an earlier connection (another account, perhaps) is never reused.</summary>
        public SessionConnection Connection { get; }

        /// <summary>When the response arrived.</summary>
        public DateTimeOffset ReadOn { get; }

        /// <summary>
        /// True when this reading may stand in for a GET of <paramref name="sitekey"/> through <paramref name="current"/>
        /// at <paramref name="now"/>: same connection, same widget, read no more than <paramref name="maxAge"/> ago, and
        /// nothing this connection wrote to the widget since (any runspace).
        /// </summary>
        public bool CanReplaceRead(SessionConnection current, string sitekey, DateTimeOffset now, TimeSpan maxAge) =>
            ReferenceEquals(Connection, current)
            && string.Equals(Widget.Sitekey, sitekey, StringComparison.Ordinal)
            && IsRecent(ReadOn, now, maxAge)
            && current.Writes.IsCurrent(sitekey, ReadAt);

        /// <summary>
        /// The answer to <paramref name="connection"/>'s own last write to <paramref name="sitekey"/>, when nothing was
        /// written to it since and it arrived no more than <paramref name="maxAge"/> ago: the newest reading there is.
        /// </summary>
        public static WidgetReading? NewestOwnWrite(SessionConnection connection, string sitekey, DateTimeOffset now, TimeSpan maxAge)
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            return connection.Writes.TryGetNewest(sitekey, out Widget? widget, out long readAt, out DateTimeOffset readOn) && IsRecent(readOn, now, maxAge)
                ? new WidgetReading(widget!, connection, readOn, readAt)
                : null;
        }

        private static bool IsRecent(DateTimeOffset readOn, DateTimeOffset now, TimeSpan maxAge)
        {
            TimeSpan age = now - readOn;
            return age >= TimeSpan.Zero && age <= maxAge;
        }
    }
}
