using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Internal;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Analytics
{
    /// <summary>
    /// Counts from Cloudflare's GraphQL Analytics API (<c>POST {base}/graphql</c>, dataset <c>turnstileAdaptiveGroups</c>),
    /// sent through a <see cref="TurnstileClient"/>'s transport with its credential and account. Whole-account queries
    /// grouped by siteKey, with the sitekeys asked for in <c>siteKey_in</c> chunks: a call costs one settings query plus one
    /// query per page per chunk, never one per widget. Thread-safe.
    /// </summary>
    public sealed class TurnstileAnalyticsClient
    {
        /// <summary>Sitekeys per <c>siteKey_in</c> filter: about 30 KB of query variables, a size any GraphQL endpoint takes.</summary>
        public const int SitekeysPerQuery = 1000;

        private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly TurnstileClient client;
        private readonly Uri endpoint;
        private readonly GraphQlBudget budget;

        /// <summary>Uses <paramref name="client"/>'s credential, account, base URI, retries and observers.</summary>
        public TurnstileAnalyticsClient(TurnstileClient client)
            : this(client, null)
        {
        }

        /// <summary>For tests: a budget of their own instead of the credential's shared one.</summary>
        internal TurnstileAnalyticsClient(TurnstileClient client, GraphQlBudget? budget)
        {
            this.client = client ?? throw new ArgumentNullException(nameof(client));
            endpoint = new Uri(client.BaseUri, "graphql");
            // The GraphQL budget is its own: keyed apart from the REST budget of the same credential.
            this.budget = budget ?? GraphQlBudget.For("graphql\n" + client.BudgetFingerprint(endpoint));
        }

        /// <summary>The GraphQL endpoint.</summary>
        public Uri Endpoint => endpoint;

        /// <summary>Reads the dataset's limits (one query).</summary>
        public async Task<AnalyticsSettings> GetSettingsAsync(CancellationToken cancellationToken = default)
        {
            string account = RequireAccount();
            JsonElement data = await QueryAsync(GraphQlQuery.SettingsBody(account), null, cancellationToken).ConfigureAwait(false);
            return ReadSettings(Account(data, account), account);
        }

        /// <summary>
        /// Counts events per sitekey and event type (and group) over the range. Reads the settings first, so a range wider
        /// than the dataset allows fails before any data query with <see cref="AnalyticsErrorKind.TimeRangeTooLarge"/>;
        /// pages through each chunk without cursors (same limit and order, a filter moved past the last row).
        /// </summary>
        public async Task<AnalyticsResult> GetCountsAsync(AnalyticsQuery query, CancellationToken cancellationToken = default)
        {
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }
            if (query.Until <= query.Since)
            {
                throw new TurnstileValidationException("until", $"until: the range ends ({GraphQlQuery.FormatTime(query.Until)}) at or before it starts ({GraphQlQuery.FormatTime(query.Since)}). Give an end after the start.");
            }
            List<string>? sitekeys = null;
            if (query.Sitekeys != null && query.Sitekeys.Count > 0)
            {
                sitekeys = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (string sitekey in query.Sitekeys)
                {
                    WidgetValidator.ValidateSitekey(sitekey);
                    if (seen.Add(sitekey))
                    {
                        sitekeys.Add(sitekey);
                    }
                }
            }
            string account = RequireAccount();
            string dimension = GraphQlQuery.Dimension(query.GroupBy) ?? "";

            int queries = 0;
            AnalyticsSettings settings = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
            queries++;
            if (!settings.Enabled)
            {
                throw GraphQlErrors.Create(AnalyticsErrorKind.NotEnabled, 200, Array.Empty<string>(), account, settings);
            }
            (DateTimeOffset since, DateTimeOffset until) = GraphQlQuery.WholeSeconds(query.Since, query.Until);
            if (settings.MaxDuration > TimeSpan.Zero && until - since > settings.MaxDuration)
            {
                string asked = $"the range asked for is {GraphQlErrors.Days(until - since)} ({GraphQlQuery.FormatTime(since)} to {GraphQlQuery.FormatTime(until)})";
                throw GraphQlErrors.Create(AnalyticsErrorKind.TimeRangeTooLarge, 200, new[] { asked }, account, settings);
            }
            // The API's own page size; 10000 (Cloudflare's usual maximum) if the settings did not say.
            int limit = settings.MaxPageSize > 0 ? settings.MaxPageSize : 10000;
            IReadOnlyList<string> keys = GraphQlQuery.Keys(query.GroupBy);
            string text = GraphQlQuery.CountsText(query.GroupBy, limit);

            var counts = new List<AnalyticsCount>();
            IEnumerable<IReadOnlyList<string>?> chunks = sitekeys == null
                ? new IReadOnlyList<string>?[] { null }
                : Chunk(sitekeys, SitekeysPerQuery);
            foreach (IReadOnlyList<string>? chunk in chunks)
            {
                IReadOnlyList<string>? after = null;
                while (true)
                {
                    byte[] body = GraphQlQuery.CountsBody(text, account, since, until, chunk, keys, after);
                    JsonElement data = await QueryAsync(body, settings, cancellationToken).ConfigureAwait(false);
                    queries++;
                    int rows = 0;
                    string[]? last = null;
                    foreach (JsonElement row in Rows(Account(data, account), account))
                    {
                        rows++;
                        JsonElement dimensions = row.TryGetProperty("dimensions", out JsonElement d) && d.ValueKind == JsonValueKind.Object ? d : default;
                        string[] values = keys.Select(key => Text(dimensions, key)).ToArray();
                        counts.Add(new AnalyticsCount
                        {
                            Sitekey = values[0],
                            EventType = values[1],
                            Group = dimension.Length == 0 ? null : values[2],
                            Count = row.TryGetProperty("count", out JsonElement count) && count.ValueKind == JsonValueKind.Number ? count.GetInt64() : 0,
                        });
                        last = values;
                    }
                    if (rows < limit || last == null)
                    {
                        break;
                    }
                    after = last;
                }
            }
            return new AnalyticsResult { Counts = counts, Settings = settings, Queries = queries };
        }

        private static IEnumerable<IReadOnlyList<string>?> Chunk(List<string> sitekeys, int size)
        {
            for (int i = 0; i < sitekeys.Count; i += size)
            {
                yield return sitekeys.GetRange(i, Math.Min(size, sitekeys.Count - i));
            }
        }

        private string RequireAccount()
        {
            if (client.AccountId.Length == 0)
            {
                throw new TurnstileValidationException("account_id", "account_id: no account id given. Analytics queries are per account: give the 32-character hexadecimal account id.");
            }
            return client.AccountId;
        }

        /// <summary>
        /// Sends one query within the GraphQL budget and returns its <c>data</c>; <c>errors[]</c> become a classified
        /// <see cref="TurnstileAnalyticsException"/> whatever the HTTP status. "Too many queries in progress" is retried
        /// with the client's backoff (the HTTP retry handler cannot see it: it arrives with HTTP 200).
        /// </summary>
        private async Task<JsonElement> QueryAsync(byte[] body, AnalyticsSettings? settings, CancellationToken cancellationToken)
        {
            RetryOptions retry = client.RetryOptions;
            for (int attempt = 1; ; attempt++)
            {
                await budget.AcquireAsync(client.PacingClock, retry.Delay, "/graphql", cancellationToken).ConfigureAwait(false);
                ExchangeAnswer answer;
                using (var request = new HttpRequestMessage(HttpMethod.Post, endpoint))
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = JsonContentType;
                    answer = await OutsideRestExchange.SendAsync(client, request, "/graphql", authenticate: true, cancellationToken).ConfigureAwait(false);
                }
                JsonElement root;
                try
                {
                    using (JsonDocument document = JsonDocument.Parse(answer.Body))
                    {
                        root = document.RootElement.Clone();
                    }
                }
                catch (JsonException)
                {
                    string note = $"the body was not JSON ({answer.MediaType ?? "no content type"}, {answer.Body.Length} characters)";
                    throw GraphQlErrors.Create(answer.Status == 401 || answer.Status == 403 ? AnalyticsErrorKind.NotAuthorized : AnalyticsErrorKind.UnexpectedAnswer, answer.Status, new[] { note }, client.AccountId, settings);
                }
                List<string> messages = ErrorMessages(root);
                if (messages.Count == 0 && answer.Status >= 200 && answer.Status < 300
                    && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object)
                {
                    return data;
                }
                if (messages.Count == 0)
                {
                    messages.Add(answer.Status >= 200 && answer.Status < 300 ? "the answer had neither data nor errors" : $"HTTP {answer.Status} without errors");
                }
                AnalyticsErrorKind kind = GraphQlErrors.Classify(answer.Status, messages);
                if (kind == AnalyticsErrorKind.TooManyInProgress && attempt <= Math.Max(0, retry.MaxRetries))
                {
                    await retry.Delay(RetryPolicy.Backoff(retry, attempt, null), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                TimeSpan? retryAfter = null;
                if (kind == AnalyticsErrorKind.BudgetDepleted)
                {
                    budget.MarkDepleted(client.PacingClock());
                    retryAfter = GraphQlBudget.DepletedWait;
                }
                throw GraphQlErrors.Create(kind, answer.Status, messages, client.AccountId, settings, retryAfter);
            }
        }

        private static List<string> ErrorMessages(JsonElement root)
        {
            var messages = new List<string>();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement error in errors.EnumerateArray())
                {
                    string message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String
                        ? m.GetString() ?? ""
                        : error.GetRawText();
                    messages.Add(message);
                }
            }
            return messages;
        }

        private JsonElement Account(JsonElement data, string account)
        {
            if (data.TryGetProperty("viewer", out JsonElement viewer) && viewer.ValueKind == JsonValueKind.Object
                && viewer.TryGetProperty("accounts", out JsonElement accounts) && accounts.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement first in accounts.EnumerateArray())
                {
                    return first;
                }
                throw GraphQlErrors.Create(AnalyticsErrorKind.NotAuthorized, 200, new[] { $"no account {account} in the answer: the credential cannot see it" }, account, null);
            }
            throw GraphQlErrors.Create(AnalyticsErrorKind.UnexpectedAnswer, 200, new[] { "the answer had no viewer.accounts" }, account, null);
        }

        private static IEnumerable<JsonElement> Rows(JsonElement account, string accountId)
        {
            if (account.ValueKind == JsonValueKind.Object && account.TryGetProperty(GraphQlQuery.Dataset, out JsonElement rows) && rows.ValueKind == JsonValueKind.Array)
            {
                return rows.EnumerateArray();
            }
            throw GraphQlErrors.Create(AnalyticsErrorKind.UnexpectedAnswer, 200, new[] { "the answer had no " + GraphQlQuery.Dataset }, accountId, null);
        }

        private static AnalyticsSettings ReadSettings(JsonElement account, string accountId)
        {
            if (account.ValueKind == JsonValueKind.Object && account.TryGetProperty("settings", out JsonElement settings) && settings.ValueKind == JsonValueKind.Object
                && settings.TryGetProperty(GraphQlQuery.Dataset, out JsonElement dataset) && dataset.ValueKind == JsonValueKind.Object)
            {
                return new AnalyticsSettings
                {
                    Enabled = !dataset.TryGetProperty("enabled", out JsonElement enabled) || enabled.ValueKind != JsonValueKind.False,
                    MaxPageSize = (int)Math.Min(int.MaxValue, Number(dataset, "maxPageSize")),
                    MaxDuration = TimeSpan.FromSeconds(Number(dataset, "maxDuration")),
                    NotOlderThan = TimeSpan.FromSeconds(Number(dataset, "notOlderThan")),
                };
            }
            throw GraphQlErrors.Create(AnalyticsErrorKind.UnexpectedAnswer, 200, new[] { "the answer had no settings." + GraphQlQuery.Dataset }, accountId, null);
        }

        private static long Number(JsonElement element, string name)
        {
            if (element.TryGetProperty(name, out JsonElement value))
            {
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number))
                {
                    return Math.Max(0, number);
                }
                if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long parsed))
                {
                    return parsed;
                }
            }
            return 0;
        }

        private static string Text(JsonElement dimensions, string key)
        {
            if (dimensions.ValueKind == JsonValueKind.Object && dimensions.TryGetProperty(key, out JsonElement value))
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
            }
            return "";
        }
    }
}
