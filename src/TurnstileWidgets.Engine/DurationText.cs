using System;
using System.Globalization;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// How every message of the engine and the module writes a duration: <c>250 ms</c>, <c>2.5 s</c>, <c>90 s</c>,
    /// <c>15 min</c>. One rule, so a wait reads the same in an exception, a -Verbose line and a progress bar.
    /// </summary>
    public static class DurationText
    {
        /// <summary>Milliseconds below a second, seconds (one decimal at most) below ten minutes, whole minutes above; negative counts as zero.</summary>
        public static string Format(TimeSpan duration)
        {
            if (duration < TimeSpan.Zero)
            {
                duration = TimeSpan.Zero;
            }
            if (duration.TotalSeconds < 1)
            {
                return Math.Round(duration.TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture) + " ms";
            }
            if (duration.TotalMinutes < 10)
            {
                return duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
            }
            return duration.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min";
        }
    }
}
