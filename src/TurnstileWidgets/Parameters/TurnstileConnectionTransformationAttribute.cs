using System;
using System.Management.Automation;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// Lets -Connection take a name: PowerShell would otherwise try to convert the text to a TurnstileConnection and fail
    /// with a message that does not say which names exist.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TurnstileConnectionTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>A name becomes that connection (its public view); a TurnstileConnection passes through.</summary>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null:
                case TurnstileConnection _:
                    return value;
                case string name:
                    SessionConnection? connection = TurnstileSession.Find(name);
                    if (connection == null)
                    {
                        throw new ArgumentTransformationMetadataException(ErrorMapper.ConnectionNotFound(name).ErrorDetails.Message, null);
                    }

                    return OutputMapper.ToTurnstileConnection(connection.Details, name, string.Equals(TurnstileSession.CurrentName, name, StringComparison.OrdinalIgnoreCase));
                default:
                    throw new ArgumentTransformationMetadataException(
                        "-Connection takes a connection's name or a TurnstileConnection from Get-TurnstileConnection, not a " + value.GetType().Name + ".", null);
            }
        }
    }
}
