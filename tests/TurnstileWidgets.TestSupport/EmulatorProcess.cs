using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.TestSupport
{
    /// <summary>What to start: the emulator, the arguments after <c>--port 0</c>, its environment and how long to wait.</summary>
    public sealed class EmulatorProcessOptions
    {
        /// <summary>
        /// The emulator to start: a <c>.dll</c> runs under the dotnet host (<see cref="EmulatorProcess.BuiltEmulatorPath"/>
        /// is the repository's build), anything else is run as a command (the installed tool, <c>turnstile-emulator</c>).
        /// </summary>
        public string EmulatorPath { get; set; } = "";

        /// <summary>Arguments after <c>--port 0</c>, e.g. <c>--api-token</c>, <c>--account-id</c>, <c>--rate-limit</c>.</summary>
        public IList<string> Arguments { get; } = new List<string>();

        /// <summary>Environment variables set for the emulator only.</summary>
        public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// More values masked as *** in every message this class writes; <see cref="ApiToken"/> and the values of
        /// --api-token and --api-key in <see cref="Arguments"/> are masked without being listed here.
        /// </summary>
        public IList<string> Secrets { get; } = new List<string>();

        /// <summary>How long the emulator may take to print its address line.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The Bearer token to start it with (<c>--api-token</c>, masked like <see cref="Secrets"/>); null: not given here.</summary>
        public string? ApiToken { get; set; }

        /// <summary>The account to serve (<c>--account-id</c>); null: not given here.</summary>
        public string? AccountId { get; set; }

        /// <summary>The emulator's working directory; the caller's when empty.</summary>
        public string? WorkingDirectory { get; set; }
    }

    /// <summary>
    /// The emulator as its own process on a free loopback port (<c>--port 0</c>): started, ready once it has printed its
    /// address line (<c>TurnstileWidgets emulator listening on http://127.0.0.1:PORT/client/v4</c>), stopped with SIGTERM
    /// (a kill where there are no signals, or when it does not stop in time). The one launcher of the build, the Pester
    /// suite, the benchmark harness, the xunit suites and examples/Demo.ps1.
    /// </summary>
    public sealed class EmulatorProcess : TestEmulator
    {
        /// <summary>The address line's address; the emulator binds 127.0.0.1 only.</summary>
        private static readonly Regex AddressLine = new Regex(@"http://127\.0\.0\.1:(\d+)/client/v4", RegexOptions.CultureInvariant);

        private readonly Process process;
        private readonly string[] secrets;
        private readonly List<string> startupOutput = new List<string>();
        private readonly StringBuilder standardError = new StringBuilder();
        private readonly TaskCompletionSource<int> ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        private int stopped;

        private EmulatorProcess(Process process, string[] secrets, EmulatorProcessOptions options)
            : base(options.ApiToken, options.AccountId)
        {
            this.process = process;
            this.secrets = secrets;
        }

        /// <summary>The emulator's process id.</summary>
        public int Id => process.Id;

        /// <summary>Whether the emulator process has ended.</summary>
        public bool HasExited => process.HasExited;

        /// <summary>The exit code once the process has ended, else null.</summary>
        public int? ExitCode => process.HasExited ? process.ExitCode : (int?)null;

        /// <summary>What the emulator printed on standard output up to and including its address line, as printed.</summary>
        public IReadOnlyList<string> StartupOutput
        {
            get
            {
                lock (startupOutput)
                {
                    return startupOutput.ToArray();
                }
            }
        }

        /// <summary>What the emulator has written on standard error so far, secrets masked.</summary>
        public string StandardError
        {
            get
            {
                lock (standardError)
                {
                    return Mask(standardError.ToString());
                }
            }
        }

        /// <summary>The repository's Release (or <paramref name="configuration"/>) build of the emulator.</summary>
        public static string BuiltEmulatorPath(string repositoryRoot, string configuration = "Release") =>
            Path.Combine(repositoryRoot, "src", "TurnstileWidgets.Emulator", "bin", configuration, "net10.0", "TurnstileWidgets.Emulator.dll");

        /// <summary>Starts the emulator and returns once it has printed its address; throws when it exits or times out first.</summary>
        public static EmulatorProcess Start(EmulatorProcessOptions options) =>
            StartAsync(options, CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>Starts the emulator and completes once it has printed its address; fails when it exits or times out first.</summary>
        public static async Task<EmulatorProcess> StartAsync(EmulatorProcessOptions options, CancellationToken cancellationToken = default)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            // The emulator takes the last --api-token, the one in Arguments, while ApiToken (and every client made from it)
            // would name the other: every request would be refused. Said before anything starts, without either value.
            if (options.ApiToken is not null && options.Arguments.Contains(ApiTokenOption))
            {
                throw new ArgumentException(
                    $"The API token is given twice: in EmulatorProcessOptions.ApiToken and as {ApiTokenOption} in Arguments. Give it once, with ApiToken (so the launcher knows it).",
                    nameof(options));
            }

            bool isAssembly = options.EmulatorPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
            if (isAssembly && !File.Exists(options.EmulatorPath))
            {
                throw new FileNotFoundException(
                    $"The emulator is not built at {options.EmulatorPath}. Build it with `dotnet build src/TurnstileWidgets.Emulator -c Release`.",
                    options.EmulatorPath);
            }

            var arguments = new List<string>();
            string fileName = options.EmulatorPath;
            if (isAssembly)
            {
                arguments.Add(options.EmulatorPath);
                fileName = DotnetHost();
            }
            arguments.Add("--port");
            arguments.Add("0");
            if (options.ApiToken is not null)
            {
                arguments.Add(ApiTokenOption);
                arguments.Add(options.ApiToken);
            }

            if (options.AccountId is not null)
            {
                arguments.Add("--account-id");
                arguments.Add(options.AccountId);
            }

            arguments.AddRange(options.Arguments);

            var start = new ProcessStartInfo(fileName)
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = options.WorkingDirectory ?? "",
            };
            AddArguments(start, arguments);
            foreach (KeyValuePair<string, string> variable in options.Environment)
            {
                start.Environment[variable.Key] = variable.Value;
            }

            var secrets = new List<string>();
            var given = new List<string?>(options.Secrets) { options.ApiToken };
            // A credential given in Arguments is as secret as one given with ApiToken: masked without being listed in Secrets.
            for (int i = 0; i + 1 < options.Arguments.Count; i++)
            {
                if (options.Arguments[i] == ApiTokenOption || options.Arguments[i] == ApiKeyOption)
                {
                    given.Add(options.Arguments[i + 1]);
                }
            }

            foreach (string? secret in given)
            {
                if (!string.IsNullOrEmpty(secret))
                {
                    secrets.Add(secret!);
                }
            }

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var emulator = new EmulatorProcess(process, secrets.ToArray(), options);
            process.OutputDataReceived += (_, e) => emulator.OnOutput(e.Data);
            process.ErrorDataReceived += (_, e) => emulator.OnError(e.Data);
            process.Exited += (_, _) => emulator.ready.TrySetException(new InvalidOperationException("exited"));
            process.Start();
            // The emulator reads nothing; a closed stdin keeps it from ever waiting on one.
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            try
            {
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(options.StartTimeout);
                    var cancelled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    using (timeout.Token.Register(() => cancelled.TrySetResult(0)))
                    {
                        Task finished = await Task.WhenAny(emulator.ready.Task, cancelled.Task).ConfigureAwait(false);
                        if (finished == emulator.ready.Task && emulator.ready.Task.Status == TaskStatus.RanToCompletion)
                        {
                            emulator.SetAddress(new Uri($"http://127.0.0.1:{emulator.ready.Task.Result}/client/v4/"));
                            return emulator;
                        }
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                string what = process.HasExited
                    ? $"exited with code {process.ExitCode} before it printed its address"
                    : $"did not print its address within {options.StartTimeout.TotalSeconds:0} s";
                emulator.Stop(TimeSpan.Zero);
                // WaitForExit() returns once stdout and stderr are read to their end, so the message below misses nothing.
                process.WaitForExit();
                throw new InvalidOperationException(
                    $"The emulator ({options.EmulatorPath}) {what}. It printed:{System.Environment.NewLine}{emulator.Mask(string.Join(System.Environment.NewLine, emulator.StartupOutput))}{System.Environment.NewLine}{emulator.StandardError}".TrimEnd());
            }
            catch
            {
                emulator.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Stops the emulator: SIGTERM on Linux and macOS so it shuts down cleanly (a --data file is flushed), a kill
        /// elsewhere or when it has not ended within <paramref name="grace"/> (10 s when null). Safe to call twice.
        /// </summary>
        public void Stop(TimeSpan? grace = null)
        {
            if (Interlocked.Exchange(ref stopped, 1) == 1)
            {
                return;
            }

            try
            {
                if (process.HasExited)
                {
                    return;
                }

                TimeSpan wait = grace ?? TimeSpan.FromSeconds(10);
                bool hasSignals = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
                if (hasSignals && wait > TimeSpan.Zero && SendSignal(process.Id, SigTerm) == 0 && process.WaitForExit((int)wait.TotalMilliseconds))
                {
                    process.WaitForExit();
                    return;
                }

                process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // It ended between the check and the signal.
            }
        }

        /// <summary>Stops the emulator (<see cref="Stop"/>) and releases the process handle and the control client.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Stop();
                process.Dispose();
            }

            base.Dispose(disposing);
        }

        private void OnOutput(string? line)
        {
            if (line is null || ready.Task.IsCompleted)
            {
                // After the address line the output is drained and dropped, so a chatty emulator never blocks on a full pipe.
                return;
            }

            lock (startupOutput)
            {
                startupOutput.Add(line);
            }

            Match match = AddressLine.Match(line);
            if (match.Success)
            {
                ready.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        private void OnError(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (standardError)
            {
                // Enough to explain a failed start; a long-running emulator's log is not kept.
                if (standardError.Length < 64 * 1024)
                {
                    standardError.AppendLine(line);
                }
            }
        }

        private string Mask(string text)
        {
            foreach (string secret in secrets)
            {
                text = text.Replace(secret, "***");
            }

            return text;
        }

        /// <summary>The dotnet host that runs this build (the SDK sets DOTNET_HOST_PATH), else dotnet from PATH.</summary>
        private static string DotnetHost()
        {
            string? host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host! : "dotnet";
        }

#if NET
        private static void AddArguments(ProcessStartInfo start, List<string> arguments)
        {
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
#else
        // netstandard2.0 (Windows PowerShell 5.1) has no ProcessStartInfo.ArgumentList, only the command-line string:
        // each argument is quoted by the rules the C runtime and CommandLineToArgvW parse back.
        private static void AddArguments(ProcessStartInfo start, List<string> arguments)
        {
            var line = new StringBuilder();
            foreach (string argument in arguments)
            {
                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"' }) < 0)
                {
                    line.Append(argument);
                    continue;
                }

                line.Append('"');
                int backslashes = 0;
                foreach (char character in argument)
                {
                    if (character == '\\')
                    {
                        backslashes++;
                        continue;
                    }

                    // Backslashes before a quote are doubled, and the quote escaped.
                    line.Append('\\', character == '"' ? backslashes * 2 + 1 : backslashes);
                    backslashes = 0;
                    line.Append(character);
                }

                // Backslashes before the closing quote are doubled.
                line.Append('\\', backslashes * 2);
                line.Append('"');
            }

            start.Arguments = line.ToString();
        }
#endif

        private const string ApiTokenOption = "--api-token";
        private const string ApiKeyOption = "--api-key";

        private const int SigTerm = 15;

        // .NET can handle POSIX signals but not send one other than SIGKILL (Process.Kill); libc's kill(2) sends SIGTERM.
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int SendSignal(int pid, int signal);
    }
}
