using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TurnstileWidgets.Emulator.Analytics;

namespace TurnstileWidgets.Emulator.Siteverify
{
    /// <summary>
    /// <c>POST /turnstile/v0/siteverify</c>, as Cloudflare's server-side validation answers: always HTTP 200 with
    /// <c>success</c> and <c>error-codes</c>. The secret is the credential: a widget's current secret, or its previous one
    /// inside the rotation grace period, in any account served; or one of Cloudflare's published test secrets.
    /// </summary>
    internal sealed class SiteverifyEndpoint
    {
        public const string Path = "/turnstile/v0/siteverify";

        /// <summary>The token the test secrets accept (and real secrets refuse).</summary>
        public const string DummyToken = "XXXX.DUMMY.TOKEN.XXXX";

        /// <summary>The longest response Cloudflare accepts.</summary>
        public const int MaxResponseLength = 2048;

        private const string TestPasses = "1x0000000000000000000000000000000AA";
        private const string TestFails = "2x0000000000000000000000000000000AA";
        private const string TestSpent = "3x0000000000000000000000000000000AA";

        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly Accounts accounts;
        private readonly TurnstileTokens tokens;
        private readonly EventLedger events;
        private readonly EmulatorClock clock;
        private int internalErrors;

        public SiteverifyEndpoint(Accounts accounts, TurnstileTokens tokens, EventLedger events, EmulatorClock clock)
        {
            this.accounts = accounts;
            this.tokens = tokens;
            this.events = events;
            this.clock = clock;
        }

        /// <summary>Queues <paramref name="count"/> answers of <c>internal-error</c> for the next requests (replacing any queued).</summary>
        public void QueueInternalErrors(int count) => Interlocked.Exchange(ref internalErrors, count);

        public int PendingInternalErrors => Volatile.Read(ref internalErrors);

        public async Task VerifyAsync(HttpContext context)
        {
            DateTimeOffset now = clock.GetUtcNow();
            if (TakeInternalError())
            {
                await WriteFailureAsync(context, testing: false, "internal-error").ConfigureAwait(false);
                return;
            }

            Dictionary<string, string>? fields = await ReadFieldsAsync(context).ConfigureAwait(false);
            if (fields is null)
            {
                await WriteFailureAsync(context, testing: false, "bad-request").ConfigureAwait(false);
                return;
            }

            string secret = fields.GetValueOrDefault("secret", "");
            string response = fields.GetValueOrDefault("response", "");
            string? idempotencyKey = fields.GetValueOrDefault("idempotency_key");
            if (response.Length > MaxResponseLength || (!string.IsNullOrEmpty(idempotencyKey) && !Guid.TryParse(idempotencyKey, out _)))
            {
                await WriteFailureAsync(context, testing: false, "bad-request").ConfigureAwait(false);
                return;
            }

            if (secret.Length == 0)
            {
                await WriteFailureAsync(context, testing: false, response.Length == 0
                    ? new[] { "missing-input-secret", "missing-input-response" }
                    : new[] { "missing-input-secret" }).ConfigureAwait(false);
                return;
            }

            if (secret is TestPasses or TestFails or TestSpent)
            {
                await AnswerTestSecretAsync(context, secret, response, now).ConfigureAwait(false);
                return;
            }

            (string AccountId, string Sitekey)? widget = FindWidget(secret);
            if (widget is not (string accountId, string sitekey))
            {
                await WriteFailureAsync(context, testing: false, "invalid-input-secret").ConfigureAwait(false);
                return;
            }

            if (response.Length == 0)
            {
                await WriteFailureAsync(context, testing: false, "missing-input-response").ConfigureAwait(false);
                return;
            }

            TokenClaims? claims = tokens.Read(response);
            if (claims is null || !string.Equals(claims.Sitekey, sitekey, StringComparison.Ordinal))
            {
                Record(accountId, sitekey, TurnstileEventTypes.SiteverifyFailedInvalidToken, null, now);
                await WriteFailureAsync(context, testing: false, "invalid-input-response").ConfigureAwait(false);
                return;
            }

            if (now >= claims.IssuedAt + TurnstileTokens.Lifetime)
            {
                Record(accountId, sitekey, TurnstileEventTypes.SiteverifyFailedOther, claims, now);
                await WriteFailureAsync(context, testing: false, "timeout-or-duplicate").ConfigureAwait(false);
                return;
            }

            TurnstileTokens.Redemption? earlier = tokens.Redeem(claims, string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey, now);
            if (earlier is not null)
            {
                bool retry = Guid.TryParse(earlier.IdempotencyKey, out Guid first) && Guid.TryParse(idempotencyKey, out Guid again) && first == again;
                if (!retry)
                {
                    Record(accountId, sitekey, TurnstileEventTypes.SiteverifyFailedDoubleRedemption, claims, now);
                    await WriteFailureAsync(context, testing: false, "timeout-or-duplicate").ConfigureAwait(false);
                    return;
                }
            }
            else
            {
                Record(accountId, sitekey, claims.Interactive ? TurnstileEventTypes.InteractiveSiteverifySolved : TurnstileEventTypes.NonInteractiveSiteverifySolved, claims, now);
            }

            await WriteSuccessAsync(context, claims.IssuedAt, claims.Hostname, claims.Action, claims.Cdata, claims.EphemeralId, testing: false).ConfigureAwait(false);
        }

