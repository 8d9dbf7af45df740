using TurnstileWidgets.Engine.Internal;

namespace TurnstileWidgets.Engine.Tests.Unit;

public class EmittedSitekeysTests
{
    [Fact]
    public void A_sitekey_is_new_once()
    {
        var emitted = new EmittedSitekeys();
        Assert.True(emitted.Add("0x4AAAAAAA1"));
        Assert.False(emitted.Add("0x4AAAAAAA1"));
        Assert.True(emitted.Add("0x4AAAAAAA2"));
        Assert.Equal(2, emitted.Count);
    }

    [Fact]
    public void While_undisturbed_only_the_recent_pages_are_checked_but_every_widget_is_kept_for_a_disturbance()
    {
        var emitted = new EmittedSitekeys();
        for (int page = 0; page < EmittedSitekeys.RecentWindows + 2; page++)
        {
            Assert.True(emitted.Add("page-" + page));
            emitted.EndWindow();
        }
        // page-2 is still among the recent pages; page-0 and page-1 are not checked while nothing moved.
        Assert.False(emitted.Add("page-2"));

        emitted.MarkDisturbed();
        Assert.False(emitted.Add("page-0"));
        Assert.False(emitted.Add("page-1"));
        Assert.True(emitted.Add("new"));
        Assert.Equal(EmittedSitekeys.RecentWindows + 3, emitted.Count);
    }

    [Fact]
    public void The_hash_is_stable_and_tells_close_sitekeys_apart()
    {
        Assert.Equal(EmittedSitekeys.Hash("0x4AAAAAAABkMYinukE8nzY"), EmittedSitekeys.Hash("0x4AAAAAAABkMYinukE8nzY"));
        var seen = new System.Collections.Generic.HashSet<ulong>();
        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(seen.Add(EmittedSitekeys.Hash("0x4AAAAAAA" + i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture))));
        }
    }
}
