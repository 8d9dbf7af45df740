using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// A running emulator of the Cloudflare Turnstile widgets API on 127.0.0.1, in this process. Tests start one with
    /// <see cref="StartAsync"/>, point a client at <see cref="BaseUri"/>, and steer faults and the clock through this object
    /// or the control endpoints under <see cref="ControlUri"/>.
    /// </summary>
    public sealed class EmulatorServer : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly Accounts accounts;
        private readonly FaultSettings initialFaults;
        private int disposed;
        private Observation observation = null!;

        private EmulatorServer(WebApplication app, EmulatorOptions options, Accounts accounts, FaultInjector faults, FaultSettings initialFaults, EmulatorClock clock, EmulatorStats stats)
        {
            this.app = app;
            this.accounts = accounts;
            this.initialFaults = initialFaults;
            Faults = faults;
            Clock = clock;
            Stats = stats;
            ApiToken = options.ApiToken;
            AccountId = accounts.DefaultId;
            Email = options.Email;
            ApiKey = options.ApiKey;
            DataFile = options.DataFile;
            MaxDomains = options.MaxDomains;
        }

        /// <summary>The API base, e.g. http://127.0.0.1:5000/client/v4/ (with a trailing slash; the routes accept it without one too).</summary>
        public Uri BaseUri { get; private set; } = null!;

        /// <summary>Where the emulator answers siteverify, e.g. http://127.0.0.1:5000/turnstile/v0/siteverify (Connect-Turnstile -SiteverifyUri).</summary>
        public Uri SiteverifyUri { get; private set; } = null!;

        /// <summary>The control endpoints' base, e.g. http://127.0.0.1:5000/__emulator/ (no authentication, loopback only).</summary>
        public Uri ControlUri { get; private set; } = null!;

        /// <summary>The TCP port the emulator listens on.</summary>
        public int Port { get; private set; }

        /// <summary>The Bearer token the emulator accepts (a fake development value).</summary>
        public string ApiToken { get; }

        /// <summary>The account the emulator serves; with several, the first (the default of the control endpoints).</summary>
        public string AccountId { get; }

        /// <summary>Every account the emulator serves, in the order given; each has its own widgets.</summary>
        public System.Collections.Generic.IReadOnlyList<string> AccountIds => accounts.Ids;

        /// <summary>The X-Auth-Email the emulator accepts.</summary>
        public string Email { get; }

        /// <summary>The X-Auth-Key the emulator accepts (a fake development value).</summary>
        public string ApiKey { get; }

        /// <summary>The most domains a widget may have (--max-domains).</summary>
        public int MaxDomains { get; }

        /// <summary>The state file in use, or null when state lives in memory only.</summary>
        public string? DataFile { get; }

        /// <summary>Request counters for /client/v4.</summary>
        public EmulatorStats Stats { get; }

        /// <summary>How many widgets the emulator holds now, in every account.</summary>
        public int WidgetCount => accounts.TotalCount;

        /// <summary>How many widgets one account holds now.</summary>
        /// <exception cref="ArgumentException">The emulator does not serve that account.</exception>
        public int CountWidgets(string accountId) => StoreOf(accountId).Count;

        /// <summary>Request counters of one account: the widget requests that got past injected faults, by operation and status.</summary>
        /// <exception cref="ArgumentException">The emulator does not serve that account.</exception>
        public EmulatorStats StatsOf(string accountId) =>
            this.accounts.Stats(accountId) ?? throw new ArgumentException($"This emulator does not serve account '{accountId}'; it serves {string.Join(", ", AccountIds)}.", nameof(accountId));

        /// <summary>The emulator's current time (the configured clock plus any <see cref="AdvanceClock"/> offset).</summary>
        public DateTimeOffset UtcNow => Clock.GetUtcNow();

        internal FaultInjector Faults { get; }

        internal EmulatorClock Clock { get; }

        /// <summary>Starts an emulator; returns once it accepts connections.</summary>
        /// <exception cref="EmulatorStartupException">The options are invalid or the state file is unusable.</exception>
        public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            FaultSettings faultSettings;
            try
            {
                Validate(options);
                faultSettings = FaultSettings.From(options);
            }
            catch (ArgumentException e)
            {
                throw new EmulatorStartupException(e.Message, e);
            }

            var clock = new EmulatorClock(options.TimeProvider ?? TimeProvider.System);
            var stats = new EmulatorStats();
            var faults = new FaultInjector(faultSettings, clock);
            var accounts = new Accounts(AccountIdsOf(options), clock, options.DataFile);

            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = Array.Empty<string>(),
                ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = Environments.Production,
            });
            // Hermetic: no appsettings.json, environment variables (ASPNETCORE_URLS, Logging__...) or host command line of the
            // process that embeds the emulator may change where it listens or how loud it is.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = HttpHelpers.MaxBodyBytes;
                kestrel.Listen(IPAddress.Loopback, options.Port);
            });

            WebApplication app = builder.Build();
            var server = new EmulatorServer(app, options, accounts, faults, faultSettings, clock, stats);
            var api = new ApiHandlers(accounts, options);
            var gate = new ApiGate(faults, stats, clock, api.Identify);
            var control = new ControlHandlers(server);
            var events = new Analytics.EventLedger(accounts.Ids);
            var tokens = new Siteverify.TurnstileTokens();
            var graphql = new Analytics.GraphqlEndpoint(api, events, LimitsOf(options), RateLimitRule.Parse(options.GraphqlRateLimit), options.GraphqlDocumentedErrorStatuses, clock);
            var siteverify = new Siteverify.SiteverifyEndpoint(accounts, tokens, events, clock);
            var issuer = new Siteverify.TokenIssuer(accounts, tokens, events, clock);
            var observation = new Analytics.ObservationControlHandlers(accounts, events, issuer, siteverify, clock);
            server.observation = new Observation(events, tokens, issuer, graphql, siteverify);

            app.Use(gate.InvokeAsync);
            app.Use(accounts.CountAsync);
            app.UseRouting();
            MapApi(app, api);
            MapControl(app, control);
            app.MapPost(ApiGate.ApiPrefix + "/graphql", new RequestDelegate(graphql.QueryAsync));
            app.MapPost(Siteverify.SiteverifyEndpoint.Path, new RequestDelegate(siteverify.VerifyAsync));
            app.MapPost(ApiGate.ControlPrefix + "/events", new RequestDelegate(observation.RecordEventsAsync));
            app.MapPost(ApiGate.ControlPrefix + "/tokens", new RequestDelegate(observation.MintTokenAsync));
            app.MapPost(ApiGate.ControlPrefix + "/siteverify/faults", new RequestDelegate(observation.SiteverifyFaultsAsync));
            app.MapFallback("{**path}", context =>
                context.Request.Path.StartsWithSegments(ApiGate.ControlPrefix, StringComparison.OrdinalIgnoreCase)
                    ? control.NotFoundAsync(context)
                    : HttpHelpers.WriteErrorAsync(context, ApiError.NoRoute));

            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Nothing outlives a failed start: neither the host nor the ownership of the state files.
                await app.DisposeAsync().ConfigureAwait(false);
                accounts.Dispose();
                if (e is System.IO.IOException or InvalidOperationException)
                {
                    throw new EmulatorStartupException(
                        $"The emulator could not listen on 127.0.0.1:{options.Port} ({e.Message.ReplaceLineEndings(" ")}). Pick another --port, or 0 for any free port.", e);
                }

                throw;
            }

            string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            server.Port = new Uri(address).Port;
            string root = "http://127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture);
            server.BaseUri = new Uri(root + ApiGate.ApiPrefix + "/");
            server.ControlUri = new Uri(root + ApiGate.ControlPrefix + "/");
            server.SiteverifyUri = new Uri(root + Siteverify.SiteverifyEndpoint.Path);
            return server;
        }

        /// <summary>Queues scripted outcomes for the next matching API requests (same as POST /__emulator/faults/script); appends to any already queued.</summary>
        /// <exception cref="ArgumentException">A step is inconsistent (e.g. a status outside 400 to 599).</exception>
        public void ScriptFaults(params FaultStep[] steps)
        {
            ArgumentNullException.ThrowIfNull(steps);
            Faults.AddSteps(steps);
        }

        /// <summary>Drops every queued scripted fault.</summary>
        public void ClearScriptedFaults() => Faults.ClearSteps();

        /// <summary>Sets the random faults and rate limit at run time (same as POST /__emulator/faults); null or "off" turns the rate limit off.</summary>
        public void ConfigureFaults(string? rateLimit, int latencyMs, double errorRate, double dropRate, int? seed = null) =>
            Faults.Configure(new FaultSettings(RateLimitRule.Parse(rateLimit), latencyMs, errorRate, dropRate, seed) { RateLimitBlock = Faults.Settings.RateLimitBlock });

        /// <summary>
        /// Sets the rate limit and its block at run time (same as POST /__emulator/faults with rate_limit and rate_limit_block),
        /// leaving the other faults as they are. A null or "off" limit turns it off; a null block turns blocking off and lifts
        /// the blocks in force.
        /// </summary>
        /// <exception cref="ArgumentException">The limit is not &lt;requests&gt;/&lt;seconds&gt;, or the block is out of range.</exception>
        public void ConfigureRateLimit(string? rateLimit, int? blockSeconds = null) =>
            Faults.Configure(Faults.Settings with { RateLimit = RateLimitRule.Parse(rateLimit), RateLimitBlock = blockSeconds });

        /// <summary>Moves the emulator's clock forward, e.g. past the two-hour grace period of a rotated secret.</summary>
        public void AdvanceClock(TimeSpan by) => Clock.Advance(by);

        /// <summary>
        /// Returns to the start-up state: no widgets (the state file, if any, is emptied too), faults as given at start-up,
        /// no scripted steps, zero counters, no clock offset.
        /// </summary>
        public void Reset()
        {
            foreach (WidgetStore store in accounts.AllStores)
            {
                store.Clear();
            }

            foreach (EmulatorStats stats in accounts.AllStats)
            {
                stats.Reset();
            }

            Faults.Reset(initialFaults);
            Stats.Reset();
            Clock.ResetOffset();
            observation.Reset();
        }

        /// <summary>Empties one account and zeroes its counters; faults, the clock, other accounts and the overall counters stay.</summary>
        /// <exception cref="ArgumentException">The emulator does not serve that account.</exception>
        public void Reset(string accountId)
        {
            StoreOf(accountId).Clear();
            StatsOf(accountId).Reset();
            observation.Events.Clear(accountId);
        }

        /// <summary>The analytics events, siteverify tokens, GraphQL budgets and siteverify faults: what issue 19 added.</summary>
        private sealed record Observation(Analytics.EventLedger Events, Siteverify.TurnstileTokens Tokens, Siteverify.TokenIssuer Issuer, Analytics.GraphqlEndpoint Graphql, Siteverify.SiteverifyEndpoint Siteverify)
        {
            public void Reset()
            {
                Events.Clear();
                Tokens.Clear();
                Graphql.ResetBudgets();
                Siteverify.QueueInternalErrors(0);
            }
        }

        private static Analytics.AnalyticsLimits LimitsOf(EmulatorOptions options) =>
            new(options.GraphqlMaxPageSize, Analytics.AnalyticsLimits.DefaultMaxNumberOfFields, options.GraphqlMaxDurationSeconds, options.GraphqlNotOlderThanSeconds);

        /// <summary>Creates <paramref name="count"/> widgets at once (names <paramref name="namePrefix"/>1, 2, ...), for benchmarks.</summary>
        public int SeedWidgets(int count, string namePrefix = "seed-") => SeedWidgets(count, namePrefix, AccountId);

        /// <summary>Creates <paramref name="count"/> widgets at once in one account.</summary>
        /// <exception cref="ArgumentException">The emulator does not serve that account.</exception>
        public int SeedWidgets(int count, string namePrefix, string accountId)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
            ArgumentNullException.ThrowIfNull(namePrefix);
            return StoreOf(accountId).Seed(count, namePrefix);
        }

        /// <summary>
        /// Records analytics events for the GraphQL dataset (same as POST /__emulator/events): <paramref name="count"/>
        /// events of one type for one sitekey at <paramref name="at"/> (default: now on the emulator clock).
        /// </summary>
        /// <exception cref="ArgumentException">A field is empty or out of range, or the emulator does not serve the account.</exception>
        public void RecordEvents(string sitekey, string eventType, long count = 1, DateTimeOffset? at = null, string action = "", string hostname = "", string countryCode = "", string? accountId = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(sitekey);
            ArgumentException.ThrowIfNullOrEmpty(eventType);
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Siteverify.EventFields.MaxCount);
            string account = accountId ?? AccountId;
            StoreOf(account);
            var key = new Analytics.EventKey(sitekey, eventType, action ?? "", hostname ?? "", Siteverify.EventFields.CountryCode(countryCode, nameof(countryCode)), (at ?? UtcNow).ToUnixTimeSeconds());
            observation.Events.Record(account, key, count);
        }

        /// <summary>
        /// A visitor solves the widget now (same as POST /__emulator/tokens): returns a token siteverify accepts once within
        /// 300 s, and records challenge_issued and the solved event. <paramref name="hostname"/> defaults to the widget's first domain.
        /// </summary>
        /// <exception cref="ArgumentException">No such widget in the account (default: the first), or action/cdata/country not allowed.</exception>
        public string MintToken(string sitekey, string? accountId = null, string action = "", string? hostname = null, string cdata = "", bool interactive = false, string countryCode = "")
        {
            ArgumentNullException.ThrowIfNull(sitekey);
            string account = accountId ?? AccountId;
            StoreOf(account);
            return observation.Issuer.Mint(account, sitekey, action ?? "", hostname, cdata ?? "", interactive, countryCode);
        }

        /// <summary>The next <paramref name="count"/> siteverify requests answer internal-error (same as POST /__emulator/siteverify/faults); 0 clears.</summary>
        public void QueueSiteverifyInternalErrors(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            observation.Siteverify.QueueInternalErrors(count);
        }

        /// <summary>Whether a widget secret works right now: a current secret, or a previous one inside its grace period.</summary>
        public bool IsSecretValid(string secret)
        {
            ArgumentNullException.ThrowIfNull(secret);
            return CheckSecret(secret).Valid;
        }

        internal SecretCheckResult CheckSecret(string secret)
        {
            foreach (WidgetStore store in accounts.AllStores)
            {
                SecretCheckResult result = store.CheckSecret(secret);
                if (result.Valid)
                {
                    return result;
                }
            }

            return new SecretCheckResult { Valid = false };
        }

        /// <summary>Stores wire fields of a widget verbatim (see <see cref="WidgetStore.Drift"/>); null when no such widget.</summary>
        internal Widget? DriftWidget(string accountId, string sitekey, WidgetDrift drift) => StoreOf(accountId).Drift(sitekey, drift);

        internal bool Serves(string accountId) => accounts.Store(accountId) is not null;

        private WidgetStore StoreOf(string accountId) =>
            accounts.Store(accountId) ?? throw new ArgumentException($"This emulator does not serve account '{accountId}'; it serves {string.Join(", ", AccountIds)}.", nameof(accountId));

        private static System.Collections.Generic.IReadOnlyList<string> AccountIdsOf(EmulatorOptions options) =>
            options.AccountIds is { Count: > 0 } ids ? ids.ToArray() : new[] { options.AccountId };

        internal FaultSettingsView FaultSettingsView()
        {
            FaultSettings s = Faults.Settings;
            return new FaultSettingsView
            {
                RateLimit = s.RateLimit?.ToString(),
                RateLimitBlock = s.RateLimitBlock,
                RateLimitBlocks = Faults.RateLimitBlocks,
                RateLimitBudgets = Faults.RateLimitBudgets,
                LatencyMs = s.LatencyMs,
                ErrorRate = s.ErrorRate,
                DropRate = s.DropRate,
                Seed = s.Seed,
                PendingScriptSteps = Faults.PendingSteps,
            };
        }

        /// <summary>Stops listening and releases the port.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                try
                {
                    await app.StopAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            await app.DisposeAsync().ConfigureAwait(false);
            accounts.Dispose();
        }

        private static void MapApi(WebApplication app, ApiHandlers api)
        {
            const string Widgets = ApiGate.ApiPrefix + "/accounts/{account_id}/challenges/widgets";
            app.MapGet(Widgets, new RequestDelegate(api.ListAsync));
            app.MapPost(Widgets, new RequestDelegate(api.CreateAsync));
            app.MapGet(Widgets + "/{sitekey}", new RequestDelegate(api.GetAsync));
            app.MapPut(Widgets + "/{sitekey}", new RequestDelegate(api.UpdateAsync));
            app.MapDelete(Widgets + "/{sitekey}", new RequestDelegate(api.DeleteAsync));
            app.MapPost(Widgets + "/{sitekey}/rotate_secret", new RequestDelegate(api.RotateSecretAsync));
            app.MapGet(ApiGate.ApiPrefix + "/user/tokens/verify", new RequestDelegate(api.VerifyTokenAsync));
        }

        private static void MapControl(WebApplication app, ControlHandlers control)
        {
            const string C = ApiGate.ControlPrefix;
            app.MapGet(C, new RequestDelegate(control.InfoAsync));
            app.MapGet(C + "/stats", new RequestDelegate(control.StatsAsync));
            app.MapPost(C + "/reset", new RequestDelegate(control.ResetAsync));
            app.MapGet(C + "/faults", new RequestDelegate(control.GetFaultsAsync));
            app.MapPost(C + "/faults", new RequestDelegate(control.SetFaultsAsync));
            app.MapGet(C + "/faults/script", new RequestDelegate(control.GetScriptAsync));
            app.MapPost(C + "/faults/script", new RequestDelegate(control.ScriptFaultsAsync));
            app.MapDelete(C + "/faults/script", new RequestDelegate(control.ClearScriptAsync));
            app.MapGet(C + "/clock", new RequestDelegate(control.GetClockAsync));
            app.MapPost(C + "/clock/advance", new RequestDelegate(control.AdvanceClockAsync));
            app.MapPost(C + "/seed", new RequestDelegate(control.SeedAsync));
            app.MapPost(C + "/secrets/check", new RequestDelegate(control.CheckSecretAsync));
            app.MapMethods(C + "/widgets/{sitekey}", new[] { "PATCH" }, new RequestDelegate(control.DriftWidgetAsync));
        }

        /// <summary>The one range check of --max-domains, for the command line and for <see cref="StartAsync"/>.</summary>
        /// <exception cref="ArgumentException">The value is outside 1 to <see cref="EmulatorOptions.MaxDomainsLimit"/>.</exception>
        internal static void ValidateMaxDomains(int maxDomains)
        {
            if (maxDomains is < 1 or > EmulatorOptions.MaxDomainsLimit)
            {
                throw new ArgumentException(
                    $"The most domains per widget (--max-domains) must be 1 to {EmulatorOptions.MaxDomainsLimit} (Cloudflare: 15 on Free, up to 200 on Enterprise), not {maxDomains}.");
            }
        }

        private static void Validate(EmulatorOptions options)
        {
            if (options.Port is < 0 or > 65535)
            {
                throw new ArgumentException($"The port must be 0 to 65535 (0 picks a free port), not {options.Port}.");
            }

            System.Collections.Generic.IReadOnlyList<string> ids = AccountIdsOf(options);
            foreach (string? id in ids)
            {
                if (id is null || id.Length != 32 || !id.All(Uri.IsHexDigit))
                {
                    throw new ArgumentException($"The account id must be 32 hexadecimal characters, e.g. {EmulatorOptions.DefaultAccountId}.");
                }
            }

            if (ids.Distinct(StringComparer.OrdinalIgnoreCase).Count() != ids.Count)
            {
                throw new ArgumentException("An account id is given twice; give each --account-id once.");
            }

            ValidateMaxDomains(options.MaxDomains);
            RateLimitRule.Parse(options.GraphqlRateLimit);
            if (options.GraphqlMaxPageSize < 1 || options.GraphqlMaxDurationSeconds < 1 || options.GraphqlNotOlderThanSeconds < 1)
            {
                throw new ArgumentException("The GraphQL max page size, max duration and not-older-than must be 1 or more.");
            }

            if (string.IsNullOrWhiteSpace(options.ApiToken) || string.IsNullOrWhiteSpace(options.ApiKey) || string.IsNullOrWhiteSpace(options.Email))
            {
                throw new ArgumentException("The API token, email and API key must not be empty.");
            }
        }

        /// <summary>The host must not grab Ctrl+C or SIGTERM: in tests many emulators share a process, and the command line handles signals itself.</summary>
        private sealed class QuietLifetime : IHostLifetime
        {
            public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }
    }
}
