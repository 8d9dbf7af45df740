using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator
{
    /// <summary>The command line: parses options, starts an <see cref="EmulatorServer"/>, prints the ready line, runs until Ctrl+C or SIGTERM.</summary>
    public static class Program
    {
        /// <summary>The usage text printed by --help.</summary>
        public const string Usage = """
            TurnstileWidgets emulator: an offline stand-in for the Cloudflare Turnstile widgets API (fake credentials, local use only).

            Usage: turnstile-emulator [options]
               (from a clone: dotnet run --project src/TurnstileWidgets.Emulator -c Release -- [options])

              --port <n>            TCP port on 127.0.0.1 (default 0: any free port)
              --api-token <token>   Bearer token to accept (default emulator-api-token)
              --account-id <hex32>  an account served (default 0123456789abcdef0123456789abcdef); give it again
                                    to serve several: each has its own widgets, the token and key act on each,
                                    and the first is the default for the control endpoints
              --email <email>       X-Auth-Email to accept (default emulator@example.com)
              --api-key <key>       X-Auth-Key to accept (default emulator-api-key)
              --data <file>         keep widgets, secrets and grace periods in this JSON file across restarts; one
                                    emulator at a time (it holds .<file>.lock beside it until it stops); created
                                    readable by its owner only (it holds widget secrets)
              --max-domains <n>     most domains per widget, as the account's plan sets it (default 10, the API
                                    spec's; Cloudflare: 15 on Free, up to 200 on Enterprise); more: 400, code 10001
              --rate-limit <n/s>    at most n requests per s seconds per credential (fixed window), e.g. 1200/300; over it:
                                    429, code 971, Retry-After; every API answer carries Ratelimit and Ratelimit-Policy;
                                    requests with a credential the emulator does not accept share one budget
              --rate-limit-block <s>  once a request is refused for the limit, refuse every request with that credential
                                    for s seconds (Cloudflare: 300); needs --rate-limit
              --latency-ms <n>      add n ms before answering each API request
              --error-rate <0..1>   share of API requests answered 500/502/503
              --drop-rate <0..1>    share of API requests whose connection is dropped
              --seed <n>            seed for the random faults
              --graphql-rate-limit <n/s>  GraphQL Analytics budget per credential, apart from --rate-limit
                                    (default 300/300, Cloudflare's); over it the GraphQL error
                                    "rate limiter budget depleted, try again after 5 minutes"; off for none
              --graphql-error-status <200|documented>  HTTP status of GraphQL errors: 200 (default) or the
                                    one Cloudflare's errors page lists (400, 403 account, 429 budget)
              --graphql-max-page-size <n>   largest limit of turnstileAdaptiveGroups (default 10000)
              --graphql-max-duration <s>    widest time range of one query in seconds (default 2678400)
              --graphql-not-older-than <s>  how far back a query may reach in seconds (default 7776000)
              --help                show this text

            When ready it prints: TurnstileWidgets emulator listening on http://127.0.0.1:<port>/client/v4
            Also served: POST /client/v4/graphql (Turnstile analytics) and POST /turnstile/v0/siteverify.
            Control endpoints (no auth, loopback only): GET http://127.0.0.1:<port>/__emulator/ lists them.
            Request bodies over 1 MiB: 413, code 10002, on every route.
            Exit codes: 0 stopped cleanly, 2 bad command line, 3 could not start (port taken; --data names a folder,
            a missing folder, a file that is not the emulator's JSON, or a file another emulator is using), with one
            line on standard error saying why.
            """;

        /// <summary>Entry point.</summary>
        public static async Task<int> Main(string[] args)
        {
            EmulatorOptions options;
            try
            {
                EmulatorOptions? parsed = ParseArguments(args);
                if (parsed is null)
                {
                    Console.Out.WriteLine(Usage);
                    return 0;
                }

                options = parsed;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message + Environment.NewLine + "Run with --help for usage.").ConfigureAwait(false);
                return 2;
            }

            using var stop = new CancellationTokenSource();
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(options, stop.Token).ConfigureAwait(false);
            }
            catch (EmulatorStartupException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 3;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Whatever the file system refuses that no check above foresaw: still one line and exit 3, not a stack trace.
                await Console.Error.WriteLineAsync("error: the emulator could not start: " + e.Message.ReplaceLineEndings(" ")).ConfigureAwait(false);
                return 3;
            }

            await using (server.ConfigureAwait(false))
            {
                TextWriter output = Console.Out;
                var defaults = new EmulatorOptions();
                output.WriteLine("Credentials this emulator accepts (offline only; they open nothing real):");
                output.WriteLine("  API token:  " + Shown(server.ApiToken, defaults.ApiToken, "--api-token"));
                output.WriteLine((server.AccountIds.Count == 1 ? "  Account id: " : "  Account ids: ") + string.Join(", ", server.AccountIds));
                output.WriteLine("  Email:      " + server.Email);
                output.WriteLine("  API key:    " + Shown(server.ApiKey, defaults.ApiKey, "--api-key"));
                if (server.DataFile is not null)
                {
                    output.WriteLine("  State file: " + Path.GetFullPath(server.DataFile));
                }

                output.WriteLine("Domains per widget: at most " + server.MaxDomains.ToString(CultureInfo.InvariantCulture) + " (--max-domains)");
                string? faults = DescribeFaults(options);
                if (faults is not null)
                {
                    output.WriteLine("Faults: " + faults);
                }

                output.WriteLine("Control endpoints: " + server.ControlUri);
                output.WriteLine("Siteverify: " + server.SiteverifyUri);
                output.WriteLine("TurnstileWidgets emulator listening on " + server.BaseUri.ToString().TrimEnd('/'));
                output.Flush();

                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                output.WriteLine("TurnstileWidgets emulator stopping.");
            }

            return 0;

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }

        /// <summary>Turns the command line into options; null means --help was asked for.</summary>
        /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value.</exception>
        public static EmulatorOptions? ParseArguments(string[] args)
        {
            ArgumentNullException.ThrowIfNull(args);
            var options = new EmulatorOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                string name = arg;
                string? inlineValue = null;
                int equals = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                {
                    name = arg.Substring(0, equals);
                    inlineValue = arg.Substring(equals + 1);
                }

                switch (name)
                {
                    case "--help":
                    case "-h":
                    case "-?":
                        return null;
                    case "--port": options.Port = ParseInt(name, Value()); break;
                    case "--api-token": options.ApiToken = Value(); break;
                    case "--account-id":
                        options.AccountIds ??= new System.Collections.Generic.List<string>();
                        options.AccountIds.Add(Value());
                        options.AccountId = options.AccountIds[0];
                        break;
                    case "--email": options.Email = Value(); break;
                    case "--api-key": options.ApiKey = Value(); break;
                    case "--data": options.DataFile = Value(); break;
                    case "--max-domains":
                        options.MaxDomains = ParseInt(name, Value());
                        EmulatorServer.ValidateMaxDomains(options.MaxDomains);
                        break;
                    case "--rate-limit":
                        options.RateLimit = Value();
                        RateLimitRule.Parse(options.RateLimit);
                        break;
                    case "--rate-limit-block":
                        options.RateLimitBlockSeconds = ParseInt(name, Value());
                        new FaultSettings(null, 0, 0, 0, null) { RateLimitBlock = options.RateLimitBlockSeconds }.Validate();
                        break;
                    case "--latency-ms": options.LatencyMs = ParseInt(name, Value()); break;
                    case "--error-rate": options.ErrorRate = ParseDouble(name, Value()); break;
                    case "--drop-rate": options.DropRate = ParseDouble(name, Value()); break;
                    case "--seed": options.Seed = ParseInt(name, Value()); break;
                    case "--graphql-rate-limit":
                        options.GraphqlRateLimit = Value();
                        RateLimitRule.Parse(options.GraphqlRateLimit);
                        break;
                    case "--graphql-error-status":
                        options.GraphqlDocumentedErrorStatuses = Value() switch
                        {
                            "200" => false,
                            "documented" => true,
                            string other => throw new ArgumentException($"The option {name} takes 200 or documented, not '{other}'."),
                        };
                        break;
                    case "--graphql-max-page-size": options.GraphqlMaxPageSize = ParsePositive(name, Value()); break;
                    case "--graphql-max-duration": options.GraphqlMaxDurationSeconds = ParsePositive(name, Value()); break;
                    case "--graphql-not-older-than": options.GraphqlNotOlderThanSeconds = ParsePositive(name, Value()); break;
                    default:
                        throw new ArgumentException($"Unknown option '{arg}'.");
                }

                string Value()
                {
                    if (inlineValue is not null)
                    {
                        return inlineValue;
                    }

                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"The option {name} needs a value.");
                    }

                    return args[++i];
                }
            }

            return options;
        }

        // The documented development defaults are printed so people can copy them; a value someone chose
        // may be a real credential pasted by mistake, so it is never echoed.
        private static string Shown(string value, string defaultValue, string option) =>
            string.Equals(value, defaultValue, StringComparison.Ordinal) ? value : "(the value given with " + option + ")";

        private static string? DescribeFaults(EmulatorOptions options)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (RateLimitRule.Parse(options.RateLimit) is RateLimitRule rule)
            {
                parts.Add($"rate limit {rule} per credential (fixed window)");
                if (options.RateLimitBlockSeconds is int block)
                {
                    parts.Add($"blocked for {block.ToString(CultureInfo.InvariantCulture)} s after a refusal");
                }
            }

            if (options.LatencyMs > 0)
            {
                parts.Add($"latency {options.LatencyMs} ms");
            }

            if (options.ErrorRate > 0)
            {
                parts.Add("error rate " + options.ErrorRate.ToString(CultureInfo.InvariantCulture));
            }

            if (options.DropRate > 0)
            {
                parts.Add("drop rate " + options.DropRate.ToString(CultureInfo.InvariantCulture));
            }

            if (parts.Count > 0 && options.Seed is int seed)
            {
                parts.Add("seed " + seed.ToString(CultureInfo.InvariantCulture));
            }

            return parts.Count == 0 ? null : string.Join(", ", parts);
        }

        private static int ParseInt(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
                ? result
                : throw new ArgumentException($"The option {name} needs a whole number, not '{value}'.");

        private static int ParsePositive(string name, string value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) && result > 0
                ? result
                : throw new ArgumentException($"The option {name} needs a whole number of 1 or more, not '{value}'.");

        private static double ParseDouble(string name, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
                ? result
                : throw new ArgumentException($"The option {name} needs a number such as 0.1, not '{value}'.");
    }
}
