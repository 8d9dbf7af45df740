using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>One answer read in full: its status and body text (bounded).</summary>
    internal sealed class ExchangeAnswer
    {
        internal ExchangeAnswer(int status, string body, string? mediaType)
        {
            Status = status;
            Body = body;
            MediaType = mediaType;
        }

        internal int Status { get; }
        internal string Body { get; }
        internal string? MediaType { get; }
    }

    /// <summary>
    /// Sends a request through <see cref="TurnstileClient.SendOutsideRestBudgetAsync"/> (the retry handler, no REST pacing)
    /// and reads the answer's body within the request timeout. For answers that are not Cloudflare's REST envelope
    /// (GraphQL, siteverify), which the callers read themselves.
    /// </summary>
    internal static class OutsideRestExchange
    {
        private const int MaxBody = 32 * 1024 * 1024;

        internal static async Task<ExchangeAnswer> SendAsync(TurnstileClient client, HttpRequestMessage request, string path, bool authenticate, CancellationToken cancellationToken, TurnstileOperation operation = TurnstileOperation.Unknown)
        {
            string method = request.Method.Method;
            using (HttpResponseMessage response = await client.SendOutsideRestBudgetAsync(request, path, authenticate, cancellationToken, operation).ConfigureAwait(false))
            using (var bodyCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (client.RequestTimeout != Timeout.InfiniteTimeSpan)
                {
                    bodyCancellation.CancelAfter(client.RequestTimeout);
                }
                try
                {
                    using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    using (var buffer = new MemoryStream())
                    {
                        byte[] chunk = new byte[16384];
                        int read;
                        while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, bodyCancellation.Token).ConfigureAwait(false)) > 0)
                        {
                            if (buffer.Length + read > MaxBody)
                            {
                                throw new TurnstileTransportException($"{method} {path}: the answer is larger than {MaxBody / (1024 * 1024)} MB, more than any answer of this API; check the URL.", operation, method, path, false, false);
                            }
                            buffer.Write(chunk, 0, read);
                        }
                        // Without a leading byte order mark, which the JSON parsers refuse (decoding would keep it as U+FEFF).
                        int skipped = (int)buffer.Length - Transport.PooledBody.WithoutByteOrderMark(new ReadOnlySpan<byte>(buffer.GetBuffer(), 0, (int)buffer.Length)).Length;
                        return new ExchangeAnswer((int)response.StatusCode, Encoding.UTF8.GetString(buffer.GetBuffer(), skipped, (int)buffer.Length - skipped), response.Content.Headers.ContentType?.MediaType);
                    }
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && bodyCancellation.IsCancellationRequested)
                {
                    throw new TurnstileTransportException($"{method} {path} timed out: the answer did not arrive in full within {DurationText.Format(client.RequestTimeout)}. Check the network, or allow more time per request (RequestTimeout).", operation, method, path, true, false, ex);
                }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
                {
                    throw new TurnstileTransportException($"Could not read the answer to {method} {path}: the connection dropped mid-answer. Check the network and try again.", operation, method, path, false, false, ex);
                }
            }
        }
    }
}
