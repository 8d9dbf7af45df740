using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TurnstileWidgets.Emulator
{
    /// <summary>A validated create or update body. Fields a body left out are null.</summary>
    internal sealed class WidgetInput
    {
        public static readonly string[] Modes = { "managed", "non-interactive", "invisible" };
        public static readonly string[] Regions = { "world", "china" };
        public static readonly string[] ClearanceLevels = { "no_clearance", "jschallenge", "managed", "interactive" };

        public const int MaxNameLength = 254;

        public string Name { get; private set; } = "";
        public string[] Domains { get; private set; } = Array.Empty<string>();
        public string Mode { get; private set; } = "";
        public string? Region { get; private set; }
        public string? ClearanceLevel { get; private set; }
        public bool? BotFightMode { get; private set; }
        public bool? EphemeralId { get; private set; }
        public bool? Offlabel { get; private set; }

        /// <summary>Reads a create or update body; both require name, mode and domains. Unknown fields are ignored, as the real API does.</summary>
        /// <param name="body">The request body.</param>
        /// <param name="maxDomains">The most domains a widget may have: the account's plan sets it (--max-domains).</param>
        /// <param name="input">The validated input; empty when an error is returned.</param>
        public static ApiError? TryRead(JsonElement body, int maxDomains, out WidgetInput input)
        {
            input = new WidgetInput();
            if (body.ValueKind != JsonValueKind.Object)
            {
                return ApiError.MalformedBody($"The request body must be a JSON object, not {Describe(body.ValueKind)}.");
            }

            foreach (string required in new[] { "name", "mode", "domains" })
            {
                if (!body.TryGetProperty(required, out _))
                {
                    return ApiError.InvalidField($"missing field `{required}`");
                }
            }

            ApiError? error = ReadString(body, "name", out string? name);
            if (error is not null)
            {
                return error;
            }

            if (name!.Length < 1 || name.Length > MaxNameLength)
            {
                return ApiError.InvalidField($"field `name` must be 1 to {MaxNameLength} characters long, not {name.Length}");
            }

            input.Name = name;

            error = ReadEnum(body, "mode", Modes, out string? mode);
            if (error is not null)
            {
                return error;
            }

            input.Mode = mode!;

            error = ReadDomains(body, maxDomains, out string[] domains);
            if (error is not null)
            {
                return error;
            }

            input.Domains = domains;

            if ((error = ReadOptionalEnum(body, "region", Regions, out string? region)) is not null)
            {
                return error;
            }

            input.Region = region;

            if ((error = ReadOptionalEnum(body, "clearance_level", ClearanceLevels, out string? clearance)) is not null)
            {
                return error;
            }

            input.ClearanceLevel = clearance;

            if ((error = ReadOptionalBool(body, "bot_fight_mode", out bool? botFightMode)) is not null)
            {
                return error;
            }

            if ((error = ReadOptionalBool(body, "ephemeral_id", out bool? ephemeralId)) is not null)
            {
                return error;
            }

            if ((error = ReadOptionalBool(body, "offlabel", out bool? offlabel)) is not null)
            {
                return error;
            }

            input.BotFightMode = botFightMode;
            input.EphemeralId = ephemeralId;
            input.Offlabel = offlabel;
            return null;
        }

        /// <summary>Reads a rotate_secret body: optional, and invalidate_immediately defaults to false.</summary>
        public static ApiError? TryReadRotation(JsonElement? body, out bool invalidateImmediately)
        {
            invalidateImmediately = false;
            if (body is not JsonElement element)
            {
                return null;
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                return ApiError.MalformedBody($"The request body must be a JSON object, not {Describe(element.ValueKind)}.");
            }

            ApiError? error = ReadOptionalBool(element, "invalidate_immediately", out bool? value);
            invalidateImmediately = value ?? false;
            return error;
        }

        private static ApiError? ReadString(JsonElement body, string field, out string? value)
        {
            value = null;
            JsonElement element = body.GetProperty(field);
            if (element.ValueKind != JsonValueKind.String)
            {
                return WrongType(field, "a string", element.ValueKind);
            }

            value = element.GetString();
            return null;
        }

        private static ApiError? ReadEnum(JsonElement body, string field, string[] allowed, out string? value)
        {
            ApiError? error = ReadString(body, field, out value);
            if (error is null && Array.IndexOf(allowed, value) < 0)
            {
                error = ApiError.InvalidField(
                    $"unknown variant `{value}` for field `{field}`, expected one of {string.Join(", ", Array.ConvertAll(allowed, a => "`" + a + "`"))}");
                value = null;
            }

            return error;
        }

        private static ApiError? ReadOptionalEnum(JsonElement body, string field, string[] allowed, out string? value)
        {
            value = null;
            if (!body.TryGetProperty(field, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return ReadEnum(body, field, allowed, out value);
        }

        private static ApiError? ReadOptionalBool(JsonElement body, string field, out bool? value)
        {
            value = null;
            if (!body.TryGetProperty(field, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                value = element.GetBoolean();
                return null;
            }

            return WrongType(field, "a boolean", element.ValueKind);
        }

        private static ApiError? ReadDomains(JsonElement body, int maxDomains, out string[] domains)
        {
            domains = Array.Empty<string>();
            JsonElement element = body.GetProperty("domains");
            if (element.ValueKind != JsonValueKind.Array)
            {
                return WrongType("domains", "an array of strings", element.ValueKind);
            }

            int count = element.GetArrayLength();
            if (count < 1 || count > maxDomains)
            {
                string plan = count > maxDomains ? $" (this account's plan allows at most {maxDomains} domains per widget)" : "";
                return ApiError.InvalidField($"field `domains` must hold 1 to {maxDomains} entries, not {count}{plan}");
            }

            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (JsonElement item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return WrongType("domains", "an array of strings", item.ValueKind, " entry");
                }

                string domain = item.GetString()!;
                string? problem = DomainProblem(domain);
                if (problem is not null)
                {
                    return ApiError.InvalidField(
                        $"invalid domain \"{domain}\" in field `domains`: {problem}; give a hostname (example.com) or an IPv4/IPv6 address without scheme, port, path or wildcard");
                }

                set.Add(domain.ToLowerInvariant());
            }

            domains = new string[set.Count];
            set.CopyTo(domains);
            return null;
        }

        /// <summary>Null when <paramref name="domain"/> is a bare hostname or IP address; otherwise what is wrong with it.</summary>
        internal static string? DomainProblem(string domain)
        {
            if (domain.Length == 0)
            {
                return "it is empty";
            }

            if (domain.Contains("://", StringComparison.Ordinal))
            {
                return "remove the scheme";
            }

            if (domain.Contains('*', StringComparison.Ordinal))
            {
                return "wildcards are not allowed (a widget already works on subdomains)";
            }

            if (domain.IndexOfAny(new[] { '/', '?', '#' }) >= 0)
            {
                return "remove the path";
            }

            if (domain.Contains(':', StringComparison.Ordinal))
            {
                if (domain.IndexOfAny(new[] { '[', ']', '%' }) < 0
                    && IPAddress.TryParse(domain, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    return null;
                }

                int colon = domain.LastIndexOf(':');
                bool looksLikePort = colon < domain.Length - 1 && IsAllDigits(domain.AsSpan(colon + 1))
                    && (domain.IndexOf(':') == colon || domain.StartsWith('['));
                return looksLikePort ? "remove the port" : "it is not a valid IPv6 address";
            }

            if (IsIPv4Like(domain))
            {
                return IsStrictIPv4(domain) ? null : "it is not a valid IPv4 address";
            }

            if (domain.Length > 253)
            {
                return "a hostname is at most 253 characters long";
            }

            foreach (string label in domain.Split('.'))
            {
                if (label.Length is 0 or > 63)
                {
                    return "it is not a valid hostname (each dot-separated label must be 1 to 63 characters)";
                }

                if (label[0] == '-' || label[^1] == '-')
                {
                    return "it is not a valid hostname (a label must not start or end with a hyphen)";
                }

                foreach (char c in label)
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                    {
                        return "it is not a valid hostname (use letters, digits, hyphens and dots; punycode for international names)";
                    }
                }
            }

            return null;
        }

        private static bool IsAllDigits(ReadOnlySpan<char> text)
        {
            foreach (char c in text)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
            }

            return text.Length > 0;
        }

        private static bool IsIPv4Like(string text)
        {
            foreach (char c in text)
            {
                if (!(char.IsAsciiDigit(c) || c == '.'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsStrictIPv4(string text)
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }

            foreach (string part in parts)
            {
                if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')
                    || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 255)
                {
                    return false;
                }
            }

            return true;
        }

        private static ApiError WrongType(string field, string expected, JsonValueKind actual, string entry = "") =>
            ApiError.InvalidField($"invalid type: {Describe(actual)}, expected {expected} for field `{field}`{entry}");

        internal static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "a JSON object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
