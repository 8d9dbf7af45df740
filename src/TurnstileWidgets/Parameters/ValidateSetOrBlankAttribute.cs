using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// ValidateSet's rule (one of the values, ignoring case) that lets a blank value through as "not given"; ValidateSet
    /// itself refuses null and empty text, so an empty CSV cell failed every row. Tab completion comes from
    /// <see cref="Completion.SettingValueCompleter"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateSetOrBlankAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Creates the attribute with the allowed values.</summary>
        public ValidateSetOrBlankAttribute(params string[] validValues)
        {
            ValidValues = validValues ?? throw new ArgumentNullException(nameof(validValues));
        }

        /// <summary>The allowed values.</summary>
        public IList<string> ValidValues { get; }

        /// <summary>Passes null and blank text; refuses anything else that is not one of <see cref="ValidValues"/>.</summary>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object? value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            if (BlankAsNotGivenAttribute.IsBlank(value))
            {
                return;
            }

            string text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            foreach (string valid in ValidValues)
            {
                if (string.Equals(valid, text.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }

            throw new ValidationMetadataException(string.Format(CultureInfo.InvariantCulture,
                "'{0}' is not one of the allowed values: {1}. Leave it out (or blank) to keep the current or default setting.",
                text, string.Join(", ", ValidValues)));
        }
    }
}
