using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class PersistenceTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("tw-emulator-").FullName;

        public void Dispose() => Directory.Delete(folder, recursive: true);

        private string DataFile => Path.Combine(folder, "state.json");


        [Fact]
        public async Task Widgets_secrets_and_grace_periods_survive_a_restart()
        {
            string sitekey, oldSecret, newSecret, createdOn;
            await using (InProcessEmulator first = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                using HttpClient http = first.NewApiClient();
                ApiAnswer created = await EmulatorTestBase.SendAsync(http, HttpMethod.Post, first.WidgetsPath,
                    "{\"name\":\"kept\",\"mode\":\"invisible\",\"domains\":[\"example.com\"],\"region\":\"china\",\"offlabel\":true}");
                sitekey = created.Result.GetProperty("sitekey").GetString()!;
                oldSecret = created.Result.GetProperty("secret").GetString()!;
                createdOn = created.Result.GetProperty("created_on").GetString()!;
                await EmulatorTestBase.SendAsync(http, HttpMethod.Post, first.WidgetsPath, "{\"name\":\"gone\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}");
                ApiAnswer gone = await EmulatorTestBase.SendAsync(http, HttpMethod.Get, first.WidgetsPath + "?filter=name:gone");
                await EmulatorTestBase.SendAsync(http, HttpMethod.Delete, first.WidgetsPath + "/" + gone.Result[0].GetProperty("sitekey").GetString());
                newSecret = (await EmulatorTestBase.SendAsync(http, HttpMethod.Post, $"{first.WidgetsPath}/{sitekey}/rotate_secret")).Result.GetProperty("secret").GetString()!;
            }

            Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
            await using InProcessEmulator second = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile });
            using HttpClient http2 = second.NewApiClient();
            Assert.Equal(1, second.Server.WidgetCount);
            ApiAnswer got = await EmulatorTestBase.SendAsync(http2, HttpMethod.Get, $"{second.WidgetsPath}/{sitekey}");
            Assert.Equal(HttpStatusCode.OK, got.Status);
            Assert.Equal("kept", got.Result.GetProperty("name").GetString());
            Assert.Equal("china", got.Result.GetProperty("region").GetString());
            Assert.True(got.Result.GetProperty("offlabel").GetBoolean());
            Assert.Equal(createdOn, got.Result.GetProperty("created_on").GetString());
            Assert.Equal(newSecret, got.Result.GetProperty("secret").GetString());
            Assert.True(second.Server.IsSecretValid(oldSecret));

            ApiAnswer refused = await EmulatorTestBase.SendAsync(http2, HttpMethod.Post, $"{second.WidgetsPath}/{sitekey}/rotate_secret");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);

            ApiAnswer next = await EmulatorTestBase.SendAsync(http2, HttpMethod.Post, second.WidgetsPath, "{\"name\":\"after\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}");
            ApiAnswer list = await EmulatorTestBase.SendAsync(http2, HttpMethod.Get, second.WidgetsPath);
            Assert.Equal("after", list.Result[1].GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.OK, next.Status);
        }

        [Theory]
        [InlineData("{ this is not json")]
        [InlineData("")]
        [InlineData("[]")]
        [InlineData("{\"format_version\":1,\"next_sequence\":2,\"widgets\":[{\"sequence\":1,\"sitekey\":\"0x4AAAAAAAa\",\"secret\":\"s\",\"name\":\"n\",\"domains\":[\"a.com\"],\"mode\":\"sideways\",\"region\":\"world\",\"clearance_level\":\"no_clearance\"}]}")]
        [InlineData("{\"format_version\":99,\"widgets\":[]}")]
        public async Task A_corrupt_state_file_stops_start_up_and_is_left_untouched(string content)
        {
            File.WriteAllText(DataFile, content);
            DateTime written = File.GetLastWriteTimeUtc(DataFile);

            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }));

            Assert.Contains(DataFile, refused.Message, StringComparison.Ordinal);
            Assert.Contains("left untouched", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Move or delete it", refused.Message, StringComparison.Ordinal);
            Assert.Equal(content, File.ReadAllText(DataFile));
            Assert.Equal(written, File.GetLastWriteTimeUtc(DataFile));
        }

        [Fact]
        public async Task A_missing_folder_is_refused_with_a_clear_message()
        {
            string path = Path.Combine(folder, "no-such-folder", "state.json");
            EmulatorStartupException refused = await Assert.ThrowsAsync<EmulatorStartupException>(
                () => InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = path }));
            Assert.Contains("folder does not exist", refused.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Reset_empties_the_state_file()
        {
            await using (InProcessEmulator server = await InProcessEmulator.StartAsync(new EmulatorOptions { DataFile = DataFile }))
            {
                await server.SeedWidgetsAsync(3);
                server.Server.Reset();
            }

            using JsonDocument state = JsonDocument.Parse(File.ReadAllText(DataFile));
            Assert.Equal(0, state.RootElement.GetProperty("widgets").GetArrayLength());
        }
    }
}
