using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine
{
    /// <summary>The API's wire names for the enums, both ways.</summary>
    public static class WireNames
    {
        private static readonly string[] ModeNames = { "managed", "non-interactive", "invisible" };
        private static readonly string[] RegionNames = { "world", "china" };
        private static readonly string[] ClearanceLevelNames = { "no_clearance", "jschallenge", "managed", "interactive" };
        private static readonly string[] OrderNames = { "id", "sitekey", "name", "created_on", "modified_on" };
        private static readonly string[] DirectionNames = { "asc", "desc" };

        /// <summary>Every wire name of <see cref="WidgetMode"/>, in declaration order.</summary>
        public static IReadOnlyList<string> Modes => ModeNames;
        /// <summary>Every wire name of <see cref="WidgetRegion"/>, in declaration order.</summary>
        public static IReadOnlyList<string> Regions => RegionNames;
        /// <summary>Every wire name of <see cref="ClearanceLevel"/>, in declaration order.</summary>
        public static IReadOnlyList<string> ClearanceLevels => ClearanceLevelNames;
        /// <summary>Every wire name of <see cref="WidgetOrder"/>, in declaration order.</summary>
        public static IReadOnlyList<string> Orders => OrderNames;

        /// <summary>e.g. <c>non-interactive</c>.</summary>
        public static string ToWire(WidgetMode value) => Name(ModeNames, (int)value, "mode", value.ToString());
        /// <summary>e.g. <c>china</c>.</summary>
        public static string ToWire(WidgetRegion value) => Name(RegionNames, (int)value, "region", value.ToString());
        /// <summary>e.g. <c>no_clearance</c>.</summary>
        public static string ToWire(ClearanceLevel value) => Name(ClearanceLevelNames, (int)value, "clearance_level", value.ToString());
        /// <summary>e.g. <c>created_on</c>.</summary>
        public static string ToWire(WidgetOrder value) => Name(OrderNames, (int)value, "order", value.ToString());
        /// <summary><c>asc</c> or <c>desc</c>.</summary>
        public static string ToWire(OrderDirection value) => Name(DirectionNames, (int)value, "direction", value.ToString());

        /// <summary>Parses a wire name (case-insensitive); throws <see cref="TurnstileValidationException"/> naming the allowed values.</summary>
        public static WidgetMode ParseMode(string value) => (WidgetMode)Parse(ModeNames, value, "mode");
        /// <summary>Parses a wire name (case-insensitive).</summary>
        public static WidgetRegion ParseRegion(string value) => (WidgetRegion)Parse(RegionNames, value, "region");
        /// <summary>Parses a wire name (case-insensitive).</summary>
        public static ClearanceLevel ParseClearanceLevel(string value) => (ClearanceLevel)Parse(ClearanceLevelNames, value, "clearance_level");
        /// <summary>Parses a wire name (case-insensitive).</summary>
        public static WidgetOrder ParseOrder(string value) => (WidgetOrder)Parse(OrderNames, value, "order");
        /// <summary>Parses <c>asc</c> or <c>desc</c> (case-insensitive).</summary>
        public static OrderDirection ParseDirection(string value) => (OrderDirection)Parse(DirectionNames, value, "direction");

        [MethodImpl(HotPath.Optimized)]
        internal static bool TryParse(string[] names, string? value, out int index)
        {
            // A plain loop: this runs three times per listed widget, and a lambda would allocate a closure each time.
            index = -1;
            if (value == null)
            {
                return false;
            }

            string trimmed = value.Trim();
            for (int i = 0; i < names.Length; i++)
            {
                if (string.Equals(names[i], trimmed, StringComparison.OrdinalIgnoreCase))
                {
                    index = i;
                    return true;
                }
            }

            return false;
        }

        internal static bool TryParseMode(string? value, out WidgetMode mode)
        {
            bool ok = TryParse(ModeNames, value, out int index);
            mode = ok ? (WidgetMode)index : WidgetMode.Managed;
            return ok;
        }

        internal static bool TryParseRegion(string? value, out WidgetRegion region)
        {
            bool ok = TryParse(RegionNames, value, out int index);
            region = ok ? (WidgetRegion)index : WidgetRegion.World;
            return ok;
        }

        internal static bool TryParseClearanceLevel(string? value, out ClearanceLevel level)
        {
            bool ok = TryParse(ClearanceLevelNames, value, out int index);
            level = ok ? (ClearanceLevel)index : ClearanceLevel.NoClearance;
            return ok;
        }

        private static int Parse(string[] names, string value, string field)
        {
            if (TryParse(names, value, out int index))
            {
                return index;
            }
            string shown = value == null ? "nothing" : $"'{value}'";
            throw new TurnstileValidationException(field, $"{field}: {shown} is not a valid value. Allowed: {string.Join(", ", names)}.");
        }

        private static string Name(string[] names, int index, string field, string shown)
        {
            if (index >= 0 && index < names.Length)
            {
                return names[index];
            }
            throw new TurnstileValidationException(field, $"{field}: {shown} is not a valid value. Allowed: {string.Join(", ", names)}.");
        }
    }
}
