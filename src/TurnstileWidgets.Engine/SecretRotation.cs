using System;

namespace TurnstileWidgets.Engine
{
    /// <summary>When a rotated widget's previous secret stops working.</summary>
    public static class SecretRotation
    {
        /// <summary>How long the previous secret keeps working after a rotation that does not invalidate it immediately.</summary>
        public static readonly TimeSpan GracePeriod = TimeSpan.FromHours(2);

        /// <summary><paramref name="rotatedOn"/> + 2 hours, or <paramref name="rotatedOn"/> itself when <paramref name="invalidateImmediately"/>.</summary>
        public static DateTimeOffset PreviousSecretExpiresOn(DateTimeOffset rotatedOn, bool invalidateImmediately) =>
            invalidateImmediately ? rotatedOn : rotatedOn + GracePeriod;
    }
}
