using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Commands;

namespace TurnstileWidgets.Module.Tests.Commands
{
    public class MessagePumpTests
    {
        [Fact]
        public void DeliversMessagesOnTheCallingThreadWhileTheTaskRuns()
        {
            int callingThread = Environment.CurrentManagedThreadId;
            var delivered = new List<(string Text, int Thread)>();
            var pump = new MessagePump(new VerboseLines(text => delivered.Add((text, Environment.CurrentManagedThreadId))));

            Task<int> work = Task.Run(async () =>
            {
                pump.RequestCompleted(new RequestRecord { Method = "GET", Path = "/a", StatusCode = 200, Attempt = 1 });
                pump.RetryScheduled(new RetryNotice { Method = "GET", Path = "/a", NextAttempt = 2, Delay = TimeSpan.FromSeconds(1), Reason = "503" });
                await Task.Yield();
                return 42;
            });

            Assert.Equal(42, pump.Run(work));
            Assert.Equal(2, delivered.Count);
            Assert.All(delivered, d => Assert.Equal(callingThread, d.Thread));
            Assert.Equal("GET /a -> 200 in 0 ms", delivered[0].Text);
            Assert.StartsWith("Waiting 1 s before attempt 2 of GET /a", delivered[1].Text);
        }

        [Fact]
        public void MessagesArriveWhileWaitingNotOnlyAtTheEnd()
        {
            var delivered = new List<string>();
            var firstDelivered = new ManualResetEventSlim(false);
            var pump = new MessagePump(new VerboseLines(text =>
            {
                delivered.Add(text);
                firstDelivered.Set();
            }));
            Task work = Task.Run(() =>
            {
                pump.Post("first");
                // The task cannot finish until the pump has delivered the first message on the waiting thread.
                firstDelivered.Wait();
                pump.Post("second");
            });

            pump.Run(work);
            Assert.Equal(new[] { "first", "second" }, delivered);
        }

        [Fact]
        public void RethrowsTheOriginalExceptionNotAnAggregate()
        {
            var pump = new MessagePump(new VerboseLines(_ => { }));
            Task<int> failing = Task.Run(new Func<int>(() => throw new TurnstileValidationException("name", "bad name")));
            var error = Assert.Throws<TurnstileValidationException>(() => pump.Run(failing));
            Assert.Equal("bad name", error.Message);

            Task failingVoid = Task.Run(() => throw new InvalidOperationException("boom"));
            Assert.Throws<InvalidOperationException>(() => pump.Run(failingVoid));
        }

        [Fact]
        public void CancellationStopsWaitingEvenIfTheTaskIgnoresIt()
        {
            var pump = new MessagePump(new VerboseLines(_ => { }));
            var never = new TaskCompletionSource<int>();
            using var cancellation = new CancellationTokenSource();
            Task<int> work = never.Task;
            Task.Run(() => cancellation.Cancel());
            Assert.ThrowsAny<OperationCanceledException>(() => pump.Run(work, cancellation.Token));
        }

        [Fact]
        public void CompletedTaskReturnsAtOnce()
        {
            var pump = new MessagePump(new VerboseLines(_ => { }));
            Assert.Equal("done", pump.Run(Task.FromResult("done")));
        }
    }
}
