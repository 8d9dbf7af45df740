using System;
using System.Globalization;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Listing
{
    /// <summary>Turns <c>Get-TurnstileWidget</c>'s <c>-Filter</c>, <c>-SortBy</c> and <c>-Descending</c> into the API's query.</summary>
    internal static class ListingRequest
    {
        /// <summary>The values <c>-SortBy</c> accepts, in the order the help lists them.</summary>
        public static readonly string[] SortByValues = { "Id", "Sitekey", "Name", "CreatedOn", "ModifiedOn" };

        /// <summary>
        /// Checks a <c>-Filter</c> value (<c>name:value</c> or <c>sitekey:value</c>; the field name ignores case)
        /// and returns it with the field in the API's spelling. Throws <see cref="TurnstileValidationException"/>
        /// before any request.
        /// </summary>
        public static string NormalizeFilter(string filter)
        {
            if (filter == null) throw new ArgumentNullException(nameof(filter));
            int colon = filter.IndexOf(':');
            string field = colon < 0 ? filter : filter.Substring(0, colon).Trim();
            if (colon < 0 || !(field.Equals("name", StringComparison.OrdinalIgnoreCase) || field.Equals("sitekey", StringComparison.OrdinalIgnoreCase)))
            {
                throw new TurnstileValidationException("filter", string.Format(CultureInfo.InvariantCulture,
                    "The filter '{0}' is not valid: use 'name:<text>' or 'sitekey:<text>' (a case-insensitive substring match), for example -Filter 'name:login'. To match whole names with wildcards, use -Name.",
                    filter));
            }

            // The rest of the filter's rule (how long its text may be) is the engine's, checked once when the listing starts.
            return field.ToLowerInvariant() + ":" + filter.Substring(colon + 1);
        }

        /// <summary>Maps a <c>-SortBy</c> value (case-insensitive) to the API's order; null when not given.</summary>
        public static WidgetOrder? ParseSortBy(string? sortBy)
        {
            if (string.IsNullOrEmpty(sortBy)) return null;
            switch (sortBy!.Trim().ToLowerInvariant())
            {
                case "id": return WidgetOrder.Id;
                case "sitekey": return WidgetOrder.Sitekey;
                case "name": return WidgetOrder.Name;
                case "createdon":
                case "created_on": return WidgetOrder.CreatedOn;
                case "modifiedon":
                case "modified_on": return WidgetOrder.ModifiedOn;
                default:
                    throw new TurnstileValidationException("order", string.Format(CultureInfo.InvariantCulture,
                        "-SortBy '{0}' is not one of {1}.", sortBy, string.Join(", ", SortByValues)));
            }
        }

        /// <summary><c>-Descending</c> gives descending order; otherwise the API's default direction is left alone.</summary>
        public static OrderDirection? ParseDirection(bool descending) => descending ? OrderDirection.Descending : (OrderDirection?)null;

        /// <summary>
        /// Builds the listing query: <paramref name="filter"/> is the already-normalized API filter (from
        /// <see cref="NormalizeFilter"/> or <see cref="NamePattern.ApiFilter"/>), or null.
        /// </summary>
        public static WidgetListQuery Build(string? filter, string? sortBy, bool descending, PagingWindow window)
        {
            if (window == null) throw new ArgumentNullException(nameof(window));
            return new WidgetListQuery
            {
                Filter = filter,
                Order = ParseSortBy(sortBy),
                Direction = ParseDirection(descending),
                PerPage = window.PerPage,
                StartPage = window.StartPage,
            };
        }
    }
}
