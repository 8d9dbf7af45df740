using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace TurnstileWidgets.Emulator
{
    internal static class HttpHelpers
    {
        public const int MaxBodyBytes = 1 << 20;

        public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(value, typeInfo, contentType: "application/json; charset=utf-8", context.RequestAborted);
        }

        public static Task WriteErrorAsync(HttpContext context, ApiError error) =>
            WriteJsonAsync(context, error.Status, new ErrorResponse
            {
                Success = false,
                Errors = new[] { new ApiMessage { Code = error.Code, Message = error.Message } },
            }, EmulatorJsonContext.Wire.ErrorResponse);

        public static Task WriteControlErrorAsync(HttpContext context, int status, string message) =>
            WriteJsonAsync(context, status, new ControlError { Error = message }, EmulatorJsonContext.Wire.ControlError);

        /// <summary>Reads the body as JSON. An empty body gives (null, null) when allowed; malformed JSON gives an error.</summary>
        public static async Task<(JsonDocument? Document, ApiError? Error)> ReadJsonAsync(HttpContext context, bool allowEmpty)
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                return (null, ApiError.MalformedBody($"The request body is larger than {MaxBodyBytes} bytes."));
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, ApiError.MalformedBody($"The request body is larger than {MaxBodyBytes} bytes."));
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
