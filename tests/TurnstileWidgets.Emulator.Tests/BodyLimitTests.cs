using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// Bodies over the 1 MiB limit (issue 16: 400 with a Content-Length, 413 when chunked, and an empty 413 from the
    /// control endpoints): 413 in the Cloudflare envelope, code 10002, on every route, however the body is framed.
    /// </summary>
    public sealed class BodyLimitTests : EmulatorTestBase
    {
        private const int Limit = 1 << 20;

        public static TheoryData<string, string, bool> Routes()
        {
            var data = new TheoryData<string, string, bool>();
            string[][] routes =
            {
                new[] { "POST", "api:widgets" },
                new[] { "PUT", "api:widgets/0x4AAAAAAAAAAAAAAAAAAAAA" },
                new[] { "GET", "api:widgets" },
                new[] { "POST", "api:widgets/0x4AAAAAAAAAAAAAAAAAAAAA/rotate_secret" },
                new[] { "POST", "api:nowhere" },
                new[] { "POST", "control:seed" },
                new[] { "POST", "control:faults" },
                new[] { "POST", "control:reset" },
                new[] { "POST", "control:no-such-endpoint" },
                new[] { "POST", "root:elsewhere" },
            };
            foreach (string[] route in routes)
            {
                data.Add(route[0], route[1], false);
                data.Add(route[0], route[1], true);
            }

            return data;
        }

        private Uri Target(string route)
        {
            string[] parts = route.Split(':', 2);
            return parts[0] switch
            {
                "api" => new Uri(Server.BaseUri, parts[1] == "nowhere" ? "nowhere" : WidgetsPath + parts[1]["widgets".Length..]),
                "control" => new Uri(Server.ControlUri, parts[1]),
                _ => new Uri(Server.BaseUri, "/" + parts[1]),
            };
        }

        private async Task<ApiAnswer> SendBodyAsync(string method, Uri target, int size, bool chunked)
        {
            byte[] body = new byte[size];
            Array.Fill(body, (byte)' ');
            body[0] = (byte)'{';
            body[^1] = (byte)'}';
            HttpContent content = chunked ? new StreamContent(new NonSeekable(body)) : new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return await SendAsync(Http, new HttpMethod(method), target.ToString(), configure: r =>
            {
                r.Content = content;
                r.Headers.TransferEncodingChunked = chunked;
            });
        }

        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Every_route_answers_413_in_the_envelope_with_content_length_or_chunked(string method, string route, bool chunked)
        {
            ApiAnswer answer = await SendBodyAsync(method, Target(route), Limit + 1, chunked);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
            Assert.False(answer.Body.GetProperty("success").GetBoolean(), answer.Raw);
            Assert.Equal(10002, answer.ErrorCode);
            Assert.Contains("larger than 1048576 bytes", answer.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(0, answer.Body.GetProperty("messages").GetArrayLength());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("result").ValueKind);
            Assert.Equal(0, Server.WidgetCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Ten_megabytes_are_refused_the_same_way_and_the_emulator_keeps_serving(bool chunked)
        {
            ApiAnswer answer = await SendBodyAsync("POST", new Uri(Server.BaseUri, WidgetsPath), 10 << 20, chunked);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
            Assert.Equal(10002, answer.ErrorCode);
            Assert.Equal(1, Server.Stats.Snapshot().ResponsesByStatus["413"]);
            Assert.Equal(1, Server.Stats.CreateRequests);
            await CreateWidgetAsync();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_body_of_exactly_the_limit_is_read(bool chunked)
        {
            string json = "{\"name\":\"padded\",\"mode\":\"managed\",\"domains\":[\"example.com\"]}";
            byte[] body = Encoding.UTF8.GetBytes(json.PadRight(Limit));
            Assert.Equal(Limit, body.Length);
            HttpContent content = chunked ? new StreamContent(new NonSeekable(body)) : new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            ApiAnswer created = await SendAsync(Http, HttpMethod.Post, WidgetsPath, configure: r =>
            {
                r.Content = content;
                r.Headers.TransferEncodingChunked = chunked;
            });

            Assert.Equal(HttpStatusCode.OK, created.Status);
            Assert.Equal("padded", created.Result.GetProperty("name").GetString());

            ApiAnswer seeded = await SendAsync(Http, HttpMethod.Post, new Uri(Server.ControlUri, "seed").ToString(), configure: r =>
            {
                r.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"count\":2}".PadRight(Limit)));
                r.Headers.TransferEncodingChunked = chunked;
            });
            Assert.Equal(HttpStatusCode.OK, seeded.Status);
            Assert.Equal(3, Server.WidgetCount);
        }

        /// <summary>A stream without a length, so HttpClient sends it chunked.</summary>
        private sealed class NonSeekable : MemoryStream
        {
            public NonSeekable(byte[] buffer) : base(buffer, writable: false) { }

            public override bool CanSeek => false;
        }
    }
}
