using TurnstileWidgets.Listing;

namespace TurnstileWidgets.Module.Tests.Listing
{
    public class PagingWindowTests
    {
        private const ulong All = ulong.MaxValue;

        [Fact]
        public void NoPagingReadsEveryPageOfTheLargestSize()
        {
            PagingWindow window = PagingWindow.Create(0, All, false, false);
            Assert.Equal(1000, window.PerPage);
            Assert.Equal(1, window.StartPage);
            Assert.True(window.ShouldRequestPage(0));
            Assert.True(window.ShouldRequestPage(7));
        }

        [Theory]
        [InlineData(0UL, 3UL, 5)]
        [InlineData(0UL, 20UL, 20)]
        [InlineData(10UL, 20UL, 30)]
        [InlineData(0UL, 1000UL, 1000)]
        public void SmallWindowsAskForOneSmallPage(ulong skip, ulong first, int perPage)
        {
            PagingWindow window = PagingWindow.Create(skip, first, false, false);
            Assert.Equal(perPage, window.PerPage);
            Assert.Equal(1, window.StartPage);
        }

        [Fact]
        public void LargeSkipStartsOnALaterPageInsteadOfReadingTheSkippedOnes()
        {
            PagingWindow window = PagingWindow.Create(5000, 10, false, false);
            Assert.Equal(10, window.PerPage);
            Assert.Equal(501, window.StartPage);
            for (int i = 0; i < 10; i++)
            {
                Assert.True(window.Offer());
            }

            Assert.True(window.IsSatisfied);
            Assert.False(window.ShouldRequestPage(1));
        }

        [Fact]
        public void SkipWithoutFirstStartsOnThePageHoldingTheFirstWidgetAndSkipsTheRest()
        {
            PagingWindow window = PagingWindow.Create(2500, All, false, false);
            Assert.Equal(1000, window.PerPage);
            Assert.Equal(3, window.StartPage);
            int skipped = 0;
            while (!window.Offer())
            {
                skipped++;
            }

            Assert.Equal(500, skipped);
        }

        [Fact]
        public void FirstSatisfiedStopsFurtherRequests()
        {
            PagingWindow window = PagingWindow.Create(2, 3, false, false);
            Assert.True(window.ShouldRequestPage(0));
            Assert.False(window.Offer());
            Assert.False(window.Offer());
            Assert.True(window.Offer());
            Assert.True(window.Offer());
            Assert.False(window.IsSatisfied);
            Assert.True(window.ShouldRequestPage(1));
            Assert.True(window.Offer());
            Assert.True(window.IsSatisfied);
            Assert.False(window.Offer());
            Assert.False(window.ShouldRequestPage(1));
            Assert.Equal(3UL, window.Emitted);
        }

        [Fact]
        public void FirstZeroNeedsNoRequestUnlessTheTotalIsWanted()
        {
            Assert.False(PagingWindow.Create(0, 0, false, false).NeedsAnyRequest);
            PagingWindow counting = PagingWindow.Create(0, 0, true, false);
            Assert.True(counting.NeedsAnyRequest);
            Assert.Equal(5, counting.PerPage);
            Assert.True(counting.ShouldRequestPage(0));
            Assert.False(counting.ShouldRequestPage(1));
        }

        [Fact]
        public void ClientSideFilteringSkipsMatchesNotPages()
        {
            PagingWindow window = PagingWindow.Create(5000, 10, false, filteredOnClient: true);
            Assert.Equal(1000, window.PerPage);
            Assert.Equal(1, window.StartPage);
            for (int i = 0; i < 5000; i++)
            {
                Assert.False(window.Offer());
            }

            Assert.True(window.Offer());
        }

        [Fact]
        public void TotalIsExactForServerSideListings()
        {
            TotalCountReport report = PagingWindow.Create(0, All, true, false).ReportTotal(10000, "name:login");
            Assert.Equal(10000UL, report.Count);
            Assert.Equal(1.0, report.Accuracy);
            Assert.Null(report.Note);
        }

        [Fact]
        public void TotalIsAnUpperBoundWithClientSideFiltering()
        {
            TotalCountReport report = PagingWindow.Create(0, All, true, true).ReportTotal(42, "name:login");
            Assert.Equal(42UL, report.Count);
            Assert.True(report.Accuracy < 1.0 && report.Accuracy > 0.0);
            Assert.Contains("upper bound", report.Note);
            Assert.Contains("name:login", report.Note);
        }

        [Fact]
        public void MissingTotalIsUnknown()
        {
            TotalCountReport report = PagingWindow.Create(0, All, true, false).ReportTotal(null, null);
            Assert.Equal(0.0, report.Accuracy);
        }

        [Fact]
        public void HugeSkipDoesNotOverflow()
        {
            PagingWindow window = PagingWindow.Create(ulong.MaxValue - 1, 5, false, false);
            Assert.True(window.StartPage >= 1);
            Assert.InRange(window.PerPage, 5, 1000);
        }
    }
}
