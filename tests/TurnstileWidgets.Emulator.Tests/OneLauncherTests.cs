using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>Every xunit suite gets its emulator from the shared launcher (tests/TurnstileWidgets.TestSupport*), never on its own.</summary>
    public sealed class OneLauncherTests
    {
        /// <summary>Starting the emulator in-process, or reading its ready line for its address, anywhere but in the launcher.</summary>
        private static readonly Regex OwnStart = new(@"EmulatorServer\.StartAsync\(|listening on http", RegexOptions.CultureInvariant);

        [Fact]
        public void No_xunit_suite_starts_an_emulator_but_through_the_launcher()
        {
            string tests = Path.Combine(EmulatorCommandLine.RepositoryRoot(), "tests");
            string[] sources = Directory.EnumerateDirectories(tests, "TurnstileWidgets.*.Tests")
                .SelectMany(project => Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
                .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !file.EndsWith(nameof(OneLauncherTests) + ".cs", StringComparison.Ordinal))
                .ToArray();
            string[] offenders = sources
                .Where(file => OwnStart.IsMatch(File.ReadAllText(file)))
                .Select(file => Path.GetRelativePath(tests, file))
                .ToArray();

            // The three suites were read (a wrong folder would find nothing and pass).
            Assert.Contains(sources, file => file.EndsWith("EmulatorTestBase.cs", StringComparison.Ordinal));
            Assert.Contains(sources, file => file.EndsWith("EmulatorFixture.cs", StringComparison.Ordinal));
            Assert.Contains(sources, file => file.EndsWith("RunspaceTests.cs", StringComparison.Ordinal));
            Assert.True(offenders.Length == 0, "Start the emulator with InProcessEmulator.StartAsync or EmulatorProcess.StartAsync: " + string.Join(", ", offenders));
        }
    }
}
