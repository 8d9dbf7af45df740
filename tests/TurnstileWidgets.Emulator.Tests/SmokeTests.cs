using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class SmokeTests : EmulatorTestBase
    {
        [Fact]
        public async Task Create_then_get()
        {
            var w = await CreateWidgetAsync();
            ApiAnswer a = await GetAsync(WidgetsPath + "/" + w.GetProperty("sitekey").GetString());
            Assert.Equal(HttpStatusCode.OK, a.Status);
        }
    }
}
