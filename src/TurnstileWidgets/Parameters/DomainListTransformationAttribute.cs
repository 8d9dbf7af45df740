using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.RegularExpressions;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// Lets -Domain (and -AddDomain, -RemoveDomain) take several domains in one text, separated by ';' as a CSV cell holds
    /// them (<c>example.com;www.example.com</c>), by the rule desired-state files use (<see cref="DomainText"/>). Refuses the
    /// text Export-Csv writes for a list it cannot flatten, which is a .NET type name and not a domain.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DomainListTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Creates the attribute for the named parameter (used in the error message).</summary>
        public DomainListTransformationAttribute(string parameterName)
        {
            ParameterName = parameterName;
        }

        /// <summary>The parameter's name, without the dash.</summary>
        public string ParameterName { get; }

        // What .NET's ToString gives for a collection: 'System.String[]', 'System.Object[]', 'System.Collections.Generic.List`1[System.String]'.
        private static readonly Regex TypeNamePattern = new Regex(@"^[A-Za-z_][\w`]*(\.[\w`]+)+(\[[^\]]*\])+$", RegexOptions.CultureInvariant);

        /// <summary>Splits text values into domains; anything else (a script block, for a delay-bind check) passes through unchanged.</summary>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = Unwrap(inputData);
            if (value is string text)
            {
                return Split(text);
            }

            if (value is IEnumerable items && !(value is IDictionary))
            {
                var domains = new List<string>();
                foreach (object? item in items)
                {
                    object? element = Unwrap(item);
                    if (element is string part)
                    {
                        domains.AddRange(Split(part));
                    }
                    else if (element is ScriptBlock)
                    {
                        return inputData;
                    }
                    else if (element != null)
                    {
                        domains.Add(LanguagePrimitives.ConvertTo<string>(element));
                    }
                }

                return domains.ToArray();
            }

            return inputData;
        }

        private string[] Split(string text)
        {
            if (TypeNamePattern.IsMatch(text.Trim()))
            {
                throw new ArgumentTransformationMetadataException(
                    "-" + ParameterName + " got the name of a list type ('" + text.Trim() + "') instead of domains: that is what Export-Csv writes for a list it cannot "
                    + "flatten. Write the domains separated by ';' (example.com;www.example.com); widgets from Get-TurnstileWidget export that way. Nothing was sent to Cloudflare.");
            }

            return DomainText.Split(text);
        }

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
