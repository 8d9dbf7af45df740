using TurnstileWidgets.Engine;
using TurnstileWidgets.Listing;

namespace TurnstileWidgets.Module.Tests.Listing
{
    public class ListingRequestTests
    {
        [Theory]
        [InlineData("name:login", "name:login")]
        [InlineData("Name:Login", "name:Login")]
        [InlineData("SITEKEY:0x4AAA", "sitekey:0x4AAA")]
        [InlineData("name:", "name:")]
        [InlineData("name:a:b", "name:a:b")]
        public void ValidFiltersAreNormalized(string filter, string expected)
        {
            Assert.Equal(expected, ListingRequest.NormalizeFilter(filter));
        }

        [Theory]
        [InlineData("login")]
        [InlineData("domain:example.com")]
        [InlineData(":login")]
        public void InvalidFiltersSayWhatIsAllowed(string filter)
        {
            var error = Assert.Throws<TurnstileValidationException>(() => ListingRequest.NormalizeFilter(filter));
            Assert.Equal("filter", error.Field);
            Assert.Contains("name:<text>", error.Message);
            Assert.Contains("sitekey:<text>", error.Message);
        }

        [Theory]
        [InlineData("Id", WidgetOrder.Id)]
        [InlineData("sitekey", WidgetOrder.Sitekey)]
        [InlineData("Name", WidgetOrder.Name)]
        [InlineData("CreatedOn", WidgetOrder.CreatedOn)]
        [InlineData("modifiedon", WidgetOrder.ModifiedOn)]
        public void SortByMapsToOrder(string sortBy, WidgetOrder expected)
        {
            Assert.Equal(expected, ListingRequest.ParseSortBy(sortBy));
        }

        [Fact]
        public void SortByNotGivenLeavesTheApiDefault()
        {
            Assert.Null(ListingRequest.ParseSortBy(null));
            Assert.Null(ListingRequest.ParseDirection(false));
            Assert.Equal(OrderDirection.Descending, ListingRequest.ParseDirection(true));
        }

        [Fact]
        public void UnknownSortByIsRefused()
        {
            Assert.Throws<TurnstileValidationException>(() => ListingRequest.ParseSortBy("Domains"));
        }

        [Fact]
        public void BuildCombinesFilterOrderAndPaging()
        {
            PagingWindow window = PagingWindow.Create(5000, 10, false, false);
            WidgetListQuery query = ListingRequest.Build("name:login", "ModifiedOn", true, window);
            Assert.Equal("name:login", query.Filter);
            Assert.Equal(WidgetOrder.ModifiedOn, query.Order);
            Assert.Equal(OrderDirection.Descending, query.Direction);
            Assert.Equal(10, query.PerPage);
            Assert.Equal(501, query.StartPage);
        }
    }
}
