using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace TurnstileWidgets.Engine.Tests.Unit
{
    public class WidgetWriteJournalTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        [Fact]
        public void A_reading_taken_before_a_write_is_doubted_after_it_and_the_answer_is_the_newest_reading()
        {
            var journal = new WidgetWriteJournal();
            long readAt = journal.Position;
            Assert.True(journal.IsCurrent("k", readAt));

            journal.BeginWrite("k");
            Assert.False(journal.IsCurrent("k", readAt));
            var answer = new Widget { Sitekey = "k", Secret = "s3cret", Mode = WidgetMode.Invisible };
            long answeredAt = journal.EndWrite("k", answer, Now);

            Assert.False(journal.IsCurrent("k", readAt));
            Assert.True(journal.IsCurrent("k", answeredAt));
            Assert.True(journal.IsCurrent("other", readAt));
            Assert.True(journal.TryGetNewest("k", out Widget? newest, out long newestAt, out DateTimeOffset on));
            Assert.Equal(WidgetMode.Invisible, newest!.Mode);
            Assert.Null(newest.Secret);
            Assert.Equal(answeredAt, newestAt);
            Assert.Equal(Now, on);
        }

        [Fact]
        public void Every_connection_of_the_process_to_one_account_shares_one_journal()
        {
            string account = Guid.NewGuid().ToString("N");
            var api = new Uri("http://127.0.0.1:1/client/v4");
            WidgetWriteJournal first = WidgetWriteJournal.ForAccount(api, account);
            WidgetWriteJournal second = WidgetWriteJournal.ForAccount(new Uri("http://127.0.0.1:1/client/v4/"), account.ToUpperInvariant());
            long readAt = first.Position;

            second.BeginWrite("k");
            second.EndWrite("k", null, Now);

            Assert.Same(first, second);
            Assert.False(first.IsCurrent("k", readAt));
            Assert.NotSame(first, WidgetWriteJournal.ForAccount(api, Guid.NewGuid().ToString("N")));
            Assert.NotSame(first, WidgetWriteJournal.ForAccount(new Uri("http://127.0.0.1:2/client/v4"), account));
        }

        [Fact]
        public void A_failed_write_leaves_no_newest_reading_and_a_write_under_way_doubts_everything()
        {
            var journal = new WidgetWriteJournal();
            journal.BeginWrite("k");
            journal.EndWrite("k", new Widget { Sitekey = "k" }, Now);
            journal.BeginWrite("k");
            Assert.False(journal.TryGetNewest("k", out _, out _, out _));
            Assert.False(journal.IsCurrent("k", journal.Position));
            journal.EndWrite("k", null, Now);
            Assert.False(journal.TryGetNewest("k", out _, out _, out _));
            Assert.True(journal.IsCurrent("k", journal.Position));
        }

        [Fact]
        public async Task The_gate_lets_one_writer_per_widget_at_a_time_and_other_widgets_through()
        {
            int inside = 0, most = 0;
            async Task Writer()
            {
                using (await WidgetWriteGate.EnterAsync("acct", "same", CancellationToken.None))
                {
                    int n = Interlocked.Increment(ref inside);
                    most = Math.Max(most, n);
                    await Task.Yield();
                    Interlocked.Decrement(ref inside);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(Writer)));
            Assert.Equal(1, most);

            using (WidgetWriteGate.Enter("acct", "one", CancellationToken.None))
            {
                // Another widget is not held up by this one.
                using (WidgetWriteGate.Enter("acct", "two", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token))
                {
                }
            }
        }
    }
}
