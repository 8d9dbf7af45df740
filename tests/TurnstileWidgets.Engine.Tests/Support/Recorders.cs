using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Tests.Support;

/// <summary>Collects what a client reports.</summary>
public sealed class RecordingObserver : IRequestObserver
{
    public ConcurrentQueue<RequestRecord> Records { get; } = new();
    public ConcurrentQueue<RetryNotice> Notices { get; } = new();

    public void RequestCompleted(RequestRecord record) => Records.Enqueue(record);

    public void RetryScheduled(RetryNotice notice) => Notices.Enqueue(notice);

    public IEnumerable<string> AllText() =>
        Records.Select(r => $"{r.Method} {r.Path} {r.StatusCode} {r.Attempt}")
            .Concat(Notices.Select(n => $"{n.Method} {n.Path} {n.Reason} {n.Delay}"));
}

/// <summary>A retry policy that records its waits instead of sleeping.</summary>
public sealed class RecordedDelays
{
    private readonly ConcurrentQueue<TimeSpan> delays = new();

    public IReadOnlyList<TimeSpan> Delays => delays.ToArray();

    public RetryOptions Options(int maxRetries = 4, TimeSpan? maxTotalWait = null, bool useJitter = false) => new()
    {
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(2),
        MaxTotalWait = maxTotalWait ?? TimeSpan.FromMinutes(5),
        UseJitter = useJitter,
        Delay = (delay, cancellationToken) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            delays.Enqueue(delay);
            return Task.CompletedTask;
        },
    };
}
