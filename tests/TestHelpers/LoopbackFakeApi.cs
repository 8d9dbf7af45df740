// A misbehaving API on a loopback port the OS chooses, for the Pester tests (Add-Type -Path): 'Echo' answers every
// request with a failure that quotes the request's credential headers (in the JSON envelope, in a text/plain body and
// in a response header), as a careless proxy would; 'BlackHole' accepts connections and never answers.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Tests
{
    public sealed class LoopbackFakeApi : IDisposable
    {
        private readonly TcpListener listener;
        private readonly string mode;
        private readonly ConcurrentBag<TcpClient> held = new ConcurrentBag<TcpClient>();
        private int requests;

        public LoopbackFakeApi(string mode)
        {
            this.mode = mode;
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task.Run(AcceptLoop);
        }

        public int Port { get; }
        public string BaseUri => "http://127.0.0.1:" + Port + "/client/v4";
        public int Requests => Volatile.Read(ref requests);
        public int Connections => held.Count;

        private async Task AcceptLoop()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return;
                }
                held.Add(client);
                if (mode != "BlackHole")
                {
                    _ = Task.Run(() => Serve(client));
                }
            }
        }

        private async Task Serve(TcpClient client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                while (true)
                {
                    var head = new StringBuilder();
                    var one = new byte[1];
                    while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                    {
                        if (await stream.ReadAsync(one, 0, 1).ConfigureAwait(false) == 0)
                        {
                            return;
                        }
                        head.Append((char)one[0]);
                    }
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (string line in head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
                    {
                        int colon = line.IndexOf(':');
                        if (colon > 0)
                        {
                            headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
                        }
                    }
                    if (headers.TryGetValue("Content-Length", out string length) && int.Parse(length) > 0)
                    {
                        var body = new byte[int.Parse(length)];
                        int read = 0;
                        while (read < body.Length)
                        {
                            read += await stream.ReadAsync(body, read, body.Length - read).ConfigureAwait(false);
                        }
                    }
                    Interlocked.Increment(ref requests);
                    string echoed = "Authorization=" + Header(headers, "Authorization") + " X-Auth-Email=" + Header(headers, "X-Auth-Email") + " X-Auth-Key=" + Header(headers, "X-Auth-Key");
                    bool plain = Requests % 2 == 0;
                    string text = plain
                        ? "proxy refused the request: " + echoed
                        : "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error: " + echoed.Replace("\"", "'") + "\"}],\"messages\":[],\"result\":null}";
                    byte[] bytes = Encoding.UTF8.GetBytes(text);
                    string response = "HTTP/1.1 403 Forbidden\r\nContent-Type: " + (plain ? "text/plain" : "application/json") + "\r\nContent-Length: " + bytes.Length
                        + "\r\ncf-ray: " + Header(headers, "Authorization") + Header(headers, "X-Auth-Key") + "\r\nConnection: keep-alive\r\n\r\n";
                    byte[] headBytes = Encoding.ASCII.GetBytes(response);
                    await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
                    await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
            }
        }

        private static string Header(Dictionary<string, string> headers, string name) => headers.TryGetValue(name, out string value) ? value : "";

        public void Dispose()
        {
            listener.Stop();
            foreach (TcpClient client in held)
            {
                client.Dispose();
            }
        }
    }
}
