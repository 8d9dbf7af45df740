using System;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>The command-line options of issue 19: parsed, validated, and listed by --help.</summary>
    public sealed class ObservationOptionsTests
    {
        [Fact]
        public void The_GraphQL_options_parse_and_show_in_help()
        {
            EmulatorOptions options = Program.ParseArguments(new[]
            {
                "--graphql-rate-limit", "5/60", "--graphql-max-page-size=100", "--graphql-max-duration", "86400", "--graphql-not-older-than", "604800",
            })!;

            Assert.Equal("5/60", options.GraphqlRateLimit);
            Assert.Equal(100, options.GraphqlMaxPageSize);
            Assert.Equal(86400, options.GraphqlMaxDurationSeconds);
            Assert.Equal(604800, options.GraphqlNotOlderThanSeconds);
            Assert.Equal("off", Program.ParseArguments(new[] { "--graphql-rate-limit", "off" })!.GraphqlRateLimit);
            Assert.Equal("300/300", new EmulatorOptions().GraphqlRateLimit);

            Assert.False(options.GraphqlDocumentedErrorStatuses);
            Assert.True(Program.ParseArguments(new[] { "--graphql-error-status", "documented" })!.GraphqlDocumentedErrorStatuses);
            Assert.False(Program.ParseArguments(new[] { "--graphql-error-status=200" })!.GraphqlDocumentedErrorStatuses);
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--graphql-error-status", "429" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--graphql-rate-limit", "many" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--graphql-max-page-size", "0" }));
            Assert.Throws<ArgumentException>(() => Program.ParseArguments(new[] { "--graphql-max-duration", "-5" }));
            foreach (string option in new[] { "--graphql-rate-limit", "--graphql-error-status", "--graphql-max-page-size", "--graphql-max-duration", "--graphql-not-older-than", "/turnstile/v0/siteverify", "/client/v4/graphql" })
            {
                Assert.Contains(option, Program.Usage, StringComparison.Ordinal);
            }
        }

        [Fact]
        public async Task Start_up_refuses_bad_GraphQL_options()
        {
            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { GraphqlRateLimit = "x/y" }));
            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { GraphqlMaxPageSize = 0 }));
        }
    }
}
