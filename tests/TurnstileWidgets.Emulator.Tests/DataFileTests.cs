using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// --data in a hostile world (issue 16): one emulator per file, paths that cannot hold a state file, the leftovers of
    /// a killed emulator, and who may read the secrets inside.
    /// </summary>
    public sealed class DataFileTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("tw-emulator-").FullName;

        public void Dispose() => Directory.Delete(folder, recursive: true);

        private string DataFile => Path.Combine(folder, "state.json");


        private static async Task CreateAsync(InProcessEmulator server, int count, string prefix)
        {
            using HttpClient http = server.NewApiClient();
            for (int i = 0; i < count; i++)
            {
                ApiAnswer created = await EmulatorTestBase.SendAsync(http, HttpMethod.Post, server.WidgetsPath,
                    $"{{\"name\":\"{prefix}{i}\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}}");
                Assert.Equal(HttpStatusCode.OK, created.Status);
            }
        }

        /// <summary>
        /// A lock file that is there but cannot be opened (a folder, or one left read-only) is named as such, with what to
        /// do about it: before, the message said it "cannot be created" and to fix the folder's permissions.
        /// </summary>
        [Fact]
        public async Task A_lock_file_that_cannot_be_opened_is_named_with_what_to_do()
        {
            string lockPath = Path.Combine(folder, ".state.json.lock");
            Directory.CreateDirectory(lockPath);

            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }));
            Assert.Contains($"its lock file '{lockPath}' exists but cannot be opened", refused.Message, StringComparison.Ordinal);
            Assert.Contains("delete it if no emulator is running on this file", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refused.Message);
            Assert.False(File.Exists(DataFile));
        }

        /// <summary>
        /// A hard link is the same file under another name: before, the lock beside each name let two emulators start on
        /// it, and the file was read by both. The second is refused naming the path it was given; the file stays readable.
        /// </summary>
        [Fact]
        public async Task A_second_emulator_on_a_hard_link_to_the_file_is_refused()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            string link = Path.Combine(folder, "other-name.json");
            await using InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            await CreateAsync(first, 2, "first-");
            using (System.Diagnostics.Process ln = System.Diagnostics.Process.Start("ln", new[] { DataFile, link }))
            {
                await ln.WaitForExitAsync();
                Assert.Equal(0, ln.ExitCode);
            }

            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = link }));
            Assert.Contains($"'{link}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("in use by another emulator", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refused.Message);

            // Readers (a test, Get-Content) still read it while it is held, and later saves keep it held.
            Assert.Contains("first-1", File.ReadAllText(DataFile), StringComparison.Ordinal);
            await CreateAsync(first, 1, "later-");
            Assert.Contains("later-0", File.ReadAllText(DataFile), StringComparison.Ordinal);
            File.Delete(link);
            using (System.Diagnostics.Process ln = System.Diagnostics.Process.Start("ln", new[] { DataFile, link }))
            {
                await ln.WaitForExitAsync();
            }

            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = link }));
        }

        [Fact]
        public async Task A_second_emulator_on_the_same_file_is_refused_and_no_widget_is_lost()
        {
            // Before: both started, each rewrote the file from its own memory, and 10 of 20 widgets were gone after a restart.
            await using (InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                await CreateAsync(first, 10, "first-");
                string before = File.ReadAllText(DataFile);

                EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                    () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }));
                Assert.Contains($"'{DataFile}'", refused.Message, StringComparison.Ordinal);
                Assert.Contains("in use by another emulator", refused.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', refused.Message);
                Assert.Equal(before, File.ReadAllText(DataFile));

                await CreateAsync(first, 10, "more-");
            }

            // Stopping gives the file up: the next emulator starts on it and finds all 20.
            await using InProcessEmulator restarted = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            Assert.Equal(20, restarted.Server.WidgetCount);
        }

        [Fact]
        public async Task A_second_emulator_process_exits_3_with_one_line_naming_the_file()
        {
            await using InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            await CreateAsync(first, 3, "kept-");
            string before = File.ReadAllText(DataFile);

            (int exitCode, string[] errors) = await EmulatorCommandLine.RunToExitAsync("--port", "0", "--data", DataFile);

            Assert.Equal(3, exitCode);
            string line = Assert.Single(errors);
            Assert.StartsWith("error: ", line, StringComparison.Ordinal);
            Assert.Contains($"'{DataFile}'", line, StringComparison.Ordinal);
            Assert.Contains("in use by another emulator", line, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllText(DataFile));
            Assert.Equal(3, first.Server.WidgetCount);
        }

        [Fact]
        public async Task A_killed_emulator_leaves_no_lock_behind()
        {
            using (EmulatorProcess killed = await EmulatorProcess.StartAsync(EmulatorCommandLine.ProcessOptions("--data", DataFile)))
            {
                // No grace: a kill, not a clean stop.
                killed.Stop(TimeSpan.Zero);
            }

            // The lock file is still there, but the lock died with its process.
            Assert.True(File.Exists(Path.Combine(folder, ".state.json.lock")));
            await using InProcessEmulator next = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            Assert.Equal(0, next.Server.WidgetCount);
        }

        [Fact]
        public async Task Each_account_file_is_owned_too()
        {
            const string Second = "fedcba9876543210fedcba9876543210";
            var options = new EmulatorOptions { DataFile = DataFile, AccountIds = new[] { EmulatorOptions.DefaultAccountId, Second } };
            await using InProcessEmulator first = await InProcessEmulator.StartAsync(options);

            // Another emulator whose only account file is the first one's second: refused, naming that file.
            string secondFile = Path.Combine(folder, "state." + Second + ".json");
            Assert.True(File.Exists(secondFile));
            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = secondFile, AccountId = Second }));
            Assert.Contains($"'{secondFile}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("in use by another emulator", refused.Message, StringComparison.Ordinal);

            await first.DisposeAsync();
            await using InProcessEmulator again = await InProcessEmulator.StartAsync(options);
            Assert.Equal(0, again.Server.WidgetCount);
        }

        [SkippableFact]
        public async Task A_symbolic_link_to_the_file_is_the_same_file()
        {
            Skip.If(OperatingSystem.IsWindows(), "Creating symbolic links on Windows needs a privilege test machines may lack.");
            string link = Path.Combine(folder, "link.json");
            await using (InProcessEmulator creator = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                await CreateAsync(creator, 1, "first-");
            }

            File.CreateSymbolicLink(link, DataFile);
            await using (InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                    () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = link }));
                Assert.Contains("in use by another emulator", refused.Message, StringComparison.Ordinal);
            }

            // Saving through the link writes the file it names and leaves the link a link.
            await using (InProcessEmulator viaLink = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = link }))
            {
                Assert.Equal(1, viaLink.Server.WidgetCount);
                await CreateAsync(viaLink, 1, "through-link-");
            }

            Assert.NotNull(new FileInfo(link).LinkTarget);
            await using InProcessEmulator again = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            Assert.Equal(2, again.Server.WidgetCount);
        }

        public static TheoryData<string, string> UnusablePaths => new()
        {
            // {0} is the test's folder.
            { "{0}", "is a folder, not a file" },
            { "{0}/", "is a folder, not a file" },
            { "{0}/new-folder/", "names a folder (it ends in '/'), not a file" },
            { "{0}/no-such-folder/state.json", "its folder does not exist" },
        };

        [Theory]
        [MemberData(nameof(UnusablePaths))]
        public async Task A_path_that_cannot_hold_a_state_file_exits_3_with_one_line(string pattern, string reason)
        {
            // Before: a folder (or a path ending in '/') crashed with an unhandled IOException and a stack trace, exit 134.
            string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, folder);
            File.WriteAllText(Path.Combine(folder, "bystander.json"), "{}");

            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = path }));
            Assert.Contains(reason, refused.Message, StringComparison.Ordinal);

            (int exitCode, string[] errors) = await EmulatorCommandLine.RunToExitAsync("--port", "0", "--data", path);
            Assert.Equal(3, exitCode);
            string line = Assert.Single(errors);
            Assert.StartsWith("error: ", line, StringComparison.Ordinal);
            Assert.Contains(reason, line, StringComparison.Ordinal);
            Assert.Contains(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), line, StringComparison.Ordinal);

            // Nothing was written anywhere: no state, lock or temporary file appeared, and the folder's files are as they were.
            Assert.Equal(new[] { "bystander.json" }, Array.ConvertAll(Directory.GetFileSystemEntries(folder), Path.GetFileName));
            Assert.Equal("{}", File.ReadAllText(Path.Combine(folder, "bystander.json")));
        }

        [Theory]
        [InlineData("not json at all")]
        [InlineData("{\"format_version\":1,\"widgets\":")]
        [InlineData("\"a string\"")]
        public async Task A_file_that_is_not_the_emulators_json_exits_3_with_one_line_and_is_left_untouched(string content)
        {
            File.WriteAllText(DataFile, content);
            DateTime written = File.GetLastWriteTimeUtc(DataFile);

            (int exitCode, string[] errors) = await EmulatorCommandLine.RunToExitAsync("--port", "0", "--data", DataFile);

            Assert.Equal(3, exitCode);
            string line = Assert.Single(errors);
            Assert.Contains($"'{DataFile}'", line, StringComparison.Ordinal);
            Assert.Contains("left untouched", line, StringComparison.Ordinal);
            Assert.Equal(content, File.ReadAllText(DataFile));
            Assert.Equal(written, File.GetLastWriteTimeUtc(DataFile));
        }

        [Fact]
        public async Task Temporary_files_left_by_a_killed_emulator_are_removed_at_start()
        {
            await using (InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                await CreateAsync(first, 2, "kept-");
            }

            // What kill -9 during a save leaves: a temporary file of the state's name and a fresh GUID, never renamed.
            string leftover = Path.Combine(folder, ".state.json." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllBytes(leftover, new byte[1 << 20]);
            // Look-alikes that are not this emulator's: another state file's temporary, and a name without a GUID.
            string otherState = Path.Combine(folder, ".other.json." + Guid.NewGuid().ToString("N") + ".tmp");
            string notOurs = Path.Combine(folder, ".state.json.backup.tmp");
            File.WriteAllText(otherState, "x");
            File.WriteAllText(notOurs, "x");

            await using InProcessEmulator restarted = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });

            Assert.False(File.Exists(leftover));
            Assert.True(File.Exists(otherState));
            Assert.True(File.Exists(notOurs));
            Assert.Equal(2, restarted.Server.WidgetCount);
        }

        [SkippableFact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
        public async Task State_lock_and_temporary_files_are_readable_by_their_owner_only()
        {
            Skip.If(OperatingSystem.IsWindows(), "Unix file modes; Windows files take their folder's access list.");
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

            // A file from an older emulator, readable by everyone: rewritten owner-only at start.
            await using (InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                await CreateAsync(first, 1, "secret-holder-");
            }

            File.SetUnixFileMode(DataFile, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await using InProcessEmulator server = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(DataFile));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(folder, ".state.json.lock")));

            // Every save writes a temporary file and renames it over the state file, so the state file's mode after a
            // save is the mode the temporary file was created with.
            await CreateAsync(server, 1, "another-");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(DataFile));
            using JsonDocument state = JsonDocument.Parse(File.ReadAllText(DataFile));
            Assert.Equal(2, state.RootElement.GetProperty("widgets").GetArrayLength());
        }
    }
}
