using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// The floor: a plain HttpClient and System.Text.Json (source-generated) over the same endpoints, with no
    /// validation, no retries, no model mapping and no error translation. It reads every field the engine exposes,
    /// so both produce the same information per widget.
    /// </summary>
    internal sealed class RawApi : IDisposable
    {
        private readonly HttpClient http;
        private readonly string widgetsPath;

        public RawApi(Uri baseUri, string apiToken, string accountId, HttpMessageHandler? handler = null)
        {
            http = handler == null ? new HttpClient(CountingHandler.NewSocketsHandler()) : new HttpClient(handler);
            http.BaseAddress = baseUri;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            widgetsPath = "accounts/" + accountId + "/challenges/widgets";
        }

        /// <summary>
        /// Streams every widget page by page. Stops on a short page, or once result_info.total_count says every widget
        /// has arrived, so a count that fills its last page costs no extra empty-page request.
        /// </summary>
        public async IAsyncEnumerable<RawWidget> ListAsync(int perPage, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int page = 1; ; page++)
            {
                string path = widgetsPath + "?page=" + page.ToString(CultureInfo.InvariantCulture) + "&per_page=" + perPage.ToString(CultureInfo.InvariantCulture);
                RawListEnvelope envelope;
                using (HttpResponseMessage response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                {
                    EnsureSuccess(response, "GET", path);
                    using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    envelope = await JsonSerializer.DeserializeAsync(stream, RawJson.Default.RawListEnvelope, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"GET {path}: empty body.");
                }
                List<RawWidget> items = envelope.Result ?? new List<RawWidget>();
                foreach (RawWidget widget in items)
                {
                    yield return widget;
                }
                long? total = envelope.ResultInfo?.TotalCount;
                if (items.Count < perPage || (total.HasValue && (long)page * perPage >= total.Value))
                {
                    yield break;
                }
            }
        }

        public Task<RawWidget> GetAsync(string sitekey, CancellationToken cancellationToken = default) =>
            SendAsync(HttpMethod.Get, widgetsPath + "/" + sitekey, null, cancellationToken);

        public Task<RawWidget> UpdateAsync(string sitekey, RawWidgetRequest body, CancellationToken cancellationToken = default) =>
            SendAsync(HttpMethod.Put, widgetsPath + "/" + sitekey, JsonSerializer.SerializeToUtf8Bytes(body, RawJson.Default.RawWidgetRequest), cancellationToken);

        public Task<RawWidget> DeleteAsync(string sitekey, CancellationToken cancellationToken = default) =>
            SendAsync(HttpMethod.Delete, widgetsPath + "/" + sitekey, null, cancellationToken);

        private async Task<RawWidget> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body != null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            EnsureSuccess(response, method.Method, path);
            using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            RawWidgetEnvelope? envelope = await JsonSerializer.DeserializeAsync(stream, RawJson.Default.RawWidgetEnvelope, cancellationToken).ConfigureAwait(false);
            return envelope?.Result ?? throw new InvalidOperationException($"{method.Method} {path}: no result in the answer.");
        }

        private static void EnsureSuccess(HttpResponseMessage response, string method, string path)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} /{path} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
        }

        public void Dispose() => http.Dispose();
    }

    internal sealed class RawListEnvelope
    {
        public bool Success { get; set; }
        public List<RawWidget>? Result { get; set; }
        public RawResultInfo? ResultInfo { get; set; }
    }

    internal sealed class RawWidgetEnvelope
    {
        public bool Success { get; set; }
        public RawWidget? Result { get; set; }
    }

    internal sealed class RawResultInfo
    {
        public int Page { get; set; }
        public int PerPage { get; set; }
        public int Count { get; set; }
        public long? TotalCount { get; set; }
    }

    internal sealed class RawWidget
    {
        public string? Sitekey { get; set; }
        public string? Secret { get; set; }
        public string? Name { get; set; }
        public List<string>? Domains { get; set; }
        public string? Mode { get; set; }
        public string? Region { get; set; }
        public string? ClearanceLevel { get; set; }
        public bool BotFightMode { get; set; }
        public bool EphemeralId { get; set; }
        public bool Offlabel { get; set; }
        public DateTimeOffset CreatedOn { get; set; }
        public DateTimeOffset ModifiedOn { get; set; }
        public string? DeployedVia { get; set; }
        public string? LastModifiedVia { get; set; }
    }

    internal sealed class RawWidgetRequest
    {
        public string Name { get; set; } = "";
        public List<string> Domains { get; set; } = new List<string>();
        public string Mode { get; set; } = "managed";
    }

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(RawListEnvelope))]
    [JsonSerializable(typeof(RawWidgetEnvelope))]
    [JsonSerializable(typeof(RawWidgetRequest))]
    internal sealed partial class RawJson : JsonSerializerContext
    {
    }
}
