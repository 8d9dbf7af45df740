using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>The emulator as its own process, as users and CI start it: ready line, exit codes, standard error.</summary>
    internal static class EmulatorProcess
    {
        public static readonly Regex ReadyLine = new(@"http://127\.0\.0\.1:\d+/client/v4", RegexOptions.CultureInvariant);

        /// <summary>The dotnet host running these tests (dotnet test sets DOTNET_HOST_PATH), so no PATH lookup decides which one.</summary>
        public static string DotnetHost =>
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

        /// <summary>Starts the built emulator (the dll beside the tests) with these arguments.</summary>
        public static Process Launch(params string[] args) =>
            Start(DotnetHost, new[] { Path.Combine(AppContext.BaseDirectory, "TurnstileWidgets.Emulator.dll") }.Concat(args), environment: null);

        public static Process Start(string fileName, IEnumerable<string> args, IDictionary<string, string>? environment, string? workingDirectory = null)
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (workingDirectory is not null)
            {
                start.WorkingDirectory = workingDirectory;
            }

            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            if (environment is not null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    start.Environment[pair.Key] = pair.Value;
                }
            }

            return Process.Start(start)!;
        }

        /// <summary>Reads standard output until the ready line; returns the API base URL it names and everything printed.</summary>
        public static async Task<(string BaseUrl, string Printed)> WaitForReadyAsync(Process process, CancellationToken cancellationToken)
        {
            string printed = "";
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    Assert.Fail("The emulator exited before it was ready: " + printed + await process.StandardError.ReadToEndAsync(cancellationToken));
                }

                printed += line + "\n";
                Match match = ReadyLine.Match(line!);
                if (match.Success)
                {
                    Assert.StartsWith("TurnstileWidgets emulator listening on ", line, StringComparison.Ordinal);
                    return (match.Value, printed);
                }
            }
        }

        /// <summary>Stops it as Ctrl+C or a service manager would (SIGTERM) and returns its exit code.</summary>
        public static async Task<int> StopAsync(Process process, CancellationToken cancellationToken)
        {
            if (OperatingSystem.IsWindows())
            {
                process.Kill(entireProcessTree: true);
            }
            else
            {
                using Process kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await kill.WaitForExitAsync(cancellationToken);
            }

            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        }

        /// <summary>Runs it to its end (a refusal to start) and returns the exit code and standard error's non-empty lines.</summary>
        public static async Task<(int ExitCode, string[] ErrorLines)> RunToExitAsync(params string[] args)
        {
            using Process process = Launch(args);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                string error = await process.StandardError.ReadToEndAsync(timeout.Token);
                await output;
                await process.WaitForExitAsync(timeout.Token);
                return (process.ExitCode, error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }
}
