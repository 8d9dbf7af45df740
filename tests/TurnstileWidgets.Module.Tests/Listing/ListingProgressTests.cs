using TurnstileWidgets.Listing;

namespace TurnstileWidgets.Module.Tests.Listing
{
    public class ListingProgressTests
    {
        [Fact]
        public void PercentAndStatusFromTheTotal()
        {
            ListingProgress progress = ListingProgress.Compute(3, 3000, 10000, 1000);
            Assert.Equal(30, progress.PercentComplete);
            Assert.Equal("Read 3,000 of 10,000 widgets", progress.StatusDescription);
            Assert.True(progress.ShouldShow);
        }

        [Fact]
        public void OnePageListingShowsNoProgress()
        {
            Assert.False(ListingProgress.Compute(1, 12, 12, 1000).ShouldShow);
        }

        [Fact]
        public void FirstOfManyPagesShowsProgress()
        {
            ListingProgress progress = ListingProgress.Compute(1, 1000, 2500, 1000);
            Assert.True(progress.ShouldShow);
            Assert.Equal(40, progress.PercentComplete);
        }

        [Fact]
        public void UnknownTotal()
        {
            ListingProgress progress = ListingProgress.Compute(2, 2000, null, 1000);
            Assert.Equal(-1, progress.PercentComplete);
            Assert.Equal("Read 2,000 widgets (2 pages)", progress.StatusDescription);
            Assert.True(progress.ShouldShow);
        }

        [Fact]
        public void NeverAbove100()
        {
            Assert.Equal(100, ListingProgress.Compute(3, 3000, 2000, 1000).PercentComplete);
        }
    }
}
