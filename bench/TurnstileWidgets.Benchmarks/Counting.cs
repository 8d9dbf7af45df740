using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// Counts requests and response body bytes as they are read, without buffering: the response's content is
    /// wrapped so the caller's own streaming read drives the count. Used as the engine's PrimaryHandler and as
    /// the raw HttpClient's handler, so both pay the same (tiny) cost.
    /// </summary>
    internal sealed class CountingHandler : DelegatingHandler
    {
        private long requests;
        private long bytesRead;

        public CountingHandler()
            : base(NewSocketsHandler())
        {
        }

        public long Requests => Interlocked.Read(ref requests);
        public long BytesRead => Interlocked.Read(ref bytesRead);

        /// <summary>The same socket settings the engine uses by default: no redirects, no cookies, gzip/deflate.</summary>
        internal static SocketsHttpHandler NewSocketsHandler() => new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };

        internal void AddBytes(int count) => Interlocked.Add(ref bytesRead, count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref requests);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            response.Content = new CountingContent(response.Content, this);
            return response;
        }

        private sealed class CountingContent : HttpContent
        {
            private readonly HttpContent inner;
            private readonly CountingHandler counter;

            public CountingContent(HttpContent inner, CountingHandler counter)
            {
                this.inner = inner;
                this.counter = counter;
                foreach (var header in inner.Headers)
                {
                    Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            {
                using Stream source = await CreateContentReadStreamAsync().ConfigureAwait(false);
                await source.CopyToAsync(stream).ConfigureAwait(false);
            }

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
            {
                using Stream source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            protected override async Task<Stream> CreateContentReadStreamAsync() =>
                new CountingStream(await inner.ReadAsStreamAsync().ConfigureAwait(false), counter);

            protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
                new CountingStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), counter);

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }
                base.Dispose(disposing);
            }
        }

        private sealed class CountingStream : Stream
        {
            private readonly Stream inner;
            private readonly CountingHandler counter;

            public CountingStream(Stream inner, CountingHandler counter)
            {
                this.inner = inner;
                this.counter = counter;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
            public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

            private int Counted(int read)
            {
                counter.AddBytes(read);
                return read;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }
}
