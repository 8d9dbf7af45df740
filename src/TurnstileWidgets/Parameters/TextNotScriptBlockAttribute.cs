using System;
using System.Collections;
using System.Management.Automation;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// Refuses a script block where text is expected. PowerShell computes a delay-bind script block
    /// (<c>-Name { 'old-' + $_.Name }</c>) per piped object before this runs; anything still a script block here,
    /// such as one returned by that script block, would otherwise become its own source text and reach the API.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TextNotScriptBlockAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Creates the attribute for the named parameter (used in the error message).</summary>
        public TextNotScriptBlockAttribute(string parameterName)
        {
            ParameterName = parameterName;
        }

        /// <summary>The parameter's name, without the dash.</summary>
        public string ParameterName { get; }

        /// <summary>Passes the value through unchanged, or refuses it when it is or holds a script block.</summary>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (IsScriptBlock(inputData))
            {
                throw new ArgumentTransformationMetadataException(Refusal(ParameterName));
            }

            if (Unwrap(inputData) is IEnumerable items && !(Unwrap(inputData) is string))
            {
                foreach (object? item in items)
                {
                    if (IsScriptBlock(item))
                    {
                        throw new ArgumentTransformationMetadataException(Refusal(ParameterName));
                    }
                }
            }

            return inputData;
        }

        /// <summary>The message for a script block given to <paramref name="parameterName"/>.</summary>
        internal static string Refusal(string parameterName) =>
            "-" + parameterName + " takes text, not a script block. A script block is computed for each widget only when widgets are piped in "
            + "(Get-TurnstileWidget | Set-TurnstileWidget -" + parameterName + " { ... }), and it must return text. Nothing was sent to Cloudflare.";

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        private static bool IsScriptBlock(object? value) => Unwrap(value) is ScriptBlock;
    }
}
