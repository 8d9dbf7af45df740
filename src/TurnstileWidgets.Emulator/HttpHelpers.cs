using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TurnstileWidgets.Emulator
{
    internal static class HttpHelpers
    {
        /// <summary>The largest request body read (1 MiB); larger ones are answered 413 on every route.</summary>
        public const int MaxBodyBytes = 1 << 20;

        /// <summary>How much of a body over the limit is still read and dropped before the 413, so the client sees it.</summary>
        public const int MaxDrainedBytes = 64 << 20;

        /// <summary>
        /// Serializes synchronously into one buffer, then writes it with a Content-Length: the source-generated fast path
        /// only runs for synchronous serialization, and a 1000-widget page is a few hundred kilobytes at most.
        /// </summary>
        public static async Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder, SkipValidation = true }))
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }

            HttpResponse response = context.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }

        public static Task WriteErrorAsync(HttpContext context, ApiError error) =>
            WriteJsonAsync(context, error.Status, new ErrorResponse
            {
                Success = false,
                Errors = new[] { new ApiMessage { Code = error.Code, Message = error.Message } },
            }, EmulatorJsonContext.Wire.ErrorResponse);

        public static Task WriteControlErrorAsync(HttpContext context, int status, string message) =>
            WriteJsonAsync(context, status, new ControlError { Error = message }, EmulatorJsonContext.Wire.ControlError);

        /// <summary>
        /// Reads the whole request body into memory before any route runs, so a body over <see cref="MaxBodyBytes"/> is
        /// refused the same way on every route, whether or not the route reads bodies and whether the body came with a
        /// Content-Length or chunked. False: the body is too large (nothing was answered yet). The rest of a body that is
        /// too large is read and dropped, up to <see cref="MaxDrainedBytes"/>, so the client can finish sending and read
        /// the 413; a client that closes its connection as soon as the server stops reading never sees the answer.
        /// </summary>
        public static async Task<bool> BufferBodyAsync(HttpContext context)
        {
            HttpRequest request = context.Request;
            if (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            {
                return true;
            }

            if (request.ContentLength > MaxDrainedBytes)
            {
                return false;
            }

            // This method owns the limit: Kestrel's own (the same number, for anything that bypasses it) would stop the
            // read at the limit and close the connection before the 413 is read.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            {
                sizeFeature.MaxRequestBodySize = null;
            }

            var buffer = new MemoryStream();
            context.Response.RegisterForDispose(buffer);
            byte[] chunk = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                long total = 0;
                int read;
                while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxDrainedBytes)
                    {
                        return false;
                    }

                    if (total <= MaxBodyBytes)
                    {
                        buffer.Write(chunk, 0, read);
                    }
                }

                if (total > MaxBodyBytes)
                {
                    return false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            buffer.Position = 0;
            request.Body = buffer;
            return true;
        }

        /// <summary>Reads the body as JSON. An empty body gives (null, null) when allowed; malformed JSON gives an error.</summary>
        public static async Task<(JsonDocument? Document, ApiError? Error)> ReadJsonAsync(HttpContext context, bool allowEmpty)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, ApiError.BodyTooLarge);
            }

            if (buffer.Length == 0 || IsWhitespace(buffer))
            {
                return allowEmpty
                    ? (null, null)
                    : (null, ApiError.MalformedBody("The request body is empty; send a JSON object."));
            }

            try
            {
                return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)), null);
            }
            catch (JsonException e)
            {
                return (null, ApiError.MalformedBody($"The request body is not valid JSON: {e.Message}"));
            }
        }

        private static bool IsWhitespace(MemoryStream buffer)
        {
            foreach (byte b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
