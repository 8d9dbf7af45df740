using System;
using System.Threading;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// The emulator's notion of now: an inner clock plus an offset that only grows, so tests can jump past a
    /// two-hour grace period or a rate-limit window without waiting.
    /// </summary>
    internal sealed class EmulatorClock : TimeProvider
    {
        private readonly TimeProvider inner;
        private long offsetTicks;

        public EmulatorClock(TimeProvider inner) => this.inner = inner;

        /// <summary>The clock without the test offset: what a client's wall clock reads (for HTTP-date headers).</summary>
        public TimeProvider Inner => inner;

        public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(by), "The emulator clock only moves forward; give a positive duration.");
            }

            Interlocked.Add(ref offsetTicks, by.Ticks);
        }

        public void ResetOffset() => Interlocked.Exchange(ref offsetTicks, 0);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();
    }
}
