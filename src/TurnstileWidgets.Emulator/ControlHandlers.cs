using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace TurnstileWidgets.Emulator
{
    /// <summary>The /__emulator control endpoints: no authentication, loopback only, plain JSON (not the API envelope).</summary>
    internal sealed class ControlHandlers
    {
        private const int MaxSeed = 1_000_000;

        private readonly EmulatorServer server;

        public ControlHandlers(EmulatorServer server) => this.server = server;

        public static readonly string[] Endpoints =
        {
            "GET  /__emulator/stats[?account_id=<hex32>]      (with an account: that account's widget requests past injected faults)",
            "POST /__emulator/reset         [{account_id}]   (with an account: empties that account only)",
            "GET  /__emulator/faults",
            "POST /__emulator/faults        {rate_limit, rate_limit_block, latency_ms, error_rate, drop_rate, seed} (absent: unchanged, null: off)",
            "GET  /__emulator/faults/script",
            "POST /__emulator/faults/script {steps:[{status, code, message, retry_after, retry_after_ms, retry_after_date, x_should_retry, drop, drop_after_commit, delay_ms, method, path_contains}]}",
            "DELETE /__emulator/faults/script",
            "GET  /__emulator/clock",
            "POST /__emulator/clock/advance {seconds}",
            "POST /__emulator/seed          {count, name_prefix, account_id} (account_id: default the first account)",
            "POST /__emulator/secrets/check {secret}",
            "PATCH /__emulator/widgets/{sitekey}[?account_id=<hex32>] {wire fields} (stored verbatim, unvalidated: simulates API drift)",
            Analytics.ObservationControlHandlers.Endpoints[0],
            Analytics.ObservationControlHandlers.Endpoints[1],
            Analytics.ObservationControlHandlers.Endpoints[2],
        };

        public Task InfoAsync(HttpContext context) =>
            HttpHelpers.WriteJsonAsync(context, 200, new ControlInfo
            {
                ApiBaseUrl = server.BaseUri.ToString().TrimEnd('/'),
                SiteverifyUrl = server.SiteverifyUri.ToString(),
                AccountId = server.AccountId,
                AccountIds = server.AccountIds.ToArray(),
                MaxDomains = server.MaxDomains,
                Endpoints = Endpoints,
            }, EmulatorJsonContext.Wire.ControlInfo);

        public Task StatsAsync(HttpContext context)
        {
            string? account = context.Request.Query["account_id"].ToString();
            if (string.IsNullOrEmpty(account))
            {
                return HttpHelpers.WriteJsonAsync(context, 200, server.Stats.Snapshot(), EmulatorJsonContext.Wire.EmulatorStatsSnapshot);
            }

            return server.Serves(account)
                ? HttpHelpers.WriteJsonAsync(context, 200, server.StatsOf(account).Snapshot(), EmulatorJsonContext.Wire.EmulatorStatsSnapshot)
                : NotServedAsync(context, account);
        }

        public async Task ResetAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            string? account = await ReadAccountAsync(context, root).ConfigureAwait(false);
            if (account is null)
            {
                return;
            }

            if (account.Length == 0)
            {
                server.Reset();
            }
            else
            {
                server.Reset(account);
            }

            await OkAsync(context).ConfigureAwait(false);
        }

        public Task GetFaultsAsync(HttpContext context) =>
            HttpHelpers.WriteJsonAsync(context, 200, server.FaultSettingsView(), EmulatorJsonContext.Wire.FaultSettingsView);

        public async Task SetFaultsAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            try
            {
                FaultSettings current = server.Faults.Settings;
                RateLimitRule? rateLimit = current.RateLimit;
                if (root.TryGetProperty("rate_limit", out JsonElement rl))
                {
                    rateLimit = rl.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => RateLimitRule.Parse(rl.GetString()),
                        _ => throw new ArgumentException("rate_limit must be a string such as \"1200/300\", or null to turn it off."),
                    };
                }

                var updated = new FaultSettings(
                    rateLimit,
                    ReadNumber(root, "latency_ms", current.LatencyMs, e => e.GetInt32()),
                    ReadNumber(root, "error_rate", current.ErrorRate, e => e.GetDouble()),
                    ReadNumber(root, "drop_rate", current.DropRate, e => e.GetDouble()),
                    root.TryGetProperty("seed", out JsonElement seed) ? (seed.ValueKind == JsonValueKind.Null ? null : ReadInt(seed, "seed")) : current.Seed)
                {
                    RateLimitBlock = root.TryGetProperty("rate_limit_block", out JsonElement block)
                        ? (block.ValueKind == JsonValueKind.Null ? null : ReadInt(block, "rate_limit_block"))
                        : current.RateLimitBlock,
                };
                server.Faults.Configure(updated);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, e.Message).ConfigureAwait(false);
                return;
            }

            await GetFaultsAsync(context).ConfigureAwait(false);
        }

        public async Task ScriptFaultsAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            try
            {
                if (!root.TryGetProperty("steps", out JsonElement steps) || steps.ValueKind != JsonValueKind.Array)
                {
                    throw new ArgumentException("Send {\"steps\": [...]}: an array of fault steps.");
                }

                var parsed = new List<FaultStep>();
                foreach (JsonElement step in steps.EnumerateArray())
                {
                    parsed.Add(ParseStep(step));
                }

                server.ScriptFaults(parsed.ToArray());
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, e.Message).ConfigureAwait(false);
                return;
            }

            await OkAsync(context).ConfigureAwait(false);
        }

        public Task ClearScriptAsync(HttpContext context)
        {
            server.Faults.ClearSteps();
            return OkAsync(context);
        }

        public Task GetScriptAsync(HttpContext context) => OkAsync(context);

        public Task GetClockAsync(HttpContext context) =>
            HttpHelpers.WriteJsonAsync(context, 200, new ClockView
            {
                Now = Timestamps.Format(server.Clock.GetUtcNow()),
                OffsetSeconds = server.Clock.Offset.TotalSeconds,
            }, EmulatorJsonContext.Wire.ClockView);

        public async Task AdvanceClockAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            if (!root.TryGetProperty("seconds", out JsonElement seconds) || seconds.ValueKind != JsonValueKind.Number
                || !seconds.TryGetDouble(out double value) || value < 0 || value > 1e9)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, "Send {\"seconds\": <a number of 0 or more>}, e.g. {\"seconds\": 7200}.").ConfigureAwait(false);
                return;
            }

            server.AdvanceClock(TimeSpan.FromSeconds(value));
            await GetClockAsync(context).ConfigureAwait(false);
        }

        public async Task SeedAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            if (!root.TryGetProperty("count", out JsonElement count) || count.ValueKind != JsonValueKind.Number
                || !count.TryGetInt32(out int n) || n < 1 || n > MaxSeed)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, $"Send {{\"count\": <1 to {MaxSeed}>, \"name_prefix\": \"bench-\"}}.").ConfigureAwait(false);
                return;
            }

            string prefix = "seed-";
            if (root.TryGetProperty("name_prefix", out JsonElement p) && p.ValueKind == JsonValueKind.String)
            {
                prefix = p.GetString()!;
            }

            if (prefix.Length > WidgetInput.MaxNameLength - 7)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, "name_prefix is too long: widget names are at most 254 characters.").ConfigureAwait(false);
                return;
            }

            string? account = await ReadAccountAsync(context, root).ConfigureAwait(false);
            if (account is null)
            {
                return;
            }

            account = account.Length == 0 ? server.AccountId : account;
            int created = server.SeedWidgets(n, prefix, account);
            await HttpHelpers.WriteJsonAsync(context, 200, new SeedResult { Created = created, WidgetCount = server.CountWidgets(account) }, EmulatorJsonContext.Wire.SeedResult).ConfigureAwait(false);
        }

        public async Task CheckSecretAsync(HttpContext context)
        {
            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            if (!root.TryGetProperty("secret", out JsonElement secret) || secret.ValueKind != JsonValueKind.String)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, "Send {\"secret\": \"<the widget secret>\"}.").ConfigureAwait(false);
                return;
            }

            await HttpHelpers.WriteJsonAsync(context, 200, server.CheckSecret(secret.GetString()!), EmulatorJsonContext.Wire.SecretCheckResult).ConfigureAwait(false);
        }

        /// <summary>Stores wire fields of one widget verbatim (API drift); answers the stored widget as the API would show it.</summary>
        public async Task DriftWidgetAsync(HttpContext context)
        {
            string account = context.Request.Query["account_id"].ToString();
            if (account.Length > 0 && !server.Serves(account))
            {
                await NotServedAsync(context, account).ConfigureAwait(false);
                return;
            }

            JsonElement? body = await ReadObjectAsync(context).ConfigureAwait(false);
            if (body is not JsonElement root)
            {
                return;
            }

            string? problem = WidgetDrift.TryRead(root, out WidgetDrift drift);
            if (problem is not null)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, problem).ConfigureAwait(false);
                return;
            }

            string sitekey = context.Request.RouteValues["sitekey"] as string ?? "";
            Widget? stored = server.DriftWidget(account.Length == 0 ? server.AccountId : account, sitekey, drift);
            if (stored is null)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 404, $"No widget has the sitekey '{sitekey}' in this account.").ConfigureAwait(false);
                return;
            }

            await HttpHelpers.WriteJsonAsync(context, 200, new WidgetResponse { Result = stored.ToView(withSecret: true) }, EmulatorJsonContext.Wire.WidgetResponse).ConfigureAwait(false);
        }

        public Task NotFoundAsync(HttpContext context) =>
            HttpHelpers.WriteControlErrorAsync(context, 404, "No such control endpoint; GET /__emulator/ lists them.");

        /// <summary>The body's account_id: "" when absent (the caller's default), null with a 400 written when it is not served.</summary>
        private async Task<string?> ReadAccountAsync(HttpContext context, JsonElement root)
        {
            if (!root.TryGetProperty("account_id", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return "";
            }

            string? account = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (string.IsNullOrEmpty(account) || !server.Serves(account))
            {
                await NotServedAsync(context, account ?? value.GetRawText()).ConfigureAwait(false);
                return null;
            }

            return account;
        }

        private Task NotServedAsync(HttpContext context, string account) =>
            HttpHelpers.WriteControlErrorAsync(context, 400,
                $"This emulator does not serve account '{account}'. It serves: {string.Join(", ", server.AccountIds)}.");

        private Task OkAsync(HttpContext context) =>
            HttpHelpers.WriteJsonAsync(context, 200, new ControlOk
            {
                WidgetCount = server.WidgetCount,
                PendingScriptSteps = server.Faults.PendingSteps,
            }, EmulatorJsonContext.Wire.ControlOk);

        private static async Task<JsonElement?> ReadObjectAsync(HttpContext context)
        {
            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: true).ConfigureAwait(false);
            if (error is not null)
            {
                await HttpHelpers.WriteControlErrorAsync(context, 400, error.Message).ConfigureAwait(false);
                return null;
            }

            using (document)
            {
                if (document is null)
                {
                    return JsonDocument.Parse("{}").RootElement.Clone();
                }

                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await HttpHelpers.WriteControlErrorAsync(context, 400, "The body must be a JSON object.").ConfigureAwait(false);
                    return null;
                }

                return document.RootElement.Clone();
            }
        }

        private static FaultStep ParseStep(JsonElement step)
        {
            if (step.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("Each fault step must be a JSON object.");
            }

            var result = new FaultStep();
            foreach (JsonProperty property in step.EnumerateObject())
            {
                JsonElement v = property.Value;
                switch (property.Name)
                {
                    case "status": result.Status = ReadInt(v, property.Name); break;
                    case "code": result.Code = ReadInt(v, property.Name); break;
                    case "message": result.Message = ReadString(v, property.Name); break;
                    case "retry_after": result.RetryAfter = v.ValueKind == JsonValueKind.Number ? v.GetRawText() : ReadString(v, property.Name); break;
                    case "retry_after_ms": result.RetryAfterMs = ReadInt(v, property.Name); break;
                    case "retry_after_date": result.RetryAfterDate = ReadBool(v, property.Name); break;
                    case "x_should_retry": result.XShouldRetry = v.ValueKind is JsonValueKind.True or JsonValueKind.False ? (v.GetBoolean() ? "true" : "false") : ReadString(v, property.Name); break;
                    case "drop": result.Drop = ReadBool(v, property.Name); break;
                    case "drop_after_commit": result.DropAfterCommit = ReadBool(v, property.Name); break;
                    case "delay_ms": result.DelayMs = ReadInt(v, property.Name); break;
                    case "method": result.Method = ReadString(v, property.Name); break;
                    case "path_contains": result.PathContains = ReadString(v, property.Name); break;
                    default: throw new ArgumentException($"Unknown fault step field '{property.Name}'.");
                }
            }

            result.Validate();
            return result;
        }

        private static T ReadNumber<T>(JsonElement root, string name, T current, Func<JsonElement, T> read)
        {
            if (!root.TryGetProperty(name, out JsonElement value))
            {
                return current;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                return default!;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                throw new ArgumentException($"{name} must be a number, or null to turn it off.");
            }

            return read(value);
        }

        private static int ReadInt(JsonElement value, string name) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n)
                ? n
                : throw new ArgumentException($"{name} must be a whole number.");

        private static string? ReadString(JsonElement value, string name) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new ArgumentException($"{name} must be a string."),
        };

        private static bool ReadBool(JsonElement value, string name) => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new ArgumentException($"{name} must be true or false."),
        };

    }
}
