using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

/// <summary>Tokens, keys and widget secrets never reach exception text or observer records.</summary>
public class SecretLeakTests : EmulatorTest
{
    public SecretLeakTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public async Task No_secret_in_any_failure_or_observation()
    {
        var texts = new List<string>();
        var observer = new RecordingObserver();
        var delays = new RecordedDelays();
        var secrets = new List<string> { Emulator.ApiToken, Server.ApiKey };

        using (var tokenClient = Fixture.Client(delays, maxRetries: 1))
        using (var keyClient = Fixture.Client(delays, maxRetries: 1, credential: Fixture.KeyCredential))
        using (tokenClient.Observe(observer))
        {
            var widget = await tokenClient.CreateWidgetAsync(Definition());
            secrets.Add(widget.Secret!);
            var rotated = await tokenClient.RotateSecretAsync(widget.Sitekey, false);
            secrets.Add(rotated.Secret!);

            async Task Capture(Func<Task> action)
            {
                try
                {
                    await action();
                }
                catch (TurnstileException ex)
                {
                    texts.Add(ex.ToString());
                }
            }

            Server.ScriptFaults(new FaultStep { Drop = true }, new FaultStep { Drop = true });
            await Capture(() => tokenClient.GetWidgetAsync(widget.Sitekey));
            Server.ScriptFaults(new FaultStep { DropAfterCommit = true });
            await Capture(() => tokenClient.CreateWidgetAsync(Definition()));
            Server.ScriptFaults(new FaultStep { Status = 429, RetryAfter = "9999" });
            await Capture(() => keyClient.GetWidgetAsync(widget.Sitekey));
            Server.ScriptFaults(new FaultStep { Status = 503 }, new FaultStep { Status = 503 });
            await Capture(() => keyClient.DeleteWidgetAsync(widget.Sitekey));
            await Capture(() => tokenClient.RotateSecretAsync(widget.Sitekey, false));
            await Capture(() => tokenClient.GetWidgetAsync("0x4AAAnothere"));
            using var wrongClient = Fixture.Client(credential: TestSecrets.Token(Emulator.ApiToken + "x"));
            await Capture(() => wrongClient.VerifyAccessAsync());
        }

        Assert.True(texts.Count >= 7, string.Join("\n", texts));
        texts.AddRange(observer.AllText());
        Assert.NotEmpty(observer.Records);
        foreach (string text in texts)
        {
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(secret, text);
            }
            Assert.DoesNotContain("Bearer", text);
            Assert.DoesNotContain("X-Auth", text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