        private async Task AnswerTestSecretAsync(HttpContext context, string secret, string response, DateTimeOffset now)
        {
            if (response.Length == 0)
            {
                await WriteFailureAsync(context, testing: true, "missing-input-response").ConfigureAwait(false);
            }
            else if (response != DummyToken)
            {
                // Cloudflare: a testing secret used with a production token is an invalid secret.
                await WriteFailureAsync(context, testing: true, "invalid-input-secret").ConfigureAwait(false);
            }
            else if (secret == TestPasses)
            {
                await WriteSuccessAsync(context, now, "example.com", "", "", null, testing: true).ConfigureAwait(false);
            }
            else
            {
                await WriteFailureAsync(context, testing: true, secret == TestFails ? "invalid-input-response" : "timeout-or-duplicate").ConfigureAwait(false);
            }
        }

        private (string, string)? FindWidget(string secret)
        {
            foreach (string id in accounts.Ids)
            {
                SecretCheckResult check = accounts.Store(id)!.CheckSecret(secret);
                if (check.Valid && check.Sitekey is not null)
                {
                    return (id, check.Sitekey);
                }
            }

            return null;
        }

        private void Record(string accountId, string sitekey, string eventType, TokenClaims? claims, DateTimeOffset now) =>
            events.Record(accountId, new EventKey(sitekey, eventType, claims?.Action ?? "", claims?.Hostname ?? "", claims?.CountryCode ?? "", now.ToUnixTimeSeconds()));

        private bool TakeInternalError()
        {
            while (true)
            {
                int pending = Volatile.Read(ref internalErrors);
                if (pending <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref internalErrors, pending - 1, pending) == pending)
                {
                    return true;
                }
            }
        }

        /// <summary>The request's fields (form or JSON); null when the body is neither, or a field is not one string.</summary>
        private static async Task<Dictionary<string, string>?> ReadFieldsAsync(HttpContext context)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            HttpRequest request = context.Request;
            try
            {
                if (request.HasFormContentType)
                {
                    IFormCollection form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                    foreach (KeyValuePair<string, StringValues> pair in form)
                    {
                        if (pair.Value.Count != 1)
                        {
                            return null;
                        }

                        fields[pair.Key] = pair.Value.ToString();
                    }

                    return fields;
                }

                string mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
                bool json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
                (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: true).ConfigureAwait(false);
                using (document)
                {
                    if (document is null)
                    {
                        return error is null ? fields : null; // no body at all: every input is missing
                    }

                    if (!json || document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return null;
                    }

                    foreach (JsonProperty property in document.RootElement.EnumerateObject())
                    {
                        switch (property.Value.ValueKind)
                        {
                            case JsonValueKind.String: fields[property.Name] = property.Value.GetString()!; break;
                            case JsonValueKind.Null: break;
                            default:
                                if (property.Name is "secret" or "response" or "remoteip" or "idempotency_key")
                                {
                                    return null;
                                }

                                break;
                        }
                    }

                    return fields;
                }
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                return null;
            }
        }

        private static Task WriteSuccessAsync(HttpContext context, DateTimeOffset challengeTs, string hostname, string action, string cdata, string? ephemeralId, bool testing) =>
            WriteAsync(context, w =>
            {
                w.WriteBoolean("success", true);
                w.WriteStartArray("error-codes");
                w.WriteEndArray();
                w.WriteString("challenge_ts", challengeTs.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture));
                w.WriteString("hostname", hostname);
                w.WriteString("action", action);
                w.WriteString("cdata", cdata);
                w.WriteStartObject("metadata");
                if (ephemeralId is not null)
                {
                    w.WriteString("ephemeral_id", ephemeralId);
                }

                if (testing)
                {
                    w.WriteBoolean("result_with_testing_key", true);
                }

                w.WriteEndObject();
            });

        private static Task WriteFailureAsync(HttpContext context, bool testing, params string[] errorCodes) =>
            WriteAsync(context, w =>
            {
                w.WriteBoolean("success", false);
                w.WriteStartArray("error-codes");
                foreach (string code in errorCodes)
                {
                    w.WriteStringValue(code);
                }

                w.WriteEndArray();
                w.WriteStartArray("messages");
                w.WriteEndArray();
                if (testing)
                {
                    w.WriteStartObject("metadata");
                    w.WriteBoolean("result_with_testing_key", true);
                    w.WriteEndObject();
                }
            });

        private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> fields)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                fields(writer);
                writer.WriteEndObject();
            }

            HttpResponse response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = buffer.Length;
            await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
        }
    }
}
