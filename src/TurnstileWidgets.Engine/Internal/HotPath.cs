using System.Runtime.CompilerServices;

namespace TurnstileWidgets.Engine.Internal
{
    /// <summary>
    /// <c>[MethodImpl(HotPath.Optimized)]</c> marks code that runs once per listed widget, so it is compiled optimised at
    /// its first call instead of starting at tier 0: a listing in a fresh PowerShell session ends long before tiered
    /// compilation would promote it. MethodImplOptions.AggressiveOptimization (512) is not in netstandard2.0's surface;
    /// .NET Framework ignores the flag.
    /// </summary>
    internal static class HotPath
    {
        internal const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
