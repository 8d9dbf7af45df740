using System;
using System.Runtime.InteropServices;
using System.Security;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    public class OutputMapperTests
    {
        private const string Account = "0123456789abcdef0123456789abcdef";

        private static Widget Full(string? secret = "0x4AAAAAAAsecret-value") => new Widget
        {
            Sitekey = "0x4AAAAAAAkey",
            Secret = secret,
            Name = "login",
            Domains = new[] { "example.com", "www.example.com" },
            Mode = WidgetMode.NonInteractive,
            Region = WidgetRegion.China,
            ClearanceLevel = ClearanceLevel.NoClearance,
            BotFightMode = true,
            EphemeralId = false,
            Offlabel = true,
            CreatedOn = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ModifiedOn = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero),
        };

        private static string Reveal(SecureString secure)
        {
            IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer)!;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        [Fact]
        public void MapsEveryFieldWithWireValues()
        {
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(Full(), Account);
            Assert.Equal("0x4AAAAAAAkey", widget.Sitekey);
            Assert.Equal("login", widget.Name);
            Assert.Equal(new[] { "example.com", "www.example.com" }, widget.Domains);
            Assert.Equal("non-interactive", widget.Mode);
            Assert.Equal("china", widget.Region);
            Assert.Equal("no_clearance", widget.ClearanceLevel);
            Assert.True(widget.BotFightMode);
            Assert.False(widget.EphemeralId);
            Assert.True(widget.Offlabel);
            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), widget.CreatedOn);
            Assert.Equal(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero), widget.ModifiedOn);
            Assert.Equal(Account, widget.AccountId);
            Assert.Null(widget.PreviousSecretExpiresOn);
        }

        [Fact]
        public void SecretIsAReadOnlySecureStringAndPlainTextOnlyWhenAsked()
        {
            TurnstileWidget hidden = OutputMapper.ToTurnstileWidget(Full(), Account);
            Assert.NotNull(hidden.Secret);
            Assert.True(hidden.Secret!.IsReadOnly());
            Assert.Equal("0x4AAAAAAAsecret-value", Reveal(hidden.Secret));
            Assert.Null(hidden.PlainTextSecret);

            TurnstileWidget shown = OutputMapper.ToTurnstileWidget(Full(), Account, asPlainText: true);
            Assert.Equal("0x4AAAAAAAsecret-value", shown.PlainTextSecret);
            Assert.Equal("0x4AAAAAAAsecret-value", Reveal(shown.Secret!));
        }

        [Fact]
        public void ListingWidgetsHaveNoSecretEvenWithAsPlainText()
        {
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(Full(secret: null), Account, asPlainText: true);
            Assert.Null(widget.Secret);
            Assert.Null(widget.PlainTextSecret);
        }

        [Fact]
        public void RotationCarriesWhenThePreviousSecretExpires()
        {
            var rotatedOn = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
            TurnstileWidget graceful = OutputMapper.ToTurnstileWidget(Full(), Account, false, SecretRotation.PreviousSecretExpiresOn(rotatedOn, false));
            Assert.Equal(rotatedOn.AddHours(2), graceful.PreviousSecretExpiresOn);
            TurnstileWidget immediate = OutputMapper.ToTurnstileWidget(Full(), Account, false, SecretRotation.PreviousSecretExpiresOn(rotatedOn, true));
            Assert.Equal(rotatedOn, immediate.PreviousSecretExpiresOn);
        }

        [Fact]
        public void ToStringNamesTheWidgetAndNeverTheSecret()
        {
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(Full(), Account, asPlainText: true);
            Assert.Equal("login (0x4AAAAAAAkey)", widget.ToString());
            Assert.DoesNotContain("secret-value", widget.ToString());
        }

        [Fact]
        public void DomainsAreACopy()
        {
            var source = new[] { "example.com" };
            Widget engineWidget = Full();
            engineWidget.Domains = source;
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(engineWidget, Account);
            source[0] = "changed.example";
            Assert.Equal("example.com", widget.Domains[0]);
        }

        [Fact]
        public void DomainsReadAsSemicolonJoinedText()
        {
            Widget engineWidget = Full();
            engineWidget.Domains = new[] { "example.com", "www.example.com" };
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(engineWidget, Account);
            Assert.Equal("example.com;www.example.com", widget.Domains.ToString());
            Assert.Equal(new[] { "example.com", "www.example.com" }, TurnstileWidgets.Engine.DomainText.Split(widget.Domains.ToString()));
        }

        [Fact]
        public void KeepsHowTheWidgetWasDeployedAndLastModified()
        {
            Widget engineWidget = Full();
            engineWidget.DeployedVia = "wrangler";
            engineWidget.LastModifiedVia = "dashboard";
            TurnstileWidget widget = OutputMapper.ToTurnstileWidget(engineWidget, Account);
            Assert.Equal("wrangler", widget.DeployedVia);
            Assert.Equal("dashboard", widget.LastModifiedVia);
        }

        [Fact]
        public void MapsTheConnectionWithoutAnySecret()
        {
            var details = new ConnectionDetails(Account, "ApiToken", new Uri("https://api.cloudflare.com/client/v4/"), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "active");
            TurnstileConnection connection = OutputMapper.ToTurnstileConnection(details);
            Assert.Equal(Account, connection.AccountId);
            Assert.Equal("ApiToken", connection.AuthenticationScheme);
            Assert.Equal(new Uri("https://api.cloudflare.com/client/v4/"), connection.ApiBaseUri);
            Assert.Equal(details.ConnectedOn, connection.ConnectedOn);
            Assert.Equal("active", connection.TokenStatus);

            var keyDetails = new ConnectionDetails(Account, "ApiKey", new Uri("https://api.cloudflare.com/client/v4/"), DateTimeOffset.UnixEpoch, null);
            Assert.Null(OutputMapper.ToTurnstileConnection(keyDetails).TokenStatus);
        }
    }
}
