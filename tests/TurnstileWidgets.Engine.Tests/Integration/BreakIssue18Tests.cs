using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>A tester's probes of issue 18's engine core that need a server the emulator cannot be.</summary>
public sealed class BreakIssue18Tests
{
    /// <summary>
    /// A Ratelimit header whose reset lies decades ahead (a proxy's or a server's mistake): the pacer waits for that
    /// window, but every wait it asks of the timer must be one a .NET timer can wait. Before, the wait went to
    /// Task.Delay whole and failed as an ArgumentOutOfRangeException about 'delay', unclassified, out of the cmdlet.
    /// </summary>
    [Fact]
    public async Task A_window_reset_beyond_what_a_timer_can_wait_is_never_asked_of_the_timer()
    {
        string page = ScriptedServer.ListPage(1, 1, 1, 1000);
        await using var server = new ScriptedServer(_ => new ScriptedResponse(200, page, Headers: new Dictionary<string, string>
        {
            ["Ratelimit"] = "\"default\";r=0;t=99999999999",
        }));
        var delays = new RecordedDelays();
        using var client = new TurnstileClient(new TurnstileClientOptions
        {
            Credential = TestSecrets.Token("break18-" + Guid.NewGuid().ToString("N")),
            AccountId = "0123456789abcdef0123456789abcdef",
            BaseUri = server.BaseUri,
            Retry = delays.Options(maxRetries: 0),
        });

        await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery()));
        // The window is spent: this one waits for its reset (the recorded delay returns at once) and then goes alone.
        List<Widget> second = await OperationTests.ToListAsync(client.ListWidgetsAsync(new WidgetListQuery()));

        Assert.Single(second);
        Assert.NotEmpty(delays.Delays);
        Assert.All(delays.Delays, delay => Assert.True(delay <= TurnstileClientOptions.MaxTimeout, $"asked the timer to wait {delay}"));
        Assert.Equal(2, server.Requests.Count(r => r.Method == "GET"));
    }
}
