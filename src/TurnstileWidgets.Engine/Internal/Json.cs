using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace TurnstileWidgets.Engine.Internal
{
    // Wire shapes only. Enums travel as strings so a value this version does not know
    // (a new mode, say) cannot break the deserialisation of a whole listing page.

    /// <summary>
    /// The part of the envelope every response has. Error bodies are read as this alone, since a failure may carry
    /// anything in <c>result</c>.
    /// </summary>
    internal class EnvelopeDto
    {
        [JsonPropertyName("success")]
        public bool Success { get; set; }
        [JsonPropertyName("errors")]
        public List<MessageDto>? Errors { get; set; }
        [JsonPropertyName("messages")]
        public List<MessageDto>? Messages { get; set; }
    }

    internal sealed class EnvelopeDto<T> : EnvelopeDto
    {
        [JsonPropertyName("result")]
        public T? Result { get; set; }
        [JsonPropertyName("result_info")]
        public ResultInfoDto? ResultInfo { get; set; }
    }

    internal sealed class MessageDto
    {
        [JsonPropertyName("code")]
        public int Code { get; set; }
        [JsonPropertyName("message")]
        public string? Message { get; set; }
        [JsonPropertyName("documentation_url")]
        public string? DocumentationUrl { get; set; }
        [JsonPropertyName("source")]
        public MessageSourceDto? Source { get; set; }
    }

    internal sealed class MessageSourceDto
    {
        [JsonPropertyName("pointer")]
        public string? Pointer { get; set; }
    }

    internal sealed class ResultInfoDto
    {
        [JsonPropertyName("page")]
        public int Page { get; set; }
        [JsonPropertyName("per_page")]
        public int PerPage { get; set; }
        [JsonPropertyName("count")]
        public int Count { get; set; }
        [JsonPropertyName("total_count")]
        public long? TotalCount { get; set; }
    }

    internal sealed class WidgetRequestDto
    {
        [JsonPropertyName("name")]
        public string Name { get; set; } = "";
        [JsonPropertyName("domains")]
        public List<string> Domains { get; set; } = new List<string>();
        [JsonPropertyName("mode")]
        public string Mode { get; set; } = "";
        [JsonPropertyName("region")]
        public string? Region { get; set; }
        [JsonPropertyName("clearance_level")]
        public string? ClearanceLevel { get; set; }
        [JsonPropertyName("bot_fight_mode")]
        public bool? BotFightMode { get; set; }
        [JsonPropertyName("ephemeral_id")]
        public bool? EphemeralId { get; set; }
        [JsonPropertyName("offlabel")]
        public bool? Offlabel { get; set; }
    }

    internal sealed class RotateSecretRequestDto
    {
        [JsonPropertyName("invalidate_immediately")]
        public bool InvalidateImmediately { get; set; }
    }

    internal sealed class TokenVerificationDto
    {
        [JsonPropertyName("id")]
        public string? Id { get; set; }
        [JsonPropertyName("status")]
        public string? Status { get; set; }
        [JsonPropertyName("expires_on")]
        public DateTimeOffset? ExpiresOn { get; set; }
        [JsonPropertyName("not_before")]
        public DateTimeOffset? NotBefore { get; set; }
    }

    // Widgets are read by WidgetJsonConverter, straight into the model.
    [JsonSourceGenerationOptions(
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters = new[] { typeof(WidgetJsonConverter) })]
    [JsonSerializable(typeof(EnvelopeDto<Widget>))]
    [JsonSerializable(typeof(EnvelopeDto<List<Widget>>))]
    [JsonSerializable(typeof(EnvelopeDto<TokenVerificationDto>))]
    [JsonSerializable(typeof(EnvelopeDto))]
    [JsonSerializable(typeof(WidgetRequestDto))]
    [JsonSerializable(typeof(RotateSecretRequestDto))]
    internal sealed partial class TurnstileJsonContext : JsonSerializerContext
    {
    }
}
