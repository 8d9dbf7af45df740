using System.Collections.Generic;
using System.Linq;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>Builds <c>New-TurnstileWidget</c>'s request body from its parameters (wire values; null = not given).</summary>
    internal static class NewWidgetRequest
    {
        /// <summary>The mode when <c>-Mode</c> is not given.</summary>
        public const string DefaultMode = "managed";

        /// <summary>
        /// The POST body, validated before any request (<see cref="TurnstileValidationException"/>). Domains are trimmed,
        /// converted to their ASCII form (each conversion noted in <paramref name="notes"/>) and de-duplicated ignoring case;
        /// settings not given are left to the API's defaults.
        /// </summary>
        public static WidgetDefinition Build(string name, IEnumerable<string>? domains, string? mode, string? region, string? clearanceLevel,
            bool? botFightMode, bool? ephemeralId, bool? offlabel, ICollection<string>? notes = null)
        {
            List<string> cleaned = DomainNames.ToAscii(domains ?? Enumerable.Empty<string>(), notes);
            var definition = new WidgetDefinition
            {
                Name = name ?? "",
                Domains = cleaned,
                BotFightMode = botFightMode,
                EphemeralId = ephemeralId,
                Offlabel = offlabel,
            };
            // A value this version does not know is sent as typed: Cloudflare adds values (as it did clearance levels), and
            // only the API knows what the account accepts; its refusal names the parameter.
            WidgetMerge.SetWireValue(definition, "mode", string.IsNullOrWhiteSpace(mode) ? DefaultMode : mode!.Trim());
            if (!string.IsNullOrWhiteSpace(region))
            {
                WidgetMerge.SetWireValue(definition, "region", region!.Trim());
            }
            if (!string.IsNullOrWhiteSpace(clearanceLevel))
            {
                WidgetMerge.SetWireValue(definition, "clearance_level", clearanceLevel!.Trim());
            }
            WidgetValidator.ValidateDefinition(definition);
            return definition;
        }
    }
}
