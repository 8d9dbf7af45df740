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
                Mode = WireNames.ParseMode(string.IsNullOrEmpty(mode) ? DefaultMode : mode!),
                Region = string.IsNullOrEmpty(region) ? (WidgetRegion?)null : WireNames.ParseRegion(region!),
                ClearanceLevel = string.IsNullOrEmpty(clearanceLevel) ? (ClearanceLevel?)null : WireNames.ParseClearanceLevel(clearanceLevel!),
                BotFightMode = botFightMode,
                EphemeralId = ephemeralId,
                Offlabel = offlabel,
            };
            WidgetValidator.ValidateDefinition(definition);
            return definition;
        }
    }
}
