using System;
using System.Collections.Generic;
using System.Linq;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class ValidationTests
{
    private static WidgetDefinition Valid() => new()
    {
        Name = "login form",
        Domains = new List<string> { "example.com" },
        Mode = WidgetMode.Managed,
    };

    [Theory]
    [InlineData("example.com")]
    [InlineData("blog.example.com")]
    [InlineData("localhost")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("bücher.example")]
    [InlineData("my-site.co.uk")]
    [InlineData("203.0.113.1")]
    [InlineData("0.0.0.0")]
    [InlineData("2001:db8::1")]
    [InlineData("::1")]
    public void Accepts_hostnames_and_ip_addresses(string domain)
    {
        WidgetValidator.ValidateDomain(domain);
    }

    [Theory]
    [InlineData("https://example.com", "scheme")]
    [InlineData("http://example.com/", "scheme")]
    [InlineData("example.com:8443", "port")]
    [InlineData("example.com/login", "path")]
    [InlineData("example.com?x=1", "query")]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("[2001:db8::1]", "bracket")]
    [InlineData("256.1.1.1", "IPv4")]
    [InlineData("1.2.3", "IPv4")]
    [InlineData("2001:db8:::1", "IPv6")]
    [InlineData("", "empty")]
    [InlineData(" example.com", "whitespace")]
    [InlineData("exa mple.com", "hostname")]
    [InlineData("example..com", "empty label")]
    [InlineData("-example.com", "'-'")]
    [InlineData("example.com.", "dot")]
    [InlineData("user@example.com", "user info")]
    [InlineData("under_score.example.com", "hostname")]
    public void Refuses_domains_saying_what_is_wrong(string domain, string expected)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDomain(domain));
        Assert.Equal("domains", ex.Field);
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Allowed:", ex.Message);
        Assert.StartsWith("domains:", ex.Message);
    }

    [Fact]
    public void Refuses_an_overlong_label_and_hostname()
    {
        Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDomain(new string('a', 64) + ".com"));
        string longHost = string.Join(".", Enumerable.Repeat(new string('a', 60), 5));
        Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDomain(longHost));
    }

    [Fact]
    public void Control_characters_are_shown_escaped_in_messages()
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDomain("evil\r\nexample.com"));
        Assert.DoesNotContain("\n", ex.Message);
        Assert.Contains("\\u000d", ex.Message);
    }

    [Fact]
    public void Definition_accepts_a_valid_widget()
    {
        WidgetValidator.ValidateDefinition(Valid());
        var full = Valid();
        full.Name = new string('n', 254);
        full.Domains = Enumerable.Range(0, 10).Select(i => $"d{i}.example.com").ToList();
        full.Region = WidgetRegion.China;
        full.ClearanceLevel = ClearanceLevel.Interactive;
        WidgetValidator.ValidateDefinition(full);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    public void Name_must_be_1_to_254_characters(int length)
    {
        var definition = Valid();
        definition.Name = new string('x', length);
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDefinition(definition));
        Assert.Equal("name", ex.Field);
        Assert.Contains("254", ex.Message);
    }

    [Fact]
    public void Domains_need_at_least_one_and_the_most_is_the_apis_to_say()
    {
        var none = Valid();
        none.Domains = new List<string>();
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDefinition(none));
        Assert.Equal("domains", ex.Field);
        Assert.Contains("at least one", ex.Message);

        // Cloudflare's plans allow 10 to 200 hostnames per widget: an Enterprise widget with 20 must not be refused here.
        var twenty = Valid();
        twenty.Domains = Enumerable.Range(0, 20).Select(i => $"d{i}.example.com").ToList();
        WidgetValidator.ValidateDefinition(twenty);
    }

    [Fact]
    public void Undefined_enum_values_are_refused_naming_the_field()
    {
        var mode = Valid();
        mode.Mode = (WidgetMode)7;
        Assert.Equal("mode", Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDefinition(mode)).Field);
        var region = Valid();
        region.Region = (WidgetRegion)7;
        Assert.Equal("region", Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDefinition(region)).Field);
        var level = Valid();
        level.ClearanceLevel = (ClearanceLevel)7;
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateDefinition(level));
        Assert.Equal("clearance_level", ex.Field);
        Assert.Contains("no_clearance", ex.Message);
    }

    [Theory]
    [InlineData("0x4AAAAAAAB1234567890ab")]
    [InlineData("a")]
    [InlineData("abc_DEF-123")]
    [InlineData("01234567890123456789012345678901")]
    public void Accepts_sitekeys(string sitekey) => WidgetValidator.ValidateSitekey(sitekey);

    [Theory]
    [InlineData("")]
    [InlineData("012345678901234567890123456789012")]
    [InlineData("../../user/tokens")]
    [InlineData("abc/def")]
    [InlineData("abc%2Fdef")]
    [InlineData("abc def")]
    [InlineData("abc?x=1")]
    public void Refuses_sitekeys(string sitekey)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateSitekey(sitekey));
        Assert.Equal("sitekey", ex.Field);
        Assert.Contains("32", ex.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public void Accepts_account_ids(string accountId) => WidgetValidator.ValidateAccountId(accountId);

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("0123456789abcdef/123456789abcdef")]
    public void Refuses_account_ids(string accountId)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateAccountId(accountId));
        Assert.Equal("account_id", ex.Field);
        Assert.Contains("32", ex.Message);
    }

    [Theory]
    [InlineData("name:login")]
    [InlineData("name:")]
    [InlineData("sitekey:0x4AAA")]
    [InlineData("name:a:b & c")]
    public void Accepts_filters(string filter) => WidgetValidator.ValidateFilter(filter);

    [Theory]
    [InlineData("login")]
    [InlineData("domain:example.com")]
    [InlineData("Name:login")]
    [InlineData(":x")]
    public void Refuses_filters(string filter)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateFilter(filter));
        Assert.Equal("filter", ex.Field);
        Assert.Contains("name:", ex.Message);
        Assert.Contains("sitekey:", ex.Message);
    }

    [Theory]
    [InlineData(4, 1, "per_page")]
    [InlineData(1001, 1, "per_page")]
    [InlineData(1000, 0, "page")]
    public void Refuses_list_queries(int perPage, int startPage, string field)
    {
        var ex = Assert.Throws<TurnstileValidationException>(() => WidgetValidator.ValidateListQuery(new WidgetListQuery { PerPage = perPage, StartPage = startPage }));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void List_query_defaults_to_the_largest_page()
    {
        var query = new WidgetListQuery();
        Assert.Equal(1000, query.PerPage);
        WidgetValidator.ValidateListQuery(query);
    }
}
