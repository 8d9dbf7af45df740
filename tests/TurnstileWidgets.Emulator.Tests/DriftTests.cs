using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// PATCH /__emulator/widgets/{sitekey} (issue 15): wire fields stored verbatim, unvalidated, to simulate the API
    /// sending values a client does not know yet; later answers carry them, and the API then accepts them back.
    /// </summary>
    public sealed class DriftTests : EmulatorTestBase
    {
        [Fact]
        public async Task Stores_values_verbatim_and_later_answers_and_updates_carry_them()
        {
            JsonElement created = await CreateWidgetAsync();
            string sitekey = created.GetProperty("sitekey").GetString()!;

            ApiAnswer patched = await ControlAsync(new HttpMethod("PATCH"), "widgets/" + sitekey, "{\"mode\":\"adaptive\",\"clearance_level\":\"super_clearance\",\"region\":\"mars\"}");
            Assert.Equal(HttpStatusCode.OK, patched.Status);
            Assert.Equal("adaptive", patched.Result.GetProperty("mode").GetString());

            ApiAnswer read = await GetAsync(WidgetsPath + "/" + sitekey);
            Assert.Equal("adaptive", read.Result.GetProperty("mode").GetString());
            Assert.Equal("super_clearance", read.Result.GetProperty("clearance_level").GetString());
            Assert.Equal("mars", read.Result.GetProperty("region").GetString());

            // The API knows its own newer values: an update that sends them back is accepted.
            ApiAnswer updated = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + sitekey,
                "{\"name\":\"login form\",\"domains\":[\"example.com\",\"shop.example.com\"],\"mode\":\"adaptive\",\"region\":\"mars\",\"clearance_level\":\"super_clearance\"}");
            Assert.Equal(HttpStatusCode.OK, updated.Status);
            Assert.Equal("adaptive", updated.Result.GetProperty("mode").GetString());

            // A value nobody stored is still refused.
            ApiAnswer refused = await SendAsync(HttpMethod.Put, WidgetsPath + "/" + sitekey,
                "{\"name\":\"login form\",\"domains\":[\"example.com\"],\"mode\":\"sometimes\"}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        }

        [Fact]
        public async Task Refuses_an_unknown_field_a_wrong_type_and_an_unknown_sitekey()
        {
            JsonElement created = await CreateWidgetAsync();
            string sitekey = created.GetProperty("sitekey").GetString()!;
            var patch = new HttpMethod("PATCH");

            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(patch, "widgets/" + sitekey, "{\"colour\":\"blue\"}")).Status);
            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(patch, "widgets/" + sitekey, "{\"mode\":5}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ControlAsync(patch, "widgets/0x4AAAAAAAnone", "{\"mode\":\"adaptive\"}")).Status);
        }
    }
}
