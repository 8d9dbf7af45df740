using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Completion;

namespace TurnstileWidgets.Module.Tests.Completion
{
    public class CompletionCacheTests
    {
        private DateTimeOffset now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private int loads;

        private CompletionCache Cache(params WidgetName[] widgets) => new CompletionCache(_ =>
        {
            loads++;
            return Task.FromResult<IReadOnlyList<WidgetName>>(widgets);
        }, () => now);

        private static readonly WidgetName[] Sample =
        {
            new WidgetName("0x4AAAAAAAbbb", "Login page"),
            new WidgetName("0x4AAAAAAAaaa", "login"),
            new WidgetName("0x4BBBBBBBccc", "checkout"),
            new WidgetName("0x4BBBBBBBddd", "it's [prod]"),
            new WidgetName("0x4BBBBBBBeee", "checkout"),
        };

        [Fact]
        public void TwoCompletionsWithinTheTimeToLiveCostOneListing()
        {
            CompletionCache cache = Cache(Sample);
            cache.Complete(CompletionField.Sitekey, "0x4A");
            now += TimeSpan.FromSeconds(59);
            cache.Complete(CompletionField.Name, "lo");
            Assert.Equal(1, loads);
            Assert.Equal(1, cache.LoadCount);
        }

        [Fact]
        public void ExpiredCacheListsAgain()
        {
            CompletionCache cache = Cache(Sample);
            cache.Complete(CompletionField.Sitekey, "");
            now += TimeSpan.FromSeconds(60);
            cache.Complete(CompletionField.Sitekey, "");
            Assert.Equal(2, loads);
        }

        [Fact]
        public void InvalidateForcesANewListing()
        {
            CompletionCache cache = Cache(Sample);
            cache.Complete(CompletionField.Sitekey, "");
            cache.Invalidate();
            cache.Complete(CompletionField.Sitekey, "");
            Assert.Equal(2, loads);
        }

        [Fact]
        public void SitekeysByPrefixIgnoringCaseSorted()
        {
            IReadOnlyList<CompletionResult> result = Cache(Sample).Complete(CompletionField.Sitekey, "0x4aaa");
            Assert.Equal(new[] { "0x4AAAAAAAaaa", "0x4AAAAAAAbbb" }, result.Select(c => c.CompletionText));
            Assert.Equal("login (0x4AAAAAAAaaa)", result[0].ToolTip);
        }

        [Fact]
        public void NamesAreQuotedWhenTheyNeedIt()
        {
            IReadOnlyList<CompletionResult> result = Cache(Sample).Complete(CompletionField.Name, "LOG");
            Assert.Equal(new[] { "login", "'Login page'" }, result.Select(c => c.CompletionText));
            Assert.Equal("Login page", result[1].ListItemText);
        }

        [Fact]
        public void DuplicateNamesAreOfferedOnceWithEverySitekeyInTheToolTip()
        {
            CompletionResult only = Assert.Single(Cache(Sample).Complete(CompletionField.Name, "check"));
            Assert.Equal("checkout", only.CompletionText);
            Assert.Contains("0x4BBBBBBBccc", only.ToolTip);
            Assert.Contains("0x4BBBBBBBeee", only.ToolTip);
        }

        [Fact]
        public void WildcardNamesAreEscapedAndQuotesDoubled()
        {
            CompletionCache cache = Cache(Sample);
            Assert.Equal("'it''s [prod]'", Assert.Single(cache.Complete(CompletionField.Name, "it")).CompletionText);
            Assert.Equal("'it''s `[prod`]'", Assert.Single(cache.Complete(CompletionField.NamePattern, "it")).CompletionText);
        }

        [Fact]
        public void TypedQuotesAreIgnoredForMatching()
        {
            Assert.Equal(2, Cache(Sample).Complete(CompletionField.Name, "'log").Count);
        }

        [Fact]
        public void FailingListingYieldsNothingAndIsNotRetriedPerKeystroke()
        {
            var cache = new CompletionCache(_ =>
            {
                loads++;
                return Task.FromException<IReadOnlyList<WidgetName>>(new InvalidOperationException("down"));
            }, () => now);
            Assert.Empty(cache.Complete(CompletionField.Sitekey, ""));
            Assert.Empty(cache.Complete(CompletionField.Sitekey, "0"));
            Assert.Equal(1, loads);
        }

        [Theory]
        [InlineData("plain", "plain")]
        [InlineData("with space", "'with space'")]
        [InlineData("-dash", "'-dash'")]
        [InlineData("a$b", "'a$b'")]
        [InlineData("", "''")]
        public void Quoting(string value, string expected)
        {
            Assert.Equal(expected, CompletionCache.Quote(value));
        }

        [Fact]
        public async Task ConcurrentCompletionsShareOneListing()
        {
            var listingStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var listing = new TaskCompletionSource<IReadOnlyList<WidgetName>>(TaskCreationOptions.RunContinuationsAsynchronously);
            var cache = new CompletionCache(_ =>
            {
                Interlocked.Increment(ref loads);
                listingStarted.TrySetResult();
                return listing.Task;
            }, () => now);
            Task<IReadOnlyList<CompletionResult>> first = Task.Run(() => cache.Complete(CompletionField.Sitekey, ""));

            // The second completion starts only once the first is inside its listing (or, if the cache never lists, has finished).
            await Task.WhenAny(listingStarted.Task, first);
            Task<IReadOnlyList<CompletionResult>> second = Task.Run(() => cache.Complete(CompletionField.Sitekey, ""));
            listing.SetResult(Sample);
            IReadOnlyList<CompletionResult>[] results = await Task.WhenAll(first, second);

            Assert.Equal(1, loads);
            Assert.Equal(1, cache.LoadCount);
            Assert.Equal(5, results[0].Count);
            Assert.Equal(5, results[1].Count);
        }
    }
}
