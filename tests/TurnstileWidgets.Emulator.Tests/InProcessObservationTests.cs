using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>The in-process C# API for events, tokens and siteverify faults: the same rules as the control endpoints.</summary>
    public sealed class InProcessObservationTests : AnalyticsTestBase
    {
        [Fact]
        public async Task RecordEvents_MintToken_and_QueueSiteverifyInternalErrors_act_like_their_endpoints()
        {
            JsonElement widget = await CreateWidgetAsync();
            string sitekey = widget.GetProperty("sitekey").GetString()!;
            string secret = widget.GetProperty("secret").GetString()!;

            Server.RecordEvents(sitekey, "challenge_issued", 7, new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), countryCode: "fr");
            string token = Server.MintToken(sitekey, action: "login");
            Server.QueueSiteverifyInternalErrors(1);

            Assert.Equal(new[] { "internal-error" }, ErrorCodes(await VerifyAsync(secret, token)));
            JsonElement ok = await VerifyAsync(secret, token);
            Assert.True(ok.GetProperty("success").GetBoolean());
            Assert.Equal("login", ok.GetProperty("action").GetString());

            JsonElement[] rows = await GroupsAsync($"limit: 10, filter: {{{LastWeek}}}, orderBy: [eventType_ASC]", "count dimensions { eventType countryCode }");
            Assert.Equal(
                new[] { ("challenge_issued", "", 1L), ("challenge_issued", "FR", 7L), ("challenge_non_interactive_siteverify_solved", "", 1L), ("challenge_non_interactive_solved", "", 1L) },
                rows.Select(r => (Dim(r, "eventType"), Dim(r, "countryCode"), Count(r))).OrderBy(r => r.Item1).ThenBy(r => r.Item2).ToArray());

            Assert.Throws<ArgumentException>(() => Server.MintToken("0x4AAAAAAAnosuch"));
            Assert.Throws<ArgumentException>(() => Server.MintToken(sitekey, accountId: "ffffffffffffffffffffffffffffffff"));
            Assert.Throws<ArgumentException>(() => Server.RecordEvents(sitekey, "challenge_issued", countryCode: "FRA"));
            Assert.Throws<ArgumentOutOfRangeException>(() => Server.RecordEvents(sitekey, "challenge_issued", 0));
            Assert.Throws<ArgumentException>(() => Server.RecordEvents("", "challenge_issued"));
        }
    }
}
