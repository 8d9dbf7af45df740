using System.Management.Automation;

namespace EmptyModule
{
    /// <summary>The one cmdlet: a binary module must export something, and this costs nothing to load.</summary>
    [Cmdlet(VerbsCommon.Get, "Empty")]
    [OutputType(typeof(int))]
    public sealed class GetEmptyCommand : PSCmdlet
    {
        /// <summary>Writes 0.</summary>
        protected override void ProcessRecord() => WriteObject(0);
    }
}
