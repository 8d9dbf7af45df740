using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>One answer from the emulator: status, parsed JSON body (or default when empty) and headers.</summary>
    public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers, string Raw)
    {
        public JsonElement Result => Body.GetProperty("result");

        public int ErrorCode => Body.GetProperty("errors")[0].GetProperty("code").GetInt32();

        public string ErrorMessage => Body.GetProperty("errors")[0].GetProperty("message").GetString()!;
    }

    /// <summary>Starts a fresh emulator per test (the shared launcher's InProcessEmulator) and talks to it over loopback HTTP with a Bearer token.</summary>
    public abstract class EmulatorTestBase : IAsyncLifetime
    {
        /// <summary>The emulator from the shared launcher: addresses, credentials, API clients, seeding.</summary>
        protected InProcessEmulator Emulator { get; private set; } = null!;

        /// <summary>The emulator under test itself (typed counters, faults, the clock).</summary>
        protected EmulatorServer Server => Emulator.Server;

        protected HttpClient Http { get; private set; } = null!;

        protected virtual EmulatorOptions CreateOptions() => new();

        protected string WidgetsPath => Emulator.WidgetsPath;

        public async Task InitializeAsync()
        {
            Emulator = await InProcessEmulator.StartAsync(CreateOptions());
            Http = Emulator.NewApiClient();
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Emulator.DisposeAsync();
        }

        protected Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? json = null, Action<HttpRequestMessage>? configure = null) =>
            SendAsync(Http, method, path, json, configure);

        internal static async Task<ApiAnswer> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, Action<HttpRequestMessage>? configure = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            configure?.Invoke(request);
            using HttpResponseMessage response = await http.SendAsync(request);
            string raw = await response.Content.ReadAsStringAsync();
            JsonElement body = raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone();
            return new ApiAnswer(response.StatusCode, body, response.Headers, raw);
        }

        protected Task<ApiAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

        protected async Task<JsonElement> CreateWidgetAsync(string name = "login form", string domains = "[\"example.com\"]", string mode = "managed", string extra = "")
        {
            ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath,
                $"{{\"name\":{JsonSerializer.Serialize(name)},\"mode\":\"{mode}\",\"domains\":{domains}{extra}}}");
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
            return answer.Result;
        }

        protected Task<ApiAnswer> ControlAsync(HttpMethod method, string path, string? json = null) =>
            SendAsync(Http, method, new Uri(Emulator.ControlUri, path).ToString(), json);
    }
}
