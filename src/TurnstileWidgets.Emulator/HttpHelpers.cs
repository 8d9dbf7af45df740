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
        public const int MaxBodyBytes = 1 << 20;

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
        /// Content-Length or chunked. False: the body is too large (nothing was answered yet).
        /// </summary>
        public static async Task<bool> BufferBodyAsync(HttpContext context)
        {
            HttpRequest request = context.Request;
            if (request.ContentLength > MaxBodyBytes)
            {
                return false;
            }

            if (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            {
                return true;
            }

            var buffer = new MemoryStream();
            context.Response.RegisterForDispose(buffer);
            try
            {
                // Kestrel's own limit (MaxRequestBodySize, the same number) stops a chunked body once it passes the limit.
                await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return false;
            }

            if (buffer.Length > MaxBodyBytes)
            {
                return false;
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
