using System;
using System.Globalization;

namespace TurnstileWidgets.Engine.CmdletSupport
{
    /// <summary>
    /// Reads on/off settings that arrive as text (Import-Csv, ConvertFrom-Json): <c>true</c>/<c>false</c>,
    /// <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>, <c>$true</c>/<c>$false</c>, ignoring case and surrounding spaces.
    /// An empty value (a blank CSV cell) means off.
    /// </summary>
    public static class CsvBoolean
    {
        /// <summary>Parses <paramref name="text"/>; false when it is none of the accepted spellings.</summary>
        public static bool TryParse(string? text, out bool value)
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

        /// <summary>
        /// Converts a bound value (a bool, an integer 0 or 1, or text) for <paramref name="parameterName"/>;
        /// throws <see cref="TurnstileValidationException"/> naming the accepted values.
        /// </summary>
        public static bool Convert(object? value, string parameterName)
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

            throw new TurnstileValidationException(parameterName, string.Format(CultureInfo.InvariantCulture,
                "-{0} accepts true or false, 1 or 0, yes or no, or $true or $false; '{1}' is none of these.",
                parameterName, System.Convert.ToString(value, CultureInfo.InvariantCulture)));
        }
    }
}
