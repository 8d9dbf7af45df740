using System;

namespace TurnstileWidgets.Engine.Tests.Unit
{
    public class SecretRotationTests
    {
        [Fact]
        public void PreviousSecretExpiry()
        {
            var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
            Assert.Equal(now.AddHours(2), SecretRotation.PreviousSecretExpiresOn(now, false));
            Assert.Equal(now, SecretRotation.PreviousSecretExpiresOn(now, true));
        }
    }
}
