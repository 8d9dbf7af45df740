using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Serialization;

namespace TurnstileWidgets
{
    /// <summary>
    /// The exception of every error a TurnstileWidgets cmdlet writes, so a script can write
    /// <c>catch [TurnstileWidgets.TurnstileCommandException]</c>. It lives in the module assembly, which PowerShell
    /// loads where scripts can name its types; the engine's own exception, from the module's private load context,
    /// stays as <see cref="Exception.InnerException"/>.
    /// </summary>
    [Serializable]
    public sealed class TurnstileCommandException : Exception
    {
        /// <summary>Creates the exception; <paramref name="message"/> is the ErrorRecord's message, in the user's words.</summary>
        public TurnstileCommandException(string message, string errorId, Exception? innerException = null,
            int? statusCode = null, IEnumerable<int>? cloudflareErrorCodes = null, string? sitekey = null)
            : base(message, innerException)
        {
            ErrorId = errorId ?? "";
            StatusCode = statusCode;
            CloudflareErrorCodes = (cloudflareErrorCodes ?? Enumerable.Empty<int>()).ToArray();
            Sitekey = string.IsNullOrEmpty(sitekey) ? null : sitekey;
        }

        private TurnstileCommandException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
            ErrorId = info.GetString(nameof(ErrorId)) ?? "";
            StatusCode = (int?)info.GetValue(nameof(StatusCode), typeof(int?));
            CloudflareErrorCodes = (int[]?)info.GetValue(nameof(CloudflareErrorCodes), typeof(int[])) ?? Array.Empty<int>();
            Sitekey = info.GetString(nameof(Sitekey));
        }

        /// <summary>The ErrorRecord's error id, e.g. <c>TurnstileWidgetNotFound</c>; stable across versions.</summary>
        public string ErrorId { get; }

        /// <summary>The HTTP status Cloudflare answered with; null when no answer came or nothing was sent.</summary>
        public int? StatusCode { get; }

        /// <summary>The codes in Cloudflare's <c>errors</c> (e.g. 10001); empty when it gave none.</summary>
        public int[] CloudflareErrorCodes { get; }

        /// <summary>The widget the failure is about; null when it is about no single widget.</summary>
        public string? Sitekey { get; }

        /// <summary>Keeps the properties when the exception crosses a remoting or job boundary.</summary>
#if NET8_0_OR_GREATER
        [Obsolete("Formatter-based serialization is obsolete.")]
#endif
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(ErrorId), ErrorId);
            info.AddValue(nameof(StatusCode), StatusCode, typeof(int?));
            info.AddValue(nameof(CloudflareErrorCodes), CloudflareErrorCodes, typeof(int[]));
            info.AddValue(nameof(Sitekey), Sitekey);
        }
    }
}
