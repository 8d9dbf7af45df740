using System;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.CmdletSupport;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Lets a switch bind from text such as Import-Csv gives: true/false, 1/0, yes/no, $true/$false.
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

            return new SwitchParameter(Convert(value));
        }

        private bool Convert(object? value)
        {
            try
            {
                return CsvBoolean.Convert(value, ParameterName);
            }
            catch (TurnstileValidationException exception)
            {
                throw new ArgumentTransformationMetadataException(exception.Message, exception);
            }
        }
    }
}
