using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Errors
{
    /// <summary>
    /// The parameter a user typed for each API field the engine names (<c>domains</c> is <c>-Domain</c>), so that
    /// messages and recommended actions speak PowerShell rather than the wire format.
    /// </summary>
    internal static class ParameterNames
    {
        private static readonly Dictionary<string, string> ByField = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["name"] = "-Name",
            ["domains"] = "-Domain",
            ["mode"] = "-Mode",
            ["region"] = "-Region",
            ["clearance_level"] = "-ClearanceLevel",
            ["bot_fight_mode"] = "-BotFightMode",
            ["ephemeral_id"] = "-EphemeralId",
            ["offlabel"] = "-Offlabel",
            ["sitekey"] = "-Sitekey",
            ["account_id"] = "-AccountId",
            ["filter"] = "-Filter",
            ["order"] = "-SortBy",
            ["direction"] = "-Descending",
            ["per_page"] = "-First",
            ["page"] = "-Skip",
            ["credential"] = "-ApiToken",
            [EnvironmentSettings.BaseUrlVariable] = EnvironmentSettings.BaseUrlVariable + " (or Connect-Turnstile -ApiBaseUri)",
        };

        /// <summary>The parameter for the wire <paramref name="field"/>; null when no parameter sets it.</summary>
        public static string? ForField(string? field) =>
            field != null && ByField.TryGetValue(field, out string? parameter) ? parameter : null;

        /// <summary>True for the fields of a connection (the account id, the credential): Connect-Turnstile's or the CLOUDFLARE_* variables'.</summary>
        public static bool IsConnectionField(string? field) =>
            field != null && ConnectionFields.Contains(field);

        private static readonly HashSet<string> ConnectionFields = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "account_id", "credential", "email", "api_key", "api_token",
            EnvironmentSettings.ApiTokenVariable, EnvironmentSettings.AccountIdVariable, EnvironmentSettings.EmailVariable, EnvironmentSettings.ApiKeyVariable,
        };

        /// <summary>
        /// The engine's <c>field: problem</c> message with the field replaced by what the user gave for it
        /// (<paramref name="parameter"/>, e.g. <c>-Domain: problem</c>).
        /// </summary>
        public static string InUsersWords(string message, string? field, string? parameter)
        {
            if (parameter == null || message == null)
            {
                return message ?? "";
            }

            string prefix = field + ":";
            return message.StartsWith(prefix, StringComparison.Ordinal) ? parameter + ":" + message.Substring(prefix.Length) : message;
        }

        /// <summary>
        /// What the user gave for the wire fields Cloudflare's errors name (<c>-Domain, -Mode</c>, through
        /// <paramref name="inUsersWords"/>); null when they name none.
        /// </summary>
        public static string? NamedIn(IReadOnlyList<ApiMessage>? errors, Func<string, string?> inUsersWords)
        {
            if (errors == null)
            {
                return null;
            }

            var named = new List<string>();
            foreach (KeyValuePair<string, string> pair in ByField)
            {
                string? given = inUsersWords(pair.Key);
                if (given != null && errors.Any(e => MentionsField(e.Message, pair.Key)) && !named.Contains(given))
                {
                    named.Add(given);
                }
            }

            return named.Count == 0 ? null : string.Join(", ", named);
        }

        /// <summary>
        /// The most domains a widget may have, when Cloudflare's errors refuse the domain count and say the limit
        /// ("must hold 1 to 15 entries", "at most 15", "maximum of 15"); null otherwise.
        /// </summary>
        public static int? DomainLimit(IReadOnlyList<ApiMessage>? errors)
        {
            if (errors == null)
            {
                return null;
            }

            foreach (ApiMessage error in errors)
            {
                if (error.Message == null || !MentionsField(error.Message, "domains") && error.Message.IndexOf("hostname", StringComparison.OrdinalIgnoreCase) < 0)
                {
                    continue;
                }

                Match limit = LimitPattern.Match(error.Message);
                if (limit.Success && int.TryParse(limit.Groups["limit"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                {
                    return value;
                }
            }

            return null;
        }

        private static readonly Regex LimitPattern = new Regex(
            @"(?:\b\d+\s+to|at\s+most|maximum(?:\s+of)?|max(?:imum)?\s+is|limit(?:\s+of|\s+is)?|up\s+to)\s+(?<limit>\d+)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static bool MentionsField(string? text, string field) =>
            text != null && Regex.IsMatch(text, @"(?<![A-Za-z_])" + Regex.Escape(field) + @"(?![A-Za-z_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
