using System.Collections.Generic;
using System.Text.Json;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// The wire fields <c>PATCH /__emulator/widgets/{sitekey}</c> stores verbatim, to simulate the API sending values this
    /// client may not know (a new mode, a new clearance level). Only JSON types are checked; values are not.
    /// </summary>
    internal sealed class WidgetDrift
    {
        private static readonly string[] Fields = { "name", "domains", "mode", "region", "clearance_level", "bot_fight_mode", "ephemeral_id", "offlabel" };

        public string? Name { get; private init; }
        public string[]? Domains { get; private init; }
        public string? Mode { get; private init; }
        public string? Region { get; private init; }
        public string? ClearanceLevel { get; private init; }
        public bool? BotFightMode { get; private init; }
        public bool? EphemeralId { get; private init; }
        public bool? Offlabel { get; private init; }

        /// <summary>Reads the body; an error message (for a 400) when a field is unknown or of the wrong JSON type.</summary>
        public static string? TryRead(JsonElement body, out WidgetDrift drift)
        {
            drift = new WidgetDrift();
            string? name = null, mode = null, region = null, clearance = null;
            string[]? domains = null;
            bool? botFightMode = null, ephemeralId = null, offlabel = null;
            foreach (JsonProperty property in body.EnumerateObject())
            {
                JsonElement value = property.Value;
                switch (property.Name)
                {
                    case "name": if (!Text(value, out name)) return Wrong(property.Name, "a string"); break;
                    case "mode": if (!Text(value, out mode)) return Wrong(property.Name, "a string"); break;
                    case "region": if (!Text(value, out region)) return Wrong(property.Name, "a string"); break;
                    case "clearance_level": if (!Text(value, out clearance)) return Wrong(property.Name, "a string"); break;
                    case "bot_fight_mode": if (!Flag(value, out botFightMode)) return Wrong(property.Name, "a boolean"); break;
                    case "ephemeral_id": if (!Flag(value, out ephemeralId)) return Wrong(property.Name, "a boolean"); break;
                    case "offlabel": if (!Flag(value, out offlabel)) return Wrong(property.Name, "a boolean"); break;
                    case "domains":
                        if (value.ValueKind != JsonValueKind.Array) return Wrong(property.Name, "an array of strings");
                        var list = new List<string>();
                        foreach (JsonElement item in value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String) return Wrong(property.Name, "an array of strings");
                            list.Add(item.GetString()!);
                        }

                        domains = list.ToArray();
                        break;
                    default:
                        return $"'{property.Name}' is not a widget field this endpoint stores. Fields: {string.Join(", ", Fields)}.";
                }
            }

            drift = new WidgetDrift
            {
                Name = name, Domains = domains, Mode = mode, Region = region, ClearanceLevel = clearance,
                BotFightMode = botFightMode, EphemeralId = ephemeralId, Offlabel = offlabel,
            };
            return null;
        }

        private static string Wrong(string field, string expected) => $"'{field}' must be {expected}.";

        private static bool Text(JsonElement value, out string? text)
        {
            text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return text is not null;
        }

        private static bool Flag(JsonElement value, out bool? flag)
        {
            flag = value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
            return flag is not null;
        }
    }
}
