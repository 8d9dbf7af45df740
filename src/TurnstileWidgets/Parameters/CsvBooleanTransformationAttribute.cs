using System;
using System.Globalization;
using System.Management.Automation;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// Lets a switch bind from text such as Import-Csv and ConvertFrom-Json give: <c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>,
    /// <c>yes</c>/<c>no</c>, <c>$true</c>/<c>$false</c>, ignoring case and surrounding spaces; a blank CSV cell means off.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class CsvBooleanTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Creates the attribute for the named parameter (used in error messages).</summary>
        public CsvBooleanTransformationAttribute(string parameterName)
        {
            ParameterName = parameterName;
        }

        /// <summary>The parameter's name, without the dash.</summary>
        public string ParameterName { get; }

        /// <summary>Turns the bound value into a <see cref="SwitchParameter"/>.</summary>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is SwitchParameter)
            {
                return value;
            }

            return new SwitchParameter(Convert(value, ParameterName));
        }

        /// <summary>
        /// Converts a bound value (a bool, an integer 0 or 1, or text) for <paramref name="parameterName"/>;
        /// throws <see cref="ArgumentTransformationMetadataException"/> naming the accepted values.
        /// </summary>
        internal static bool Convert(object? value, string parameterName)
        {
            switch (value)
            {
                case null:
                    return false;
                case bool flag:
                    return flag;
                case int number when number == 0 || number == 1:
                    return number == 1;
                case long number when number == 0 || number == 1:
                    return number == 1;
                case string text when TryParse(text, out bool parsed):
                    return parsed;
            }

            throw new ArgumentTransformationMetadataException(string.Format(CultureInfo.InvariantCulture,
                "-{0} accepts true or false, 1 or 0, yes or no, or $true or $false; '{1}' is none of these.",
                parameterName, System.Convert.ToString(value, CultureInfo.InvariantCulture)));
        }

        /// <summary>
        /// Parses <paramref name="text"/>; false when it is none of the accepted spellings. LanguagePrimitives would
        /// read any non-empty text, "false" and "no" included, as true, which is why the spellings are listed here.
        /// </summary>
        internal static bool TryParse(string? text, out bool value)
        {
            value = false;
            if (text == null) return true;
            switch (text.Trim().ToLowerInvariant())
            {
                case "":
                case "false":
                case "0":
                case "no":
                case "$false":
                    value = false;
                    return true;
                case "true":
                case "1":
                case "yes":
                case "$true":
                    value = true;
                    return true;
                default:
                    return false;
            }
        }
    }
}
