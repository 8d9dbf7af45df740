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
        public static FaultSettings From(EmulatorOptions options)
        {
            var settings = new FaultSettings(RateLimitRule.Parse(options.RateLimit), options.LatencyMs, options.ErrorRate, options.DropRate, options.Seed);
            settings.Validate();
            return settings;
        }

        public void Validate()
        {
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
    /// Decides, per API request, which fault (if any) applies. The rate limit is a FIXED window: the window opens with the
    /// first request after the previous window ended and admits at most N requests; refused requests do not count.
    /// </summary>
    internal sealed class FaultInjector
    {
        private readonly Lock _lock = new();
        private readonly List<FaultStep> _script = new();
        private readonly EmulatorClock _clock;
        private FaultSettings _settings;
        private Random _random;
        private DateTimeOffset _windowStart;
        private int _windowCount;

        public FaultInjector(FaultSettings settings, EmulatorClock clock)
        {
            _clock = clock;
            _settings = settings;
            _random = CreateRandom(settings.Seed);
        }

        public FaultSettings Settings
        {
            get { lock (_lock) { return _settings; } }
        }

        public int PendingSteps
        {
            get { lock (_lock) { return _script.Count; } }
        }

        public void Configure(FaultSettings settings)
        {
            settings.Validate();
            lock (_lock)
            {
                bool reseed = settings.Seed != _settings.Seed || settings.Seed is not null;
                bool newRule = settings.RateLimit != _settings.RateLimit;
                _settings = settings;
                if (reseed)
                {
                    _random = CreateRandom(settings.Seed);
                }

                if (newRule)
                {
                    _windowCount = 0;
                    _windowStart = default;
                }
            }
        }

        public void Reset(FaultSettings settings)
        {
            lock (_lock)
            {
                _settings = settings;
                _random = CreateRandom(settings.Seed);
                _script.Clear();
                _windowCount = 0;
                _windowStart = default;
            }
        }

        public void AddSteps(IEnumerable<FaultStep> steps)
        {
            var list = new List<FaultStep>(steps);
            foreach (FaultStep step in list)
            {
                step.Validate();
            }

            lock (_lock)
            {
                _script.AddRange(list);
            }
        }

        public void ClearSteps()
        {
            lock (_lock)
            {
                _script.Clear();
            }
        }

        /// <summary>Removes and returns the first queued step that matches the request, or null.</summary>
        public FaultStep? TakeStep(string method, string path)
        {
            lock (_lock)
            {
                for (int i = 0; i < _script.Count; i++)
                {
                    if (_script[i].Matches(method, path))
                    {
                        FaultStep step = _script[i];
                        _script.RemoveAt(i);
                        return step;
                    }
                }
            }

            return null;
        }

        /// <summary>Admits the request under the rate limit, or says how many whole seconds until one would be admitted.</summary>
        public bool TryAdmit(out int retryAfterSeconds)
        {
            retryAfterSeconds = 0;
            lock (_lock)
            {
                RateLimitRule? rule = _settings.RateLimit;
                if (rule is null)
                {
                    return true;
                }

                DateTimeOffset now = _clock.GetUtcNow();
                TimeSpan window = TimeSpan.FromSeconds(rule.WindowSeconds);
                if (_windowCount == 0 || now >= _windowStart + window || now < _windowStart)
                {
                    _windowStart = now;
                    _windowCount = 0;
                }

                if (_windowCount < rule.Requests)
                {
                    _windowCount++;
                    return true;
                }

                double remaining = (_windowStart + window - now).TotalSeconds;
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling(remaining));
                return false;
            }
        }

        public RandomFault NextRandomFault()
        {
            lock (_lock)
            {
                FaultSettings s = _settings;
                if (s.DropRate > 0 && _random.NextDouble() < s.DropRate)
                {
                    return RandomFault.Drop;
                }

                if (s.ErrorRate > 0 && _random.NextDouble() < s.ErrorRate)
                {
                    return _random.Next(3) switch
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
