using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Transport
{
    /// <summary>The budget one answer reports: <c>Ratelimit: "default";r=50;t=30</c> and <c>Ratelimit-Policy: "burst";q=100;w=60</c>.</summary>
    internal readonly struct RateLimitReport
    {
        internal RateLimitReport(int remaining, int resetSeconds, int? quota, int? windowSeconds)
        {
            Remaining = remaining;
            ResetSeconds = resetSeconds;
            Quota = quota;
            WindowSeconds = windowSeconds;
        }

        /// <summary>r: requests left in the window.</summary>
        internal int Remaining { get; }
        /// <summary>t: seconds until the window resets (Cloudflare rounds up).</summary>
        internal int ResetSeconds { get; }
        /// <summary>q: the quota per window, if the policy came.</summary>
        internal int? Quota { get; }
        /// <summary>w: the window's length in seconds, if the policy came.</summary>
        internal int? WindowSeconds { get; }

        /// <summary>
        /// Reads the IETF draft headers (structured-field lists). With several limit items the most restrictive one
        /// (fewest left) governs; items without both r and t are skipped. Null when there is no usable item.
        /// </summary>
        internal static RateLimitReport? Read(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Ratelimit", out IEnumerable<string>? limits))
            {
                return null;
            }
            int? bestR = null;
            int bestT = 0;
            // Read in place (every answer carries these headers, so every request would otherwise split and copy them).
            foreach (string value in limits)
            {
                for (int start = 0; start <= value.Length; )
                {
                    int end = value.IndexOf(',', start);
                    if (end < 0)
                    {
                        end = value.Length;
                    }
                    int? r = Parameter(value, start, end, 'r');
                    int? t = Parameter(value, start, end, 't');
                    if (r.HasValue && t.HasValue && (!bestR.HasValue || r.Value < bestR.Value || (r.Value == bestR.Value && t.Value > bestT)))
                    {
                        bestR = r;
                        bestT = t.Value;
                    }
                    start = end + 1;
                }
            }
            if (!bestR.HasValue)
            {
                return null;
            }
            int? q = null;
            int? w = null;
            if (response.Headers.TryGetValues("Ratelimit-Policy", out IEnumerable<string>? policies))
            {
                foreach (string first in policies)
                {
                    int end = first.IndexOf(',');
                    if (end < 0)
                    {
                        end = first.Length;
                    }
                    q = Parameter(first, 0, end, 'q');
                    w = Parameter(first, 0, end, 'w');
                    break;
                }
            }
            return new RateLimitReport(bestR.Value, bestT, q, w);
        }

        /// <summary>
        /// The value of parameter <paramref name="key"/> (a one-letter name, any case) of the list item
        /// <c>text[start..end)</c>: the parameters follow the item's first ';', each <c>name=digits</c> with optional
        /// spaces around either part. Null when absent or not a whole non-negative number; capped at int.MaxValue.
        /// </summary>
        private static int? Parameter(string text, int start, int end, char key)
        {
            int part = text.IndexOf(';', start, end - start);
            while (part >= 0)
            {
                int partStart = part + 1;
                int next = partStart < end ? text.IndexOf(';', partStart, end - partStart) : -1;
                int partEnd = next < 0 ? end : next;
                int equals = partStart < partEnd ? text.IndexOf('=', partStart, partEnd - partStart) : -1;
                if (equals > partStart)
                {
                    int nameStart = SkipSpaces(text, partStart, equals);
                    int nameEnd = TrimSpaces(text, nameStart, equals);
                    if (nameEnd - nameStart == 1 && char.ToLowerInvariant(text[nameStart]) == key)
                    {
                        int valueStart = SkipSpaces(text, equals + 1, partEnd);
                        int valueEnd = TrimSpaces(text, valueStart, partEnd);
                        if (TryParseDigits(text, valueStart, valueEnd, out long value))
                        {
                            return (int)Math.Min(value, int.MaxValue);
                        }
                    }
                }
                part = next;
            }
            return null;
        }

        private static int SkipSpaces(string text, int start, int end)
        {
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }
            return start;
        }

        private static int TrimSpaces(string text, int start, int end)
        {
            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
            return end;
        }

        // As long.TryParse with NumberStyles.None: ASCII digits only, and false on overflow.
        private static bool TryParseDigits(string text, int start, int end, out long value)
        {
            value = 0;
            if (start >= end)
            {
                return false;
            }
            for (int i = start; i < end; i++)
            {
                int digit = text[i] - '0';
                if (digit < 0 || digit > 9 || value > (long.MaxValue - digit) / 10)
                {
                    value = 0;
                    return false;
                }
                value = value * 10 + digit;
            }
            return true;
        }
    }

    /// <summary>A monotonic clock for pacing: wall-clock jumps (NTP, DST) must not stretch or skip a wait.</summary>
    internal static class MonotonicClock
    {
        private static readonly DateTimeOffset Origin = DateTimeOffset.UtcNow;
        private static readonly Stopwatch Elapsed = Stopwatch.StartNew();

        internal static DateTimeOffset UtcNow() => Origin + Elapsed.Elapsed;
    }

    /// <summary>
    /// The one rate-limit budget of a credential at an API, shared by every client, runspace and pipeline in the process
    /// (a static registry: PowerShell runspaces share the engine's load context). Keyed by a SHA-256 fingerprint of the
    /// API's authority, the scheme and the secret, so the registry never holds anything a secret can be recovered from.
    /// </summary>
    /// <remarks>
    /// How it spends the quota. Each answer's <c>Ratelimit</c> says r requests are left and the window resets in t seconds
    /// (rounded up, so now + t is never before the real reset). The pacer keeps <c>tokens</c>, the requests it may still
    /// start before that reset, and hands them out evenly: a request takes the next slot, and the slot after it lies
    /// (time left) / (tokens left) later, so the quota lasts the whole window instead of going in a burst that would
    /// leave nothing for other tools on the same token. Conservative on every count:
    /// <list type="bullet">
    /// <item><description>A token is taken when a request is admitted, before it is sent; an answer can only lower the
    /// count, to r minus the requests still out (any of which the server may not have counted yet).</description></item>
    /// <item><description>The reset is the earliest of the window's now + t estimates, each of which is at or after the real
    /// reset, plus a small <see cref="Margin"/> for early timers and clock drift.</description></item>
    /// <item><description>Once the reset has passed, one request (the probe) goes alone; its answer describes the new window.
    /// Answers to requests admitted before that belong to the old window and are ignored.</description></item>
    /// <item><description>A 429 that carries the budget headers blocks the credential until its Retry-After has passed,
    /// for every request in the process.</description></item>
    /// </list>
    /// Every wait goes through the caller's delay (the retry options' seam) and happens once: after it the request goes on,
    /// so a test delay that does not move the clock cannot make a request wait forever.
    /// </remarks>
    internal sealed class RateLimitPacer
    {
        private static readonly ConcurrentDictionary<string, RateLimitPacer> Registry = new ConcurrentDictionary<string, RateLimitPacer>(StringComparer.Ordinal);

        private readonly object gate = new object();
        private bool seen;
        private int? quota;
        private int? windowSeconds;
        private bool windowOpen;
        private int tokens;
        private DateTimeOffset windowEnd;
        private DateTimeOffset nextSlot;
        private long nextSequence;
        private long windowFirstSequence;
        private int inFlight;
        private Ticket? probe;
        private TaskCompletionSource<bool> probeDone = NewSignal();
        private DateTimeOffset blockedUntil;
        private DateTimeOffset announcedBlockUntil;

        /// <summary>
        /// Added to every reset and block end the server announces. Timers may fire a few milliseconds early (Task.Delay
        /// runs on a coarse tick), and two machines' clocks drift apart by up to ~0.1%: without a margin, the first request
        /// of a new window could reach the server a hair before the old window ended, and start a block.
        /// </summary>
        internal static TimeSpan Margin(TimeSpan wait) => TimeSpan.FromMilliseconds(100) + TimeSpan.FromTicks(Math.Max(0, wait.Ticks) / 1000);

        /// <summary>The budget shared by every client of this credential at this API.</summary>
        internal static RateLimitPacer For(string fingerprint) => Registry.GetOrAdd(fingerprint, _ => new RateLimitPacer());

        /// <summary>SHA-256 (hex) over the parts that identify one budget; the secret's plain text is hashed, never kept.</summary>
        internal static string Fingerprint(Uri baseUri, string scheme, string identity)
        {
            string material = baseUri.Scheme + "://" + baseUri.Authority.ToLowerInvariant() + "\n" + scheme + "\n" + identity;
            byte[] bytes = Encoding.UTF8.GetBytes(material);
            try
            {
                using (SHA256 sha = SHA256.Create())
                {
                    byte[] hash = sha.ComputeHash(bytes);
                    var text = new StringBuilder(hash.Length * 2);
                    foreach (byte b in hash)
                    {
                        text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    return text.ToString();
                }
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        /// <summary>What the client knows of the budget now; null before any answer carried one.</summary>
        internal RateLimitStatus? Status(DateTimeOffset now)
        {
            lock (gate)
            {
                if (!seen)
                {
                    return null;
                }
                bool open = windowOpen && now < windowEnd;
                return new RateLimitStatus
                {
                    QuotaRemaining = open ? tokens : 0,
                    Quota = quota,
                    Window = windowSeconds.HasValue ? TimeSpan.FromSeconds(windowSeconds.Value) : (TimeSpan?)null,
                    WindowResetsIn = open ? windowEnd - now : TimeSpan.Zero,
                    BlockedFor = blockedUntil > now ? blockedUntil - now : TimeSpan.Zero,
                };
            }
        }

        /// <summary>
        /// Waits (through <paramref name="pacing"/>'s delay) until the request may go, and admits it. The ticket must be
        /// given back with <see cref="Complete"/> whatever happens to the attempt.
        /// </summary>
        internal async Task<Ticket> AcquireAsync(PacingContext pacing, RequestInfo info, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task? probeWait = null;
                RateLimitWait? wait = null;
                Ticket? admitted = null;
                DateTimeOffset blockEnd = default;
                long spentWindow = -1;
                lock (gate)
                {
                    DateTimeOffset now = pacing.UtcNow();
                    if (blockedUntil > now && info.BlockServedUntil < blockedUntil)
                    {
                        if (!pacing.AllowsBlockWait(blockedUntil - now, info.BlockWaited))
                        {
                            // Waiting part of the block and then sending would meet the block anyway: a sure 429, which
                            // on Cloudflare can extend the block for every tool on the credential. Refused unsent.
                            throw ApiErrors.BlockBeyondMaxBlockWait(info, blockedUntil - now, pacing.MaxWait);
                        }
                        blockEnd = blockedUntil;
                        wait = DescribeLocked(RateLimitWaitKind.Block, info, blockedUntil - now, now,
                            $"rate-limit block: the API refused requests with this credential (429); waiting {DurationText.Format(blockedUntil - now)} for the block to end");
                        wait.IsNewBlock = AnnounceLocked(blockedUntil);
                    }
                    else if (!seen)
                    {
                        return Admit(isProbe: false);
                    }
                    else
                    {
                        if (windowOpen && now >= windowEnd)
                        {
                            CloseWindow();
                        }
                        if (windowOpen && tokens > 0)
                        {
                            DateTimeOffset slot = nextSlot > now ? nextSlot : now;
                            TimeSpan left = windowEnd - slot;
                            TimeSpan interval = left > TimeSpan.Zero ? TimeSpan.FromTicks(left.Ticks / tokens) : TimeSpan.Zero;
                            // Said only when the request waits: nobody hears of a turn taken at once, and every request takes one.
                            string? reason = slot > now ? Pacing(tokens, now) : null;
                            tokens--;
                            nextSlot = slot + interval;
                            admitted = Admit(isProbe: false);
                            if (reason != null)
                            {
                                // Never capped by MaxBlockWait: that cap is for blocks, and a shorter pacing wait would spend the
                                // quota faster than the window allows (a burst, then a 429 and a block of the whole credential).
                                wait = DescribeLocked(RateLimitWaitKind.Pacing, info, slot - now, now, reason);
                            }
                        }
                        else if (windowOpen)
                        {
                            spentWindow = windowFirstSequence;
                            // Not capped either: a request released before the reset would go into a spent window.
                            wait = DescribeLocked(RateLimitWaitKind.Pacing, info, windowEnd - now, now,
                                $"pacing: this window's quota is spent; waiting {DurationText.Format(windowEnd - now)} for it to reset");
                        }
                        else if (probe == null)
                        {
                            // The first request after a reset goes alone: its answer tells the new window's quota.
                            probe = Admit(isProbe: true);
                            return probe;
                        }
                        else
                        {
                            probeWait = probeDone.Task;
                        }
                    }
                }

                if (admitted != null)
                {
                    if (wait != null)
                    {
                        try
                        {
                            await PausingDeadline(info, () => pacing.WaitAsync(wait, cancellationToken)).ConfigureAwait(false);
                        }
                        catch
                        {
                            Complete(admitted, null, pacing.UtcNow());
                            throw;
                        }
                    }
                    return admitted;
                }
                if (wait != null)
                {
                    await PausingDeadline(info, () => pacing.WaitAsync(wait, cancellationToken)).ConfigureAwait(false);
                    lock (gate)
                    {
                        if (spentWindow >= 0 && windowOpen && windowFirstSequence == spentWindow)
                        {
                            // The wait lasted until the reset, so the window is over even if a test clock did not move.
                            CloseWindow();
                        }
                    }
                    if (spentWindow < 0)
                    {
                        info.BlockServedUntil = blockEnd;
                        info.BlockWaited += wait.Delay;
                    }
                    continue;
                }
                info.Deadline?.Pause();
                try
                {
                    await WhenDoneOrCancelled(probeWait!, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    info.Deadline?.Resume();
                }
            }
        }

        /// <summary>
        /// Waits for <paramref name="wait"/> with the request's OperationTimeout stopped: waiting for a turn is not part of
        /// it (MaxBlockWait bounds block waits). Only around a real wait: pausing and resuming re-arm the deadline's timer,
        /// and most requests are admitted at once.
        /// </summary>
        private static async Task PausingDeadline(RequestInfo info, Func<Task> wait)
        {
            info.Deadline?.Pause();
            try
            {
                await wait().ConfigureAwait(false);
            }
            finally
            {
                info.Deadline?.Resume();
            }
        }

        private static async Task WhenDoneOrCancelled(Task task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled || task.IsCompleted)
            {
                await task.ConfigureAwait(false);
                return;
            }
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// Gives the ticket back and learns from the answer (null when none came). Returns the end of the block a 429
        /// with the budget headers started, so the request that got it does not wait for it twice.
        /// </summary>
        internal DateTimeOffset? Complete(Ticket ticket, HttpResponseMessage? response, DateTimeOffset now)
        {
            RateLimitReport? report = response == null ? null : RateLimitReport.Read(response);
            TimeSpan? retryAfter = report.HasValue && response != null && (int)response.StatusCode == 429
                ? RetryPolicy.ReadRetryAfter(response, now)
                : null;
            TaskCompletionSource<bool>? release = null;
            DateTimeOffset blockEnd = default;
            lock (gate)
            {
                if (ticket.Completed)
                {
                    return null;
                }
                ticket.Completed = true;
                inFlight--;
                if (retryAfter.HasValue)
                {
                    DateTimeOffset until = now + retryAfter.Value + Margin(retryAfter.Value);
                    if (until > blockedUntil)
                    {
                        blockedUntil = until;
                    }
                    blockEnd = blockedUntil;
                    CloseWindow();
                }
                if (report.HasValue)
                {
                    RateLimitReport r = report.Value;
                    seen = true;
                    quota = r.Quota ?? quota;
                    windowSeconds = r.WindowSeconds ?? windowSeconds;
                    int safe = Math.Max(0, r.Remaining - inFlight);
                    TimeSpan reset = TimeSpan.FromSeconds(r.ResetSeconds);
                    DateTimeOffset end = now + reset + Margin(reset);
                    if (ticket.Sequence >= windowFirstSequence)
                    {
                        if (!windowOpen)
                        {
                            windowOpen = true;
                            tokens = safe;
                            windowEnd = end;
                            nextSlot = now;
                        }
                        else
                        {
                            tokens = Math.Min(tokens, safe);
                            if (end < windowEnd)
                            {
                                windowEnd = end;
                            }
                        }
                    }
                }
                if (ReferenceEquals(ticket, probe))
                {
                    probe = null;
                    release = probeDone;
                    probeDone = NewSignal();
                }
            }
            release?.TrySetResult(true);
            return retryAfter.HasValue ? blockEnd : (DateTimeOffset?)null;
        }

        /// <summary>
        /// True the first time a block ending at <paramref name="until"/> is reported in this process, so a block is
        /// announced once however many requests meet it. Called by the request whose 429 started the block.
        /// </summary>
        internal bool AnnounceBlock(DateTimeOffset until)
        {
            lock (gate)
            {
                return AnnounceLocked(until);
            }
        }

        private bool AnnounceLocked(DateTimeOffset until)
        {
            // A block that ends within a second of one announced already is the same block seen from another request.
            if (until <= announcedBlockUntil + TimeSpan.FromSeconds(1))
            {
                return false;
            }

            announcedBlockUntil = until;
            return true;
        }

        private Ticket Admit(bool isProbe)
        {
            inFlight++;
            return new Ticket(nextSequence++, isProbe);
        }

        private void CloseWindow()
        {
            windowOpen = false;
            tokens = 0;
            windowFirstSequence = nextSequence;
        }

        private string Pacing(int left, DateTimeOffset now)
        {
            string of = quota.HasValue ? $" of {quota.Value.ToString(CultureInfo.InvariantCulture)}" : "";
            return $"pacing: {left.ToString(CultureInfo.InvariantCulture)}{of} requests left in this window, which resets in {DurationText.Format(windowEnd - now)}";
        }

        private RateLimitWait DescribeLocked(RateLimitWaitKind kind, RequestInfo info, TimeSpan delay, DateTimeOffset now, string reason)
        {
            TimeSpan? resetsIn = kind == RateLimitWaitKind.Block
                ? blockedUntil - now
                : windowOpen ? windowEnd - now : (TimeSpan?)null;
            return new RateLimitWait
            {
                Kind = kind,
                Method = info.Method,
                Path = info.Path,
                Delay = delay,
                Reason = reason,
                QuotaRemaining = seen ? (windowOpen ? tokens : 0) : (int?)null,
                Quota = quota,
                Window = windowSeconds.HasValue ? TimeSpan.FromSeconds(windowSeconds.Value) : (TimeSpan?)null,
                WindowResetsIn = resetsIn.HasValue && resetsIn.Value < TimeSpan.Zero ? TimeSpan.Zero : resetsIn,
            };
        }

        private static TaskCompletionSource<bool> NewSignal() => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>One admitted attempt: its place in the order of admission, and whether it is the probe of a new window.</summary>
        internal sealed class Ticket
        {
            internal Ticket(long sequence, bool isProbe)
            {
                Sequence = sequence;
                IsProbe = isProbe;
            }

            internal long Sequence { get; }
            internal bool IsProbe { get; }
            internal bool Completed { get; set; }
        }
    }

    /// <summary>How one client waits: its clock, its delay seam, its cap on one wait, and where the waits are reported.</summary>
    internal sealed class PacingContext
    {
        private readonly Func<TimeSpan, CancellationToken, Task> delay;
        private readonly TimeSpan maxWait;

        internal PacingContext(Func<DateTimeOffset> utcNow, Func<TimeSpan, CancellationToken, Task> delay, TimeSpan maxWait)
        {
            UtcNow = utcNow;
            this.delay = delay;
            // Beyond the longest a timer waits, "wait that long" means "wait for any block a timer can wait out": a longer
            // block is then refused as beyond MaxBlockWait, not handed to a timer that throws.
            this.maxWait = maxWait < TimeSpan.Zero ? TimeSpan.Zero : maxWait > TurnstileClientOptions.MaxTimeout ? TurnstileClientOptions.MaxTimeout : maxWait;
        }

        internal Func<DateTimeOffset> UtcNow { get; }

        /// <summary>The longest rate-limit block wait allowed (<see cref="RateLimitOptions.MaxBlockWait"/>), never negative.</summary>
        internal TimeSpan MaxWait => maxWait;

        /// <summary>
        /// Whether a block that still lasts <paramref name="rest"/> (the pacer's <see cref="RateLimitPacer.Margin"/>
        /// included) may be waited out by a request that has waited <paramref name="waited"/> for blocks already: a
        /// Retry-After up to what is left of MaxBlockWait may, as in the retry handler. A longer block is never waited in
        /// part: the request would be sent into it. Only block waits: pacing waits have no cap, so pacing keeps spreading
        /// requests whatever MaxBlockWait says.
        /// </summary>
        internal bool AllowsBlockWait(TimeSpan rest, TimeSpan waited)
        {
            TimeSpan left = BlockWaitLeft(waited);
            return rest <= left + RateLimitPacer.Margin(left);
        }

        /// <summary>What is left of MaxBlockWait for a request that has waited <paramref name="waited"/> for blocks.</summary>
        internal TimeSpan BlockWaitLeft(TimeSpan waited) => waited >= maxWait ? TimeSpan.Zero : maxWait - waited;

        /// <summary>Reports the wait's start, waits, and reports its end (also when cancelled).</summary>
        internal Task WaitAsync(RateLimitWait wait, CancellationToken cancellationToken) => ObservedWaitAsync(delay, wait, cancellationToken);

        /// <summary>
        /// The one way a rate-limit wait is waited (REST pacing and blocks, the GraphQL budget): reports its start, waits
        /// through <paramref name="delay"/>, marks it cancelled when it is, and reports its end.
        /// </summary>
        internal static async Task ObservedWaitAsync(Func<TimeSpan, CancellationToken, Task> delay, RateLimitWait wait, CancellationToken cancellationToken)
        {
            ObserverScope.ReportStarted(wait);
            try
            {
                // A window the server says resets decades ahead is waited as long as a timer can wait (about 24.8 days),
                // not handed to the timer whole, which would throw; the caller can stop it like any wait.
                TimeSpan length = wait.Delay > TurnstileClientOptions.MaxTimeout ? TurnstileClientOptions.MaxTimeout : wait.Delay;
                await delay(length, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                wait.Cancelled = true;
                throw;
            }
            finally
            {
                ObserverScope.ReportEnded(wait);
            }
        }
    }
}
