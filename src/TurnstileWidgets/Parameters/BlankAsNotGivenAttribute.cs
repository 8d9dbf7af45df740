using System;
using System.Management.Automation;

namespace TurnstileWidgets.Parameters
{
    /// <summary>
    /// Reads a blank value (empty or only whitespace, as an empty Import-Csv cell gives) as "not given": it becomes null,
    /// which the setting parameters treat as leaving the setting alone, as Sync does with a blank cell.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class BlankAsNotGivenAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Null for blank text (or a list of nothing but blank text); anything else unchanged.</summary>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => IsBlank(inputData) ? null : inputData;

        /// <summary>True for null, blank text, or a list whose items are all blank.</summary>
        internal static bool IsBlank(object? value)
        {
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (value)
            {
                case null:
                    return true;
                case string text:
                    return text.Trim().Length == 0;
                case object[] items:
                    foreach (object? item in items)
                    {
                        if (!IsBlank(item))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }
    }
}
