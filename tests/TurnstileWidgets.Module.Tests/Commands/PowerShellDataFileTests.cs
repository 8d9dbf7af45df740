using System;
using System.Collections;
using System.Management.Automation.Language;
using TurnstileWidgets.Commands;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Module.Tests.Commands
{
    public class PowerShellDataFileTests
    {
        private static readonly DesiredWidget[] Two =
        {
            new DesiredWidget { Name = "shop", Domains = new[] { "shop.example.com" }, Mode = "invisible", Region = "world", ClearanceLevel = "no_clearance", BotFightMode = true, EphemeralId = false, Offlabel = false, Sitekey = "0x4AAAAAAAshop" },
            new DesiredWidget { Name = "blog 'x' \u2019y", Domains = new[] { "blog.example.com", "203.0.113.1" }, Mode = "managed" },
        };

        [Fact]
        public void QuotesAsPowerShellDoesAndUsesItsBooleans()
        {
            string psd1 = PowerShellDataFile.Write(Two);

            Assert.StartsWith("@{\n    Widgets = @(\n        @{\n            Name = 'blog ''x'' \u2019\u2019y'\n            Domains = @('blog.example.com', '203.0.113.1')\n", psd1, StringComparison.Ordinal);
            Assert.Contains("            BotFightMode = $true\n", psd1, StringComparison.Ordinal);
            Assert.EndsWith("        }\n    )\n}\n", psd1, StringComparison.Ordinal);
            Assert.Equal(psd1, PowerShellDataFile.Write(new[] { Two[1], Two[0] }));
        }

        [Fact]
        public void PowerShellsParserReadsBackWhatWasWritten()
        {
            ScriptBlockAst ast = Parser.ParseInput(PowerShellDataFile.Write(Two), out _, out ParseError[] errors);
            Assert.Empty(errors);

            var data = (Hashtable)((HashtableAst)ast.Find(a => a is HashtableAst, false)!).SafeGetValue();
            var widgets = (object[])data["Widgets"]!;
            Assert.Equal("blog 'x' \u2019y", ((Hashtable)widgets[0])["Name"]);
            Assert.Equal(true, ((Hashtable)widgets[1])["BotFightMode"]);
        }

        [Fact]
        public void NoSecretCanReachTheFile()
        {
            var widget = new Widget { Name = "shop", Sitekey = "0x4AAAAAAAshop", Secret = "0x4AAAAAAAsecret-value", Domains = new[] { "a.example.com" } };
            Assert.DoesNotContain("secret-value", PowerShellDataFile.Write(new[] { DesiredWidget.FromWidget(widget, withSitekey: true) }), StringComparison.Ordinal);
        }
    }
}
