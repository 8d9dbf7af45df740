using System;
using System.IO;
using System.Linq;

namespace TurnstileWidgets.Module.Tests.Help
{
    /// <summary>Checks en-US/about_TurnstileWidgets.help.txt, the module's conceptual help.</summary>
    public class AboutTopicTests
    {
        private static readonly string File = "en-US/" + HelpFiles.AboutTopicName + ".help.txt";

        private static string[] ReadLines()
        {
            var path = Path.Combine(HelpFiles.HelpDirectory, HelpFiles.AboutTopicName + ".help.txt");
            Assert.True(System.IO.File.Exists(path), $"{File} is missing.");
            return System.IO.File.ReadAllLines(path);
        }

        [Fact]
        public void StartsWithTheTopicName()
        {
            var lines = ReadLines();
            Assert.True(lines.Length > 1 && lines[0] == "TOPIC", $"{File}: the first line must be 'TOPIC'.");
            Assert.True(
                lines[1].Trim() == HelpFiles.AboutTopicName && lines[1].StartsWith(" ", StringComparison.Ordinal),
                $"{File}: the second line must be the indented topic name '{HelpFiles.AboutTopicName}', not '{lines[1]}'.");
        }

        [Fact]
        public void HasTheStandardSectionsInOrder()
        {
            var lines = ReadLines();
            var headings = new[] { "TOPIC", "SHORT DESCRIPTION", "LONG DESCRIPTION", "EXAMPLES", "SEE ALSO" };
            var last = -1;
            foreach (var heading in headings)
            {
                var index = Array.IndexOf(lines, heading);
                Assert.True(index >= 0, $"{File}: the section heading '{heading}' is missing (headings stand alone, unindented, in capitals).");
                Assert.True(index > last, $"{File}: '{heading}' must come after '{headings[Math.Max(0, Array.IndexOf(headings, heading) - 1)]}'.");
                last = index;
            }
        }

        [Fact]
        public void LinesAreShorterThan80Characters()
        {
            var lines = ReadLines();
            var tooLong = lines.Select((text, index) => (text, number: index + 1)).Where(l => l.text.Length >= 80).ToList();
            Assert.True(
                tooLong.Count == 0,
                $"{File}: lines must be under 80 characters; too long: " + string.Join(", ", tooLong.Select(l => $"line {l.number} ({l.text.Length})")));
            Assert.DoesNotContain(lines, l => l.Contains('\t', StringComparison.Ordinal));
        }

        [Fact]
        public void NamesEveryDocumentedCmdlet()
        {
            var text = string.Join("\n", ReadLines());
            var missing = HelpFiles.MarkdownCommandNames.Where(n => !text.Contains(n, StringComparison.Ordinal)).ToList();
            Assert.True(missing.Count == 0, $"{File} does not mention: {string.Join(", ", missing)}.");
        }

        [Fact]
        public void DocumentsConnectionVariablesEmulatorAndRateLimits()
        {
            var text = string.Join("\n", ReadLines());
            var required = new[]
            {
                "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_BASE_URL",
                "src/TurnstileWidgets.Emulator", "emulator-api-token", "0123456789abcdef0123456789abcdef", "Retry-After", "1,200",
                "-AsPlainText", "-Verbose",
            };
            var missing = required.Where(r => !text.Contains(r, StringComparison.Ordinal)).ToList();
            Assert.True(missing.Count == 0, $"{File} does not mention: {string.Join(", ", missing)}.");
        }
    }
}
