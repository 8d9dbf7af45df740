using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    internal sealed class ProcessResult
    {
        public int ExitCode { get; init; }
        public string Stdout { get; init; } = "";
        public string Stderr { get; init; } = "";
        /// <summary>Wall time from just before the process started to its exit.</summary>
        public TimeSpan Elapsed { get; init; }
        public bool TimedOut { get; init; }
    }

    internal static class Processes
    {
        /// <summary>Credential variables a child must not inherit from the machine (only the ones the harness sets).</summary>
        private static readonly string[] Scrubbed =
        {
            "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_BASE_URL",
            "CLOUDFLARE_API_USER_SERVICE_KEY",
        };

        /// <summary>Runs a program to its end. Throws <see cref="Win32Exception"/> when it does not exist.</summary>
        public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
            IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            foreach (string name in Scrubbed)
            {
                start.Environment.Remove(name);
            }
            if (environment != null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    start.Environment[pair.Key] = pair.Value;
                }
            }

            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (stdout)
                    {
                        stdout.AppendLine(e.Data);
                    }
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (stderr)
                    {
                        stderr.AppendLine(e.Data);
                    }
                }
            };
            Stopwatch stopwatch = Stopwatch.StartNew();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            bool timedOut = false;
            using (var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10)))
            {
                try
                {
                    await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            TimeSpan elapsed = stopwatch.Elapsed;
            // WaitForExit without a timeout also drains the redirected streams.
            process.WaitForExit();
            lock (stdout)
            {
                lock (stderr)
                {
                    return new ProcessResult
                    {
                        ExitCode = process.ExitCode,
                        Stdout = stdout.ToString(),
                        Stderr = stderr.ToString(),
                        Elapsed = elapsed,
                        TimedOut = timedOut,
                    };
                }
            }
        }

        /// <summary>The last line of the output that looks like a JSON object.</summary>
        public static string? LastJsonLine(string output)
        {
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (int i = lines.Length - 1; i >= 0; i--)
            {
                if (lines[i].StartsWith('{') && lines[i].EndsWith('}'))
                {
                    return lines[i];
                }
            }
            return null;
        }

        /// <summary>Whether a program runs at all (e.g. `node --version`); its first output line, or null.</summary>
        public static async Task<string?> VersionOfAsync(string fileName, string argument = "--version")
        {
            try
            {
                ProcessResult result = await RunAsync(fileName, new[] { argument }, timeout: TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    return null;
                }
                string first = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines ? lines[0] : "";
                return first.Length > 0 ? first : "unknown version";
            }
            catch (Win32Exception)
            {
                return null;
            }
        }

        internal static string Tail(string text, int lines = 5)
        {
            string[] all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return string.Join(" / ", all[Math.Max(0, all.Length - lines)..]);
        }
    }
}
