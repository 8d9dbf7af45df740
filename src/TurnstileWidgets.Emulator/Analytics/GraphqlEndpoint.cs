using System;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>
    /// <c>POST /client/v4/graphql</c>: the API's credentials, then the GraphQL budget (its own, per credential, apart from
    /// the REST limit), then the query. Every answer is the GraphQL envelope; a refused credential is HTTP 401, errors are
    /// HTTP 200 unless the emulator was asked for the statuses Cloudflare's errors page lists.
    /// </summary>
    internal sealed class GraphqlEndpoint
    {
        private readonly ApiHandlers api;
        private readonly EventLedger ledger;
        private readonly AnalyticsLimits limits;
        private readonly EmulatorClock clock;
        private readonly RateLimiter budget = new();
        private readonly object budgetLock = new();
        private readonly bool documentedStatuses;
        private readonly RateLimitRule? rule;

        public GraphqlEndpoint(ApiHandlers api, EventLedger ledger, AnalyticsLimits limits, RateLimitRule? budget, bool documentedStatuses, EmulatorClock clock)
        {
            this.documentedStatuses = documentedStatuses;
            this.api = api;
            this.ledger = ledger;
            this.limits = limits;
            rule = budget;
            this.clock = clock;
        }

        /// <summary>Forgets every credential's window.</summary>
        public void ResetBudgets()
        {
            lock (budgetLock)
            {
                budget.Clear();
            }
        }

        public async Task QueryAsync(HttpContext context)
        {
            DateTimeOffset now = clock.GetUtcNow();
            // One user, one budget, however the credential is spelled: authentication's own reading of it.
            string? credential = api.Identify(context.Request.Headers);
            if (credential is null)
            {
                await WriteAsync(context, 401, GraphqlQueryRunner.ErrorBody(new GraphqlException("Unauthorized"), now)).ConfigureAwait(false);
                return;
            }

            if (!Admit(credential, now))
            {
                var depleted = new GraphqlException(GraphqlException.BudgetDepletedMessage, documentedStatus: 429);
                await WriteAsync(context, StatusOf(depleted.DocumentedStatus), GraphqlQueryRunner.ErrorBody(depleted, now)).ConfigureAwait(false);
                return;
            }

            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: false).ConfigureAwait(false);
            using (document)
            {
                string? query = null;
                JsonObject? variables = null;
                string? operationName = null;
                if (error is null)
                {
                    JsonElement root = document!.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        error = ApiError.MalformedBody("The body must be a JSON object: {\"query\": \"...\", \"variables\": {...}}.");
                    }
                    else
                    {
                        query = root.TryGetProperty("query", out JsonElement q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
                        if (root.TryGetProperty("operationName", out JsonElement o) && o.ValueKind == JsonValueKind.String)
                        {
                            operationName = o.GetString();
                        }

                        if (root.TryGetProperty("variables", out JsonElement v))
                        {
                            switch (v.ValueKind)
                            {
                                case JsonValueKind.Object: variables = JsonNode.Parse(v.GetRawText()) as JsonObject; break;
                                case JsonValueKind.Null: break;
                                default: error = ApiError.MalformedBody("variables must be a JSON object."); break;
                            }
                        }

                        if (error is null && string.IsNullOrWhiteSpace(query))
                        {
                            error = ApiError.MalformedBody("The body has no query: send {\"query\": \"{ viewer { ... } }\"}.");
                        }
                    }
                }

                (byte[] body, int documentedStatus) = error is not null
                    ? (GraphqlQueryRunner.ErrorBody(new GraphqlException("error parsing request: " + error.Message), now), 400)
                    : new GraphqlQueryRunner(ledger, limits, now).Run(query!, variables, operationName);
                await WriteAsync(context, StatusOf(documentedStatus), body).ConfigureAwait(false);
            }
        }

        // The brief and issue 19 read GraphQL errors as HTTP 200 (the default); Cloudflare's errors page lists 400/403/429.
        private int StatusOf(int documentedStatus) => documentedStatuses ? documentedStatus : 200;

        private bool Admit(string credential, DateTimeOffset now)
        {
            lock (budgetLock)
            {
                return rule is null || budget.Admit(credential, rule, null, now).Admitted;
            }
        }

        private static async Task WriteAsync(HttpContext context, int status, byte[] body)
        {
            HttpResponse response = context.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
