using TurnstileWidgets.Engine;
using TurnstileWidgets.Listing;

namespace TurnstileWidgets.Module.Tests.Listing
{
    public class NamePatternTests
    {
        [Theory]
        [InlineData("login*", "login", "name:login")]
        [InlineData("*", "", null)]
        [InlineData("??", "", null)]
        [InlineData("a*checkout-form?", "checkout-form", "name:checkout-form")]
        [InlineData("shop-[0-9]*", "shop-", "name:shop-")]
        [InlineData("ab`*cd*", "ab*cd", "name:ab*cd")]
        [InlineData("x*yz", "yz", "name:yz")]
        public void ApiFilterIsTheLongestLiteralRun(string pattern, string longest, string? filter)
        {
            NamePattern wildcard = NamePattern.Parse(pattern);
            Assert.True(wildcard.HasWildcards);
            Assert.Equal(longest, wildcard.LongestLiteral);
            Assert.Equal(filter, wildcard.ApiFilter);
        }

        [Theory]
        [InlineData("login*", "login-page", true)]
        [InlineData("login*", "LOGIN", true)]
        [InlineData("login*", "my-login", false)]
        [InlineData("*login*", "my-Login-page", true)]
        [InlineData("log?n", "login", true)]
        [InlineData("log?n", "logn", false)]
        [InlineData("shop-[0-9]", "shop-7", true)]
        [InlineData("shop-[0-9]", "shop-x", false)]
        [InlineData("shop-[abc]", "shop-B", true)]
        [InlineData("shop-[a-c]", "shop-C", true)]
        [InlineData("shop-[a-c]", "shop-d", false)]
        [InlineData("a*b*c", "aXXbYYc", true)]
        [InlineData("a*b*c", "aXXbYY", false)]
        [InlineData("*.example", "www.example", true)]
        [InlineData("100`%*", "100% sure", true)]
        [InlineData("what`?*", "what? now", true)]
        [InlineData("what`?*", "whatX now", false)]
        [InlineData("`[prod`]*", "[prod] login", true)]
        [InlineData("`[prod`]*", "p login", false)]
        [InlineData("**", "", true)]
        public void MatchesTheWholeNameIgnoringCase(string pattern, string name, bool expected)
        {
            Assert.Equal(expected, NamePattern.Parse(pattern).IsMatch(name));
        }

        [Fact]
        public void LiteralNameMatchesExactlyIgnoringCaseNotAsSubstring()
        {
            NamePattern literal = NamePattern.Parse("Login");
            Assert.False(literal.HasWildcards);
            Assert.Equal("Login", literal.LiteralName);
            Assert.Equal("name:Login", literal.ApiFilter);
            Assert.True(literal.IsMatch("login"));
            Assert.True(literal.IsMatch("LOGIN"));
            Assert.False(literal.IsMatch("login-page"));
            Assert.False(literal.IsMatch("my-login"));
            Assert.False(literal.IsMatch(null));
        }

        [Fact]
        public void EscapedWildcardCharactersMakeALiteralName()
        {
            NamePattern literal = NamePattern.Parse("sale`*now");
            Assert.False(literal.HasWildcards);
            Assert.Equal("sale*now", literal.LiteralName);
            Assert.True(literal.IsMatch("SALE*NOW"));
            Assert.False(literal.IsMatch("sale-now"));
        }

        [Fact]
        public void TrailingBacktickIsLiteral()
        {
            NamePattern literal = NamePattern.Parse("odd`");
            Assert.Equal("odd`", literal.LiteralName);
        }

        [Theory]
        [InlineData("shop-[0-9")]
        [InlineData("shop-[]")]
        [InlineData("shop-[z-a]")]
        public void InvalidBracketIsAValidationError(string pattern)
        {
            var error = Assert.Throws<TurnstileValidationException>(() => NamePattern.Parse(pattern));
            Assert.Equal("name", error.Field);
            Assert.Contains(pattern, error.Message);
        }
    }
}
