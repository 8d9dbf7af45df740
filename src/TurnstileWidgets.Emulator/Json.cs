using System;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TurnstileWidgets.Emulator
{
    /// <summary>A widget on the wire; <see cref="Secret"/> is null (and omitted) in listings.</summary>
    internal sealed class WidgetView
    {
        public string Sitekey { get; init; } = "";
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Secret { get; init; }
        public string Name { get; init; } = "";
        public string[] Domains { get; init; } = Array.Empty<string>();
        public string Mode { get; init; } = "";
        public string Region { get; init; } = "";
        public string ClearanceLevel { get; init; } = "";
        public bool BotFightMode { get; init; }
        public bool EphemeralId { get; init; }
        public bool Offlabel { get; init; }
        public string CreatedOn { get; init; } = "";
        public string ModifiedOn { get; init; } = "";
        public string DeployedVia { get; init; } = "api";
        public string LastModifiedVia { get; init; } = "api";
    }

    internal sealed class ApiMessage
    {
        public int Code { get; init; }
        public string Message { get; init; } = "";
    }

    internal sealed class WidgetResponse
    {
        public bool Success { get; init; } = true;
        public ApiMessage[] Errors { get; init; } = Array.Empty<ApiMessage>();
        public ApiMessage[] Messages { get; init; } = Array.Empty<ApiMessage>();
        public WidgetView? Result { get; init; }
    }

    internal sealed class ResultInfo
    {
        public long Page { get; init; }
        public int PerPage { get; init; }
        public int Count { get; init; }
        public int TotalCount { get; init; }
    }

    internal sealed class WidgetListResponse
    {
        public bool Success { get; init; } = true;
        public ApiMessage[] Errors { get; init; } = Array.Empty<ApiMessage>();
        public ApiMessage[] Messages { get; init; } = Array.Empty<ApiMessage>();
        public WidgetView[] Result { get; init; } = Array.Empty<WidgetView>();
        public ResultInfo ResultInfo { get; init; } = new();
    }

    internal sealed class ErrorResponse
    {
        public bool Success { get; init; }
        public ApiMessage[] Errors { get; init; } = Array.Empty<ApiMessage>();
        public ApiMessage[] Messages { get; init; } = Array.Empty<ApiMessage>();
        /// <summary>Always null; typed only so the source generator writes "result": null.</summary>
        public WidgetView? Result { get; init; }
    }

    internal sealed class TokenVerifyResult
    {
        public string Id { get; init; } = "";
        public string Status { get; init; } = "active";
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ExpiresOn { get; init; }
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? NotBefore { get; init; }
    }

    internal sealed class TokenVerifyResponse
    {
        public bool Success { get; init; } = true;
        public ApiMessage[] Errors { get; init; } = Array.Empty<ApiMessage>();
        public ApiMessage[] Messages { get; init; } = Array.Empty<ApiMessage>();
        public TokenVerifyResult Result { get; init; } = new();
    }

    /// <summary>The state file: everything needed to resume, secrets and grace periods included.</summary>
    internal sealed class PersistedState
    {
        public int FormatVersion { get; set; }
        public long NextSequence { get; set; }
        public List<PersistedWidget>? Widgets { get; set; }
    }

    internal sealed class PersistedWidget
    {
        public long Sequence { get; set; }
        public string? Sitekey { get; set; }
        public string? Secret { get; set; }
        public string? Name { get; set; }
        public string[]? Domains { get; set; }
        public string? Mode { get; set; }
        public string? Region { get; set; }
        public string? ClearanceLevel { get; set; }
        public bool BotFightMode { get; set; }
        public bool EphemeralId { get; set; }
        public bool Offlabel { get; set; }
        public DateTimeOffset CreatedOn { get; set; }
        public DateTimeOffset ModifiedOn { get; set; }
        public string? PreviousSecret { get; set; }
        public DateTimeOffset? PreviousSecretExpiresOn { get; set; }
    }

    internal sealed class ControlError
    {
        public string Error { get; init; } = "";
    }

    internal sealed class FaultSettingsView
    {
        public string? RateLimit { get; init; }
        public string RateLimitKind { get; init; } = "fixed_window";
        public int? RateLimitBlock { get; init; }
        public long RateLimitBlocks { get; init; }
        public int RateLimitBudgets { get; init; }
        public int LatencyMs { get; init; }
        public double ErrorRate { get; init; }
        public double DropRate { get; init; }
        public int? Seed { get; init; }
        public int PendingScriptSteps { get; init; }
    }

    internal sealed class ClockView
    {
        public string Now { get; init; } = "";
        public double OffsetSeconds { get; init; }
    }

    internal sealed class SeedResult
    {
        public int Created { get; init; }
        public int WidgetCount { get; init; }
    }

    internal sealed class SecretCheckResult
    {
        public bool Valid { get; init; }
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Sitekey { get; init; }
        /// <summary>"current" or "previous" (in its grace period); null when not valid.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Which { get; init; }
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ExpiresOn { get; init; }
    }

    internal sealed class ControlOk
    {
        public bool Ok { get; init; } = true;
        public int WidgetCount { get; init; }
        public int PendingScriptSteps { get; init; }
    }

    internal sealed class ControlInfo
    {
        public string ApiBaseUrl { get; init; } = "";
        public string SiteverifyUrl { get; init; } = "";
        public string AccountId { get; init; } = "";
        public string[] AccountIds { get; init; } = Array.Empty<string>();
        public int MaxDomains { get; init; }
        public string[] Endpoints { get; init; } = Array.Empty<string>();
    }

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
    [JsonSerializable(typeof(WidgetResponse))]
    [JsonSerializable(typeof(WidgetListResponse))]
    [JsonSerializable(typeof(ErrorResponse))]
    [JsonSerializable(typeof(TokenVerifyResponse))]
    [JsonSerializable(typeof(PersistedState))]
    [JsonSerializable(typeof(ControlError))]
    [JsonSerializable(typeof(FaultSettingsView))]
    [JsonSerializable(typeof(ClockView))]
    [JsonSerializable(typeof(SeedResult))]
    [JsonSerializable(typeof(SecretCheckResult))]
    [JsonSerializable(typeof(ControlOk))]
    [JsonSerializable(typeof(ControlInfo))]
    [JsonSerializable(typeof(EmulatorStatsSnapshot))]
    internal sealed partial class EmulatorJsonContext : JsonSerializerContext
    {
        /// <summary>
        /// The context every writer uses: messages quote fields with backticks and values with quotes, and the relaxed
        /// encoder keeps them readable instead of \u0060 and \u0022 (the answers are JSON, never embedded in HTML).
        /// </summary>
        public static EmulatorJsonContext Wire { get; } = new(new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
