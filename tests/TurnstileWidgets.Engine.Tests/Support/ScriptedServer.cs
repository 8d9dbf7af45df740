using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Tests.Support;

/// <summary>One request as the scripted server saw it.</summary>
internal sealed record SeenRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>What the scripted server answers; <see cref="Drop"/> closes the connection without an answer.</summary>
internal sealed record ScriptedResponse(int Status, string Body = "", string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null, bool Drop = false);

/// <summary>
/// A tiny HTTP/1.1 server on a loopback port chosen by the OS, for wire behaviour the emulator
/// deliberately cannot produce (a server that repeats pages, unknown enum values, non-JSON bodies).
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Func<SeenRequest, ScriptedResponse> respond;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    public ScriptedServer(Func<SeenRequest, ScriptedResponse> respond)
    {
        this.respond = respond;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/client/v4/");
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string? requestLine = await ReadLineAsync(stream);
                if (requestLine == null)
                {
                    return;
                }
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                string? line;
                while (!string.IsNullOrEmpty(line = await ReadLineAsync(stream)))
                {
                    int colon = line.IndexOf(':');
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                string body = "";
                if (headers.TryGetValue("Content-Length", out string? lengthText) && int.TryParse(lengthText, out int length) && length > 0)
                {
                    byte[] buffer = new byte[length];
                    await stream.ReadExactlyAsync(buffer);
                    body = Encoding.UTF8.GetString(buffer);
                }
                string[] parts = requestLine.Split(' ');
                var seen = new SeenRequest(parts[0], parts[1], headers, body);
                Requests.Enqueue(seen);
                ScriptedResponse response = respond(seen);
                if (response.Drop)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }
                byte[] payload = Encoding.UTF8.GetBytes(response.Body);
                var head = new StringBuilder();
                head.Append($"HTTP/1.1 {response.Status} Status\r\n");
                head.Append($"Content-Type: {response.ContentType}\r\n");
                head.Append($"Content-Length: {payload.Length}\r\n");
                head.Append("Connection: close\r\n");
                foreach (var header in response.Headers ?? new Dictionary<string, string>())
                {
                    head.Append($"{header.Key}: {header.Value}\r\n");
                }
                head.Append("\r\n");
                byte[] headBytes = Encoding.ASCII.GetBytes(head.ToString());
                await stream.WriteAsync(headBytes);
                await stream.WriteAsync(payload);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string?> ReadLineAsync(Stream stream)
    {
        var builder = new StringBuilder();
        byte[] one = new byte[1];
        while (true)
        {
            int read = await stream.ReadAsync(one);
            if (read == 0)
            {
                return builder.Length == 0 ? null : builder.ToString();
            }
            if (one[0] == '\n')
            {
                return builder.ToString().TrimEnd('\r');
            }
            builder.Append((char)one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception)
        {
        }
        stop.Dispose();
    }

    /// <summary>
    /// A listing envelope with <paramref name="count"/> widgets named from <paramref name="first"/>; a null
    /// <paramref name="totalCount"/> leaves <c>total_count</c> out, as a server may.
    /// </summary>
    public static string ListPage(int first, int count, int page, int perPage, string mode = "managed", string extra = "", long? totalCount = 12345)
    {
        var items = new List<string>();
        for (int i = first; i < first + count; i++)
        {
            items.Add($$"""{"sitekey":"0x4AAA{{i:D8}}","name":"w{{i}}","domains":["example.com"],"mode":"{{mode}}","region":"world","clearance_level":"no_clearance","bot_fight_mode":false,"ephemeral_id":false,"offlabel":false,"created_on":"2014-01-01T05:20:00.123123Z","modified_on":"2014-01-01T05:20:00.123123Z"{{extra}}}""");
        }
        return """{"success":true,"errors":[],"messages":[],"result":[""" + string.Join(",", items)
            + $$"""],"result_info":{"page":{{page}},"per_page":{{perPage}},"count":{{count}}"""
            + (totalCount is long total ? $$""","total_count":{{total}}""" : "") + "}}";
    }
}
