using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    /// <summary>
    /// The emulator's command line run to its end (exit codes, standard error), and other commands (dotnet tool install).
    /// An emulator that is to serve is started by the shared launcher (<see cref="EmulatorProcess"/>, options from
    /// <see cref="ProcessOptions"/>), which waits for its address and stops it.
    /// </summary>
    internal static class EmulatorCommandLine
    {
        /// <summary>The checkout these tests were built from: the folder above them that holds TurnstileWidgets.sln.</summary>
        public static string RepositoryRoot()
        {
            for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "TurnstileWidgets.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (with TurnstileWidgets.sln) is not above " + AppContext.BaseDirectory);
        }

        /// <summary>The built emulator beside the tests, started by the shared launcher with these arguments after --port 0.</summary>
        public static EmulatorProcessOptions ProcessOptions(params string[] args)
        {
            var options = new EmulatorProcessOptions { EmulatorPath = Path.Combine(AppContext.BaseDirectory, "TurnstileWidgets.Emulator.dll") };
            foreach (string arg in args)
            {
                options.Arguments.Add(arg);
            }

            return options;
        }

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
