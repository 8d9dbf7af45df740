using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>
    /// A response body read whole into a buffer rented from <see cref="ArrayPool{T}.Shared"/>, for a synchronous
    /// deserialisation. Streamed deserialisation must read every widget twice: the serializer scans each value that a
    /// converter of ours reads (<see cref="Internal.WidgetJsonConverter"/>) ahead to the value's end before handing it
    /// over, in case the value straddles two reads. From a whole body it reads each widget once. A listing page is about
    /// 350 KB at 1,000 widgets; the buffer goes back to the pool, so a long listing holds one page's bytes at a time.
    /// </summary>
    internal sealed class PooledBody : IDisposable
    {
        private const int FirstSize = 16 * 1024;
        // A Content-Length beyond this sizes nothing up front: the buffer grows with what actually arrives.
        private const long MaxHint = 4 * 1024 * 1024;
        // The largest body read: doubling past it would overflow an array's length.
        private const int MaxLength = 1024 * 1024 * 1024;
        private byte[]? buffer;

        private PooledBody(byte[] buffer, int length)
        {
            this.buffer = buffer;
            Length = length;
        }

        /// <summary>The body's length in bytes.</summary>
        internal int Length { get; }

        /// <summary>The body.</summary>
        internal ReadOnlySpan<byte> Span => new ReadOnlySpan<byte>(buffer ?? throw new ObjectDisposedException(nameof(PooledBody)), 0, Length);

        /// <summary>
        /// The body as JSON text: without a leading UTF-8 byte order mark, which some servers and proxies send and the
        /// serializer refuses in a buffer (its stream reader skipped it, so answers read whole must skip it too).
        /// </summary>
        internal ReadOnlySpan<byte> Json => WithoutByteOrderMark(Span);

        /// <summary><paramref name="body"/> without a leading UTF-8 byte order mark (EF BB BF), if it has one.</summary>
        internal static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> body) =>
            body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.Slice(3) : body;

        /// <summary>Reads <paramref name="stream"/> to its end; <paramref name="lengthHint"/> (Content-Length) sizes the first buffer.</summary>
        internal static async Task<PooledBody> ReadAsync(Stream stream, long? lengthHint, CancellationToken cancellationToken)
        {
            // One byte more than announced, so a body of exactly that length ends without growing the buffer.
            int size = lengthHint.HasValue && lengthHint.Value >= 0 && lengthHint.Value <= MaxHint ? (int)lengthHint.Value + 1 : FirstSize;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
            int length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxLength)
                        {
                            // No API answer comes near this (a 1,000-widget page is about 350 KB); said as an unreadable answer.
                            throw new JsonException($"The answer is larger than {MaxLength / (1024 * 1024)} MB, too large to read.");
                        }
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxLength));
                        Buffer.BlockCopy(buffer, 0, larger, 0, length);
                        Array.Clear(buffer, 0, length);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    int read = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return new PooledBody(buffer, length);
                    }
                    length += read;
                }
            }
            catch
            {
                Array.Clear(buffer, 0, length);
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }

        /// <summary>Clears the bytes read (a widget's answer carries its secret) and returns the buffer to the pool.</summary>
        public void Dispose()
        {
            byte[]? rented = Interlocked.Exchange(ref buffer, null);
            if (rented != null)
            {
                Array.Clear(rented, 0, Length);
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
