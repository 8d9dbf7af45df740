using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.TestSupport
{
    /// <summary>
    /// An emulator that tests, the build and the benchmark talk to, however it was started: as its own process
    /// (<see cref="EmulatorProcess"/>) or in the test's process (<c>InProcessEmulator</c> in
    /// TurnstileWidgets.TestSupport.InProcess). Owns what every caller shares: the addresses, the credentials it was
    /// started with, an API client for them, and the control endpoints (<c>/__emulator/seed</c>, <c>stats</c>,
    /// <c>reset</c>), always over loopback HTTP, so a widget seeded or a request counted means the same in each suite.
    /// </summary>
    public abstract class TestEmulator : IDisposable
    {
        /// <summary>The path under the emulator's root where the control endpoints live.</summary>
        private const string ControlPath = "/__emulator/";

        private readonly object controlLock = new object();
        private readonly string? apiToken;
        private readonly string? accountId;
        private HttpClient? control;

        /// <summary>Takes the credentials the emulator was started with (null: not told, the emulator's default applies).</summary>
        protected TestEmulator(string? apiToken, string? accountId)
        {
            this.apiToken = apiToken;
            this.accountId = accountId;
        }

        /// <summary>The API base with a trailing slash, e.g. http://127.0.0.1:40123/client/v4/.</summary>
        public Uri BaseUri { get; private set; } = null!;

        /// <summary>The control endpoints' base, e.g. http://127.0.0.1:40123/__emulator/.</summary>
        public Uri ControlUri { get; private set; } = null!;

        /// <summary>The port the operating system gave the emulator.</summary>
        public int Port { get; private set; }

        /// <summary>The Bearer token the emulator accepts (an emulator process: <see cref="EmulatorProcessOptions.ApiToken"/>).</summary>
        /// <exception cref="InvalidOperationException">The launcher was not told the token (it was given in the arguments).</exception>
        public string ApiToken => apiToken ?? throw NotTold("API token", nameof(EmulatorProcessOptions.ApiToken));

        /// <summary>The (first) account the emulator serves (an emulator process: <see cref="EmulatorProcessOptions.AccountId"/>).</summary>
        /// <exception cref="InvalidOperationException">The launcher was not told the account (it was given in the arguments).</exception>
        public string AccountId => accountId ?? throw NotTold("account", nameof(EmulatorProcessOptions.AccountId));

        /// <summary>The widgets of <see cref="AccountId"/>, relative to <see cref="BaseUri"/>: accounts/{id}/challenges/widgets.</summary>
        public string WidgetsPath => $"accounts/{AccountId}/challenges/widgets";

        /// <summary>An HttpClient for the API (<see cref="BaseUri"/>), with the Bearer token unless <paramref name="withToken"/> is false.</summary>
        public HttpClient NewApiClient(bool withToken = true)
        {
            var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            if (withToken)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
            }

            return http;
        }

        /// <summary>
        /// Adds <paramref name="count"/> widgets named prefix + number (POST /__emulator/seed) to an account (the emulator's
        /// first when null) and returns how many widgets that account holds now.
        /// </summary>
        public async Task<int> SeedWidgetsAsync(int count, string namePrefix = "seed-", string? accountId = null, CancellationToken cancellationToken = default)
        {
            var request = new SeedRequest { Count = count, NamePrefix = namePrefix, AccountId = accountId };
            SeedAnswer answer = Read<SeedAnswer>(await PostControlAsync("seed", Write(request), cancellationToken).ConfigureAwait(false));
            return answer.WidgetCount;
        }

        /// <summary>The request counters (GET /__emulator/stats): the whole emulator's, or one account's.</summary>
        public async Task<EmulatorStatsReading> GetStatsAsync(string? accountId = null, CancellationToken cancellationToken = default)
        {
            string path = accountId is null ? "stats" : "stats?account_id=" + Uri.EscapeDataString(accountId);
            using (HttpResponseMessage response = await Control().GetAsync(new Uri(ControlUri, path), cancellationToken).ConfigureAwait(false))
            {
                return Read<EmulatorStatsReading>(await ReadSuccessAsync(response, "GET", path).ConfigureAwait(false));
            }
        }

        /// <summary>Empties the store, the counters and the faults (POST /__emulator/reset); with an account, that account only.</summary>
        public async Task ResetAsync(string? accountId = null, CancellationToken cancellationToken = default)
        {
            string body = accountId is null ? "{}" : Write(new ResetRequest { AccountId = accountId });
            await PostControlAsync("reset", body, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Releases the control client and stops the emulator.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases the control client; a launcher stops its emulator here too.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                control?.Dispose();
            }
        }

        /// <summary>Records where the emulator listens, once it does: <paramref name="baseUri"/> is its API base.</summary>
        protected void SetAddress(Uri baseUri)
        {
            BaseUri = baseUri;
            ControlUri = new Uri(baseUri, ControlPath);
            Port = baseUri.Port;
        }

        private static InvalidOperationException NotTold(string what, string option) =>
            new InvalidOperationException($"The emulator's {what} is not known to the launcher: start it with EmulatorProcessOptions.{option} rather than in the arguments.");

        private HttpClient Control()
        {
            lock (controlLock)
            {
                // Control calls carry no credential and are not counted in the stats; seeding a million widgets takes a while.
                return control ??= new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            }
        }

        private async Task<string> PostControlAsync(string endpoint, string json, CancellationToken cancellationToken)
        {
            using (var content = new StringContent(json, Encoding.UTF8, "application/json"))
            using (HttpResponseMessage response = await Control().PostAsync(new Uri(ControlUri, endpoint), content, cancellationToken).ConfigureAwait(false))
            {
                return await ReadSuccessAsync(response, "POST", endpoint).ConfigureAwait(false);
            }
        }

        private static async Task<string> ReadSuccessAsync(HttpResponseMessage response, string method, string endpoint)
        {
            string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {ControlPath}{endpoint} answered {(int)response.StatusCode}: {text}");
            }

            return text;
        }

        // DataContractJsonSerializer because it is in netstandard2.0 itself: System.Text.Json would be a package to load
        // into Windows PowerShell 5.1 beside the module's own copy.
        private static T Read<T>(string json)
        {
            using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
            {
                return (T)new DataContractJsonSerializer(typeof(T)).ReadObject(stream)!;
            }
        }

        private static string Write<T>(T value)
        {
            using (var stream = new MemoryStream())
            {
                new DataContractJsonSerializer(typeof(T), new DataContractJsonSerializerSettings { EmitTypeInformation = EmitTypeInformation.Never })
                    .WriteObject(stream, value);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        [DataContract]
        private sealed class SeedRequest
        {
            [DataMember(Name = "count", Order = 0)]
            public int Count { get; set; }

            [DataMember(Name = "name_prefix", Order = 1)]
            public string NamePrefix { get; set; } = "";

            [DataMember(Name = "account_id", Order = 2, EmitDefaultValue = false)]
            public string? AccountId { get; set; }
        }

        [DataContract]
        private sealed class SeedAnswer
        {
            [DataMember(Name = "widget_count")]
            public int WidgetCount { get; set; }
        }

        [DataContract]
        private sealed class ResetRequest
        {
            [DataMember(Name = "account_id")]
            public string AccountId { get; set; } = "";
        }
    }

    /// <summary>The emulator's request counters as GET /__emulator/stats answered them (control calls are not counted).</summary>
    [DataContract]
    public sealed class EmulatorStatsReading
    {
        /// <summary>Every request that reached the API, whatever its outcome.</summary>
        [DataMember(Name = "total_requests")]
        public long TotalRequests { get; set; }

        /// <summary>List requests.</summary>
        [DataMember(Name = "list_requests")]
        public long ListRequests { get; set; }

        /// <summary>Get-one requests.</summary>
        [DataMember(Name = "get_requests")]
        public long GetRequests { get; set; }

        /// <summary>Create requests.</summary>
        [DataMember(Name = "create_requests")]
        public long CreateRequests { get; set; }

        /// <summary>Update (PUT) requests.</summary>
        [DataMember(Name = "update_requests")]
        public long UpdateRequests { get; set; }

        /// <summary>Delete requests.</summary>
        [DataMember(Name = "delete_requests")]
        public long DeleteRequests { get; set; }

        /// <summary>Secret rotation requests.</summary>
        [DataMember(Name = "rotate_secret_requests")]
        public long RotateSecretRequests { get; set; }

        /// <summary>Token verification requests.</summary>
        [DataMember(Name = "verify_token_requests")]
        public long VerifyTokenRequests { get; set; }

        /// <summary>Requests for no known route or method.</summary>
        [DataMember(Name = "unrouted_requests")]
        public long UnroutedRequests { get; set; }

        /// <summary>GraphQL Analytics requests.</summary>
        [DataMember(Name = "graphql_requests")]
        public long GraphqlRequests { get; set; }

        /// <summary>Siteverify requests.</summary>
        [DataMember(Name = "siteverify_requests")]
        public long SiteverifyRequests { get; set; }

        /// <summary>429 answers sent.</summary>
        [DataMember(Name = "rate_limited_responses")]
        public long RateLimitedResponses { get; set; }

        /// <summary>Connections aborted on purpose.</summary>
        [DataMember(Name = "dropped_connections")]
        public long DroppedConnections { get; set; }

        /// <summary>5xx answers sent on purpose.</summary>
        [DataMember(Name = "injected_server_errors")]
        public long InjectedServerErrors { get; set; }
    }
}
