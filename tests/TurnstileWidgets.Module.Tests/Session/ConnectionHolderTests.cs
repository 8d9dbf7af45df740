using System;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Module.Tests.Session
{
    public class ConnectionHolderTests
    {
        private sealed class Probe : IDisposable
        {
            public int Disposals { get; private set; }
            public void Dispose() => Disposals++;
        }

        [Fact]
        public void ReplaceDisposesTheOldConnection()
        {
            var holder = new ConnectionHolder<Probe>();
            var first = new Probe();
            var second = new Probe();
            Assert.Null(holder.Current);
            holder.Replace(first);
            Assert.Same(first, holder.Current);
            holder.Replace(second);
            Assert.Same(second, holder.Current);
            Assert.Equal(1, first.Disposals);
            Assert.Equal(0, second.Disposals);
        }

        [Fact]
        public void ClearDisposesAndIsHarmlessWhenEmpty()
        {
            var holder = new ConnectionHolder<Probe>();
            Assert.False(holder.Clear());
            var probe = new Probe();
            holder.Replace(probe);
            Assert.True(holder.Clear());
            Assert.Null(holder.Current);
            Assert.Equal(1, probe.Disposals);
        }
    }
}
