using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using TurnstileWidgets.Emulator.Siteverify;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>
    /// The control endpoints that feed analytics and siteverify: <c>POST /__emulator/events</c>, <c>POST /__emulator/tokens</c>
    /// and <c>POST /__emulator/siteverify/faults</c> (no authentication, loopback only, plain JSON like the other control endpoints).
    /// </summary>
    internal sealed class ObservationControlHandlers
    {
        private readonly Accounts accounts;
        private readonly EventLedger events;
        private readonly TokenIssuer issuer;
        private readonly SiteverifyEndpoint siteverify;
        private readonly EmulatorClock clock;

        public ObservationControlHandlers(Accounts accounts, EventLedger events, TokenIssuer issuer, SiteverifyEndpoint siteverify, EmulatorClock clock)
        {
            this.accounts = accounts;
            this.events = events;
            this.issuer = issuer;
            this.siteverify = siteverify;
            this.clock = clock;
        }

        public static readonly string[] Endpoints =
        {
            "POST /__emulator/events        {account_id, events:[{sitekey, event_type, count, datetime, action, hostname, country_code}]}",
            "POST /__emulator/tokens        {account_id, sitekey, action, hostname, cdata, interactive, country_code} -> {token}",
            "POST /__emulator/siteverify/faults {internal_errors}",
        };

        public async Task RecordEventsAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            try
            {
                string account = Account(root);
                if (!root.TryGetProperty("events", out JsonElement events) || events.ValueKind != JsonValueKind.Array)
                {
                    throw new ArgumentException("Send {\"events\": [{\"sitekey\": \"...\", \"event_type\": \"challenge_issued\", \"count\": 1, \"datetime\": \"2026-12-01T10:00:00Z\"}]}.");
                }

                var keys = new List<EventKey>(events.GetArrayLength());
                var counts = new List<long>(keys.Capacity);
                long now = clock.GetUtcNow().ToUnixTimeSeconds();
                int index = 0;
                foreach (JsonElement e in events.EnumerateArray())
                {
                    string at = $"events[{index.ToString(CultureInfo.InvariantCulture)}]";
                    if (e.ValueKind != JsonValueKind.Object)
                    {
                        throw new ArgumentException($"{at} must be an object.");
                    }

                    foreach (JsonProperty property in e.EnumerateObject())
                    {
                        if (property.Name is not ("sitekey" or "event_type" or "count" or "datetime" or "action" or "hostname" or "country_code"))
                        {
                            throw new ArgumentException($"{at}.{property.Name} is not an event field; use sitekey, event_type, count, datetime, action, hostname, country_code.");
                        }
                    }

                    long count = 1;
                    if (e.TryGetProperty("count", out JsonElement c) && c.ValueKind != JsonValueKind.Null
                        && (c.ValueKind != JsonValueKind.Number || !c.TryGetInt64(out count) || count < 1 || count > EventFields.MaxCount))
                    {
                        throw new ArgumentException($"{at}.count must be a whole number from 1 to {EventFields.MaxCount.ToString(CultureInfo.InvariantCulture)}.");
                    }

                    long second = now;
                    string? datetime = OptionalString(e, "datetime", at);
                    if (datetime is not null)
                    {
                        if (!GroupsFilter.TryParseTime(datetime, out DateTimeOffset time))
                        {
                            throw new ArgumentException($"{at}.datetime must be an RFC 3339 date and time with a zone, e.g. 2026-12-01T10:00:00Z, not '{datetime}'.");
                        }

                        second = time.ToUnixTimeSeconds();
                    }

                    keys.Add(new EventKey(
                        RequiredString(e, "sitekey", at),
                        RequiredString(e, "event_type", at),
                        OptionalString(e, "action", at) ?? "",
                        OptionalString(e, "hostname", at) ?? "",
                        EventFields.CountryCode(OptionalString(e, "country_code", at), at + ".country_code"),
                        second));
                    counts.Add(count);
                    index++;
                }

                this.events.Record(account, keys, counts);
                await HttpHelpers.WriteJsonAsync(context, 200, new EventsRecorded { Recorded = keys.Count, Count = counts.Sum() }, ObservationJsonContext.Wire.EventsRecorded).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, e.Message).ConfigureAwait(false);
            }
        }

        public async Task MintTokenAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            try
            {
                string account = Account(root);
                string sitekey = RequiredString(root, "sitekey", "the body");
                bool interactive = false;
                if (root.TryGetProperty("interactive", out JsonElement i) && i.ValueKind != JsonValueKind.Null)
                {
                    interactive = i.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new ArgumentException("interactive must be true or false."),
                    };
                }

                string token = issuer.Mint(account, sitekey,
                    OptionalString(root, "action", "the body") ?? "",
                    OptionalString(root, "hostname", "the body"),
                    OptionalString(root, "cdata", "the body") ?? "",
                    interactive,
                    OptionalString(root, "country_code", "the body"));
                await HttpHelpers.WriteJsonAsync(context, 200, new MintedToken { Token = token }, ObservationJsonContext.Wire.MintedToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, e.Message).ConfigureAwait(false);
            }
        }

        public async Task SiteverifyFaultsAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            if (!root.TryGetProperty("internal_errors", out JsonElement n) || n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out int count) || count < 0)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, "Send {\"internal_errors\": <n>}: the next n siteverify requests answer internal-error (0 clears).").ConfigureAwait(false);
                return;
            }

            siteverify.QueueInternalErrors(count);
            await HttpHelpers.WriteJsonAsync(context, 200, new SiteverifyFaults { InternalErrors = siteverify.PendingInternalErrors }, ObservationJsonContext.Wire.SiteverifyFaults).ConfigureAwait(false);
        }

        private string Account(JsonElement root)
        {
            if (!root.TryGetProperty("account_id", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return accounts.DefaultId;
            }

            string? account = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (string.IsNullOrEmpty(account) || accounts.Store(account) is null)
            {
                throw new ArgumentException($"This emulator does not serve account '{account ?? value.GetRawText()}'. It serves: {string.Join(", ", accounts.Ids)}.");
            }

            return accounts.Ids.First(id => string.Equals(id, account, StringComparison.OrdinalIgnoreCase));
        }

        private static string RequiredString(JsonElement e, string name, string at) =>
            OptionalString(e, name, at) is { Length: > 0 } value ? value : throw new ArgumentException($"{At(at, name)} is required: a non-empty string.");

        private static string? OptionalString(JsonElement e, string name, string at)
        {
            if (!e.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ArgumentException($"{At(at, name)} must be a string.");
        }

        private static string At(string at, string name) => at == "the body" ? name : at + "." + name;

        private static async Task<JsonElement?> ReadObjectAsync(HttpContext context)
        {
            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: false).ConfigureAwait(false);
            using (document)
            {
                if (error is not null || document!.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await HttpHelpers.WriteControlErrorAsync(context, 400, error?.Message ?? "The body must be a JSON object.").ConfigureAwait(false);
                    return null;
                }

                return document.RootElement.Clone();
            }
        }
    }

    internal sealed class EventsRecorded
    {
        public int Recorded { get; init; }
        public long Count { get; init; }
    }

    internal sealed class MintedToken
    {
        public string Token { get; init; } = "";
    }

    internal sealed class SiteverifyFaults
    {
        public int InternalErrors { get; init; }
    }

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(EventsRecorded))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(MintedToken))]
    [System.Text.Json.Serialization.JsonSerializable(typeof(SiteverifyFaults))]
    internal sealed partial class ObservationJsonContext : System.Text.Json.Serialization.JsonSerializerContext
    {
        /// <summary>Snake-case, like every control answer.</summary>
        public static ObservationJsonContext Wire { get; } = new(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    }
}
