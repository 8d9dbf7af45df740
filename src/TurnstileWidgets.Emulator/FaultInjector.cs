using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;

namespace TurnstileWidgets.Emulator
{
    /// <summary>A rate limit of at most <see cref="Requests"/> per <see cref="WindowSeconds"/>.</summary>
    internal sealed record RateLimitRule(int Requests, int WindowSeconds)
    {
        public static RateLimitRule? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text) || string.Equals(text.Trim(), "off", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            string[] parts = text.Trim().Split('/');
            if (parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int requests) && requests > 0
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0)
            {
                return new RateLimitRule(requests, seconds);
            }

            throw new ArgumentException(
                $"The rate limit '{text}' is not valid: give it as <requests>/<seconds>, e.g. 1200/300 (at most 1200 requests per 300 seconds), or 'off'.");
        }

        public override string ToString() => $"{Requests}/{WindowSeconds}";
    }

    /// <summary>The random faults and rate limit in force.</summary>
    internal sealed record FaultSettings(RateLimitRule? RateLimit, int LatencyMs, double ErrorRate, double DropRate, int? Seed)
    {
        /// <summary>The longest block accepted (a day); Cloudflare blocks for 300 seconds.</summary>
        public const int MaxRateLimitBlockSeconds = 86_400;

        /// <summary>Seconds a credential stays refused after its first refusal for the rate limit; null: no block, only the window.</summary>
        public int? RateLimitBlock { get; init; }

        public static FaultSettings From(EmulatorOptions options)
        {
            var settings = new FaultSettings(RateLimitRule.Parse(options.RateLimit), options.LatencyMs, options.ErrorRate, options.DropRate, options.Seed)
            {
                RateLimitBlock = options.RateLimitBlockSeconds,
            };
            settings.Validate();
            return settings;
        }

        public void Validate()
        {
            if (RateLimitBlock is int block && (block < 1 || block > MaxRateLimitBlockSeconds))
            {
                throw new ArgumentException($"The rate-limit block must be 1 to {MaxRateLimitBlockSeconds} seconds (Cloudflare blocks for 300), not {block}.");
            }

            if (LatencyMs < 0 || LatencyMs > 600_000)
            {
                throw new ArgumentException($"The added latency must be 0 to 600000 ms, not {LatencyMs}.");
            }

            if (!(ErrorRate >= 0 && ErrorRate <= 1))
            {
                throw new ArgumentException($"The error rate must be a share from 0 to 1 (e.g. 0.1), not {ErrorRate.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (!(DropRate >= 0 && DropRate <= 1))
            {
                throw new ArgumentException($"The drop rate must be a share from 0 to 1 (e.g. 0.05), not {DropRate.ToString(CultureInfo.InvariantCulture)}.");
            }
        }
    }

    internal enum RandomFault
    {
        None,
        Drop,
        Error500,
        Error502,
        Error503,
    }

    /// <summary>
    /// Decides, per API request, which fault (if any) applies. The rate limit is counted per credential; see <see cref="RateLimiter"/>.
    /// </summary>
    internal sealed class FaultInjector
    {
        private readonly Lock gate = new();
        private readonly List<FaultStep> script = new();
        private readonly EmulatorClock clock;
        private FaultSettings settings;
        private readonly RateLimiter limiter = new();
        private Random random;

        public FaultInjector(FaultSettings settings, EmulatorClock clock)
        {
            this.clock = clock;
            this.settings = settings;
            random = CreateRandom(settings.Seed);
        }

        public FaultSettings Settings
        {
            get { lock (gate) { return settings; } }
        }

        public int PendingSteps
        {
            get { lock (gate) { return script.Count; } }
        }

        public void Configure(FaultSettings settings)
        {
            settings.Validate();
            lock (gate)
            {
                bool reseed = settings.Seed != this.settings.Seed || settings.Seed is not null;
                bool newRule = settings.RateLimit != this.settings.RateLimit;
                this.settings = settings;
                if (reseed)
                {
                    random = CreateRandom(settings.Seed);
                }

                if (newRule)
                {
                    limiter.Clear();
                }
                else if (settings.RateLimitBlock is null)
                {
                    limiter.LiftBlocks();
                }
            }
        }

        public void Reset(FaultSettings settings)
        {
            lock (gate)
            {
                this.settings = settings;
                random = CreateRandom(settings.Seed);
                script.Clear();
                limiter.Clear();
            }
        }

        public void AddSteps(IEnumerable<FaultStep> steps)
        {
            var list = new List<FaultStep>(steps);
            foreach (FaultStep step in list)
            {
                step.Validate();
            }

            lock (gate)
            {
                script.AddRange(list);
            }
        }

        public void ClearSteps()
        {
            lock (gate)
            {
                script.Clear();
            }
        }

        /// <summary>Removes and returns the first queued step that matches the request, or null.</summary>
        public FaultStep? TakeStep(string method, string path)
        {
            lock (gate)
            {
                for (int i = 0; i < script.Count; i++)
                {
                    if (script[i].Matches(method, path))
                    {
                        FaultStep step = script[i];
                        script.RemoveAt(i);
                        return step;
                    }
                }
            }

            return null;
        }

        /// <summary>Rate-limit blocks started since the last reset or rule change.</summary>
        public long RateLimitBlocks
        {
            get { lock (gate) { return limiter.BlocksStarted; } }
        }

        /// <summary>Rate-limit budgets held now: one per accepted credential with an open window or block, plus one shared by the rest.</summary>
        public int RateLimitBudgets
        {
            get { lock (gate) { return limiter.TrackedBudgets; } }
        }

        /// <summary>Counts the request against its credential's budget, or refuses it; null when no rate limit is set.</summary>
        public RateLimitDecision? Admit(string credential)
        {
            lock (gate)
            {
                return settings.RateLimit is RateLimitRule rule
                    ? limiter.Admit(credential, rule, settings.RateLimitBlock, clock.GetUtcNow())
                    : null;
            }
        }

        /// <summary>The credential's budget without counting a request; null when no rate limit is set.</summary>
        public RateLimitDecision? Peek(string credential)
        {
            lock (gate)
            {
                return settings.RateLimit is RateLimitRule rule ? limiter.Peek(credential, rule, clock.GetUtcNow()) : null;
            }
        }

        public RandomFault NextRandomFault()
        {
            lock (gate)
            {
                FaultSettings s = settings;
                if (s.DropRate > 0 && random.NextDouble() < s.DropRate)
                {
                    return RandomFault.Drop;
                }

                if (s.ErrorRate > 0 && random.NextDouble() < s.ErrorRate)
                {
                    return random.Next(3) switch
                    {
                        0 => RandomFault.Error500,
                        1 => RandomFault.Error502,
                        _ => RandomFault.Error503,
                    };
                }

                return RandomFault.None;
            }
        }

        private static Random CreateRandom(int? seed) => seed is int s ? new Random(s) : new Random();
    }
}
