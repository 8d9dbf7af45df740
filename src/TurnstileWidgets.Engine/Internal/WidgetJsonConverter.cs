using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>
    /// Reads a widget from the wire straight into a <see cref="Widget"/>: the one place that maps the API's widget
    /// object to the model. A listing reads a thousand widgets per page, and reading them into a transfer object first
    /// (through the serializer's per-property metadata) and copying that into the model cost a tenth more CPU than a
    /// plain deserialisation and an object per widget. Vocabulary fields (mode, region, clearance_level) that this
    /// version does not know are kept in <see cref="Widget.UnrecognizedValues"/>, so a listing never fails over a value
    /// the API added later; any other malformed value is a <see cref="JsonException"/>, as the serializer would raise.
    /// </summary>
    internal sealed class WidgetJsonConverter : JsonConverter<Widget>
    {
        // The fields in the order the API sends them, so the next name is almost always found by its first comparison.
        private const int Sitekey = 0;
        private const int Secret = 1;
        private const int Name = 2;
        private const int Domains = 3;
        private const int Mode = 4;
        private const int Region = 5;
        private const int ClearanceLevel = 6;
        private const int BotFightMode = 7;
        private const int EphemeralId = 8;
        private const int Offlabel = 9;
        private const int CreatedOn = 10;
        private const int ModifiedOn = 11;
        private const int DeployedVia = 12;
        private const int LastModifiedVia = 13;

        private static readonly string[] FieldNames =
        {
            "sitekey", "secret", "name", "domains", "mode", "region", "clearance_level", "bot_fight_mode", "ephemeral_id",
            "offlabel", "created_on", "modified_on", "deployed_via", "last_modified_via",
        };

        private static readonly byte[][] FieldNamesUtf8 = Utf8(FieldNames);
        private static readonly byte[][] ModeNamesUtf8 = Utf8(WireNames.Modes);
        private static readonly byte[][] RegionNamesUtf8 = Utf8(WireNames.Regions);
        private static readonly byte[][] ClearanceLevelNamesUtf8 = Utf8(WireNames.ClearanceLevels);

        [MethodImpl(HotPath.Optimized)]
        public override Widget Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("Expected a widget (a JSON object).");
            }
            string? sitekey = null;
            string? secret = null;
            string? name = null;
            List<string>? domains = null;
            // A vocabulary field is its index in the known names, or -1 with its text kept (null: absent or null).
            int mode = -1;
            string? modeText = null;
            int region = -1;
            string? regionText = null;
            int level = -1;
            string? levelText = null;
            bool botFightMode = false;
            bool ephemeralId = false;
            bool offlabel = false;
            DateTimeOffset createdOn = default;
            DateTimeOffset modifiedOn = default;
            string? deployedVia = null;
            string? lastModifiedVia = null;

            int expected = 0;
            while (true)
            {
                if (!reader.Read())
                {
                    throw new JsonException("The widget object ended early.");
                }
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                int field = FieldOf(ref reader, expected);
                if (!reader.Read())
                {
                    throw new JsonException("The widget object ended early.");
                }
                expected = field + 1;
                // As the serializer: a repeated field takes the last value.
                try
                {
                    switch (field)
                    {
                        case Sitekey:
                            sitekey = ReadString(ref reader);
                            break;
                        case Secret:
                            secret = ReadString(ref reader);
                            break;
                        case Name:
                            name = ReadString(ref reader);
                            break;
                        case Domains:
                            domains = ReadStrings(ref reader);
                            break;
                        case Mode:
                            mode = ReadVocabulary(ref reader, ModeNamesUtf8, out modeText);
                            break;
                        case Region:
                            region = ReadVocabulary(ref reader, RegionNamesUtf8, out regionText);
                            break;
                        case ClearanceLevel:
                            level = ReadVocabulary(ref reader, ClearanceLevelNamesUtf8, out levelText);
                            break;
                        case BotFightMode:
                            botFightMode = ReadBoolean(ref reader);
                            break;
                        case EphemeralId:
                            ephemeralId = ReadBoolean(ref reader);
                            break;
                        case Offlabel:
                            offlabel = ReadBoolean(ref reader);
                            break;
                        case CreatedOn:
                            createdOn = ReadDate(ref reader);
                            break;
                        case ModifiedOn:
                            modifiedOn = ReadDate(ref reader);
                            break;
                        case DeployedVia:
                            deployedVia = ReadString(ref reader);
                            break;
                        case LastModifiedVia:
                            lastModifiedVia = ReadString(ref reader);
                            break;
                        default:
                            // A field this version does not read (the API adds fields): skipped whole.
                            expected = 0;
                            reader.Skip();
                            break;
                    }
                }
                catch (JsonException ex) when (field >= 0)
                {
                    // The serializer adds no path to a converter's own message: the field is named here, or a user sees
                    // "Expected a string, found Number." with no clue which of a widget's fields the API sent wrong.
                    throw new JsonException($"the widget field '{FieldNames[field]}': {ex.Message}", ex);
                }
            }

            // Spelled otherwise (another case, spaces around): parsed as WireNames parses any value. Unknown, it is kept as
            // it came; mode is required, so an absent or null one is kept too (as "").
            Dictionary<string, string>? unrecognized = null;
            WidgetMode modeValue = (WidgetMode)Math.Max(mode, 0);
            if (mode < 0 && !WireNames.TryParseMode(modeText, out modeValue))
            {
                Note(ref unrecognized, "mode", modeText ?? "");
            }
            WidgetRegion regionValue = (WidgetRegion)Math.Max(region, 0);
            if (region < 0 && !WireNames.TryParseRegion(regionText, out regionValue) && regionText != null)
            {
                Note(ref unrecognized, "region", regionText);
            }
            ClearanceLevel levelValue = (ClearanceLevel)Math.Max(level, 0);
            if (level < 0 && !WireNames.TryParseClearanceLevel(levelText, out levelValue) && levelText != null)
            {
                Note(ref unrecognized, "clearance_level", levelText);
            }
            var widget = new Widget
            {
                Sitekey = sitekey ?? "",
                Secret = secret,
                Name = name ?? "",
                Domains = (IReadOnlyList<string>?)domains ?? Array.Empty<string>(),
                Mode = modeValue,
                Region = regionValue,
                ClearanceLevel = levelValue,
                BotFightMode = botFightMode,
                EphemeralId = ephemeralId,
                Offlabel = offlabel,
                CreatedOn = createdOn,
                ModifiedOn = modifiedOn,
                DeployedVia = deployedVia,
                LastModifiedVia = lastModifiedVia,
            };
            if (unrecognized != null)
            {
                widget.UnrecognizedValues = unrecognized;
            }
            return widget;
        }

        /// <summary>Widgets are only read: the engine never sends a whole widget.</summary>
        public override void Write(Utf8JsonWriter writer, Widget value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Widgets are read from the API, never written.");

        private static void Note(ref Dictionary<string, string>? unrecognized, string field, string value)
        {
            unrecognized ??= new Dictionary<string, string>(StringComparer.Ordinal);
            unrecognized[field] = value;
        }

        /// <summary>The field the current property name names (-1 for another), trying <paramref name="expected"/> first.</summary>
        [MethodImpl(HotPath.Optimized)]
        private static int FieldOf(ref Utf8JsonReader reader, int expected)
        {
            if (reader.HasValueSequence || reader.ValueIsEscaped)
            {
                // Rare (an escaped name): compared as text.
                return Array.IndexOf(FieldNames, reader.GetString());
            }
            ReadOnlySpan<byte> name = reader.ValueSpan;
            if (expected < FieldNamesUtf8.Length && name.SequenceEqual(FieldNamesUtf8[expected]))
            {
                return expected;
            }
            for (int i = 0; i < FieldNamesUtf8.Length; i++)
            {
                if (name.SequenceEqual(FieldNamesUtf8[i]))
                {
                    return i;
                }
            }
            return -1;
        }

        private static string? ReadString(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return reader.GetString();
                case JsonTokenType.Null:
                    return null;
                default:
                    throw new JsonException($"Expected a string, found {reader.TokenType}.");
            }
        }

        private static List<string>? ReadStrings(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"Expected an array of strings, found {reader.TokenType}.");
            }
            var values = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                // A null entry stays null, as the serializer reads it.
                values.Add(ReadString(ref reader)!);
            }
            return values;
        }

        private static bool ReadBoolean(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                default:
                    throw new JsonException($"Expected true or false, found {reader.TokenType}.");
            }
        }

        private static DateTimeOffset ReadDate(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out DateTimeOffset value))
            {
                throw new JsonException("Expected a date and time in ISO 8601 form.");
            }
            return value;
        }

        /// <summary>
        /// The index of the known name the value spells exactly as the wire does, or -1 with its text in
        /// <paramref name="text"/> (null for a JSON null), for <see cref="WireNames"/> to parse as it parses any value.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static int ReadVocabulary(ref Utf8JsonReader reader, byte[][] namesUtf8, out string? text)
        {
            text = null;
            if (reader.TokenType == JsonTokenType.Null)
            {
                return -1;
            }
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a string, found {reader.TokenType}.");
            }
            if (!reader.HasValueSequence && !reader.ValueIsEscaped)
            {
                ReadOnlySpan<byte> value = reader.ValueSpan;
                for (int i = 0; i < namesUtf8.Length; i++)
                {
                    if (value.SequenceEqual(namesUtf8[i]))
                    {
                        return i;
                    }
                }
            }
            text = reader.GetString();
            return -1;
        }

        private static byte[][] Utf8(IReadOnlyList<string> names)
        {
            var bytes = new byte[names.Count][];
            for (int i = 0; i < names.Count; i++)
            {
                bytes[i] = Encoding.UTF8.GetBytes(names[i]);
            }
            return bytes;
        }
    }
}
