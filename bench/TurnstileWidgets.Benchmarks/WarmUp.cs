using System;
using System.Diagnostics;
using System.Runtime;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// Decides when an in-process scenario is warm: after at least --warmup rounds and <see cref="MinTime"/>, and once the
    /// JIT has gone quiet, that is, <see cref="QuietRounds"/> rounds in a row (every contestant once per round), lasting
    /// at least <see cref="QuietTime"/> together, during which the runtime compiled no method at all. The time matters for
    /// short rounds: tiered compilation promotes methods in batches after a delay (100 ms by default), so a few
    /// milliseconds without a compilation do not mean it is done. Until then a round still pays for tier-0 code, instrumented code and
    /// the background recompilations of tiered PGO, and the process's CPU time includes compiling the other contestant's
    /// methods, so neither wall nor CPU time says what a listing costs. Every contestant shares the rounds, so all of them
    /// get the same warm-up. A scenario that never goes quiet stops warming at <see cref="MaxTime"/> and says so.
    /// </summary>
    internal sealed class WarmUp
    {
        /// <summary>The least warm-up time for in-process measurements and for the SDK peer's node process.</summary>
        internal static readonly TimeSpan MinTime = TimeSpan.FromSeconds(2);
        /// <summary>The most: a scenario still compiling after this is measured anyway, with a note.</summary>
        internal static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(60);
        /// <summary>Consecutive rounds with no compilation that count as quiet.</summary>
        internal const int QuietRounds = 2;
        /// <summary>How long those rounds must last together.</summary>
        internal static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(1);

        private readonly int minRounds;
        private readonly Stopwatch elapsed = Stopwatch.StartNew();
        private long compiledAtRoundStart = JitInfo.GetCompiledMethodCount();
        private int quietInARow;
        private TimeSpan quietSince;

        internal WarmUp(int minRounds)
        {
            this.minRounds = minRounds;
        }

        /// <summary>Warm-up rounds done so far.</summary>
        internal int Rounds { get; private set; }

        /// <summary>How long the warm-up took.</summary>
        internal TimeSpan Elapsed => elapsed.Elapsed;

        /// <summary>True when warming stopped at <see cref="MaxTime"/> with the JIT still busy.</summary>
        internal bool GaveUp { get; private set; }

        /// <summary>Methods compiled during the measured rounds (zero when measurement saw a warm process).</summary>
        internal long CompiledWhileMeasuring => JitInfo.GetCompiledMethodCount() - compiledAtRoundStart;

        /// <summary>Call after each warm-up round (all contestants); true while another warm-up round is needed.</summary>
        internal bool NeedsAnotherRound()
        {
            Rounds++;
            long compiled = JitInfo.GetCompiledMethodCount();
            if (compiled == compiledAtRoundStart)
            {
                quietInARow++;
            }
            else
            {
                quietInARow = 0;
                quietSince = elapsed.Elapsed;
            }
            compiledAtRoundStart = compiled;
            if (Rounds < minRounds || elapsed.Elapsed < MinTime)
            {
                return true;
            }
            if (quietInARow >= QuietRounds && elapsed.Elapsed - quietSince >= QuietTime)
            {
                return false;
            }
            if (elapsed.Elapsed >= MaxTime)
            {
                GaveUp = true;
                return false;
            }
            return true;
        }

        /// <summary>What the warm-up took, for a row's note.</summary>
        internal string Describe() => GaveUp
            ? $"warm-up {Rounds} rounds, {Elapsed.TotalSeconds:0.0} s, JIT still busy; {CompiledWhileMeasuring} methods compiled while measuring"
            : $"warm-up {Rounds} rounds, {Elapsed.TotalSeconds:0.0} s until the JIT was quiet; {CompiledWhileMeasuring} methods compiled while measuring";
    }
}
