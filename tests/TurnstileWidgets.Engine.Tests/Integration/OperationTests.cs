using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TurnstileWidgets.Engine.Tests.Support;

namespace TurnstileWidgets.Engine.Tests.Integration;

public class OperationTests : EmulatorTest
{
    public OperationTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public async Task Create_get_update_list_rotate_delete()
    {
        using var client = Fixture.Client();
        var created = await client.CreateWidgetAsync(new WidgetDefinition
        {
            Name = "checkout",
            Domains = new List<string> { "shop.example.com", "203.0.113.7" },
            Mode = WidgetMode.NonInteractive,
            ClearanceLevel = ClearanceLevel.JsChallenge,
            BotFightMode = true,
        });
        Assert.False(string.IsNullOrEmpty(created.Sitekey));
        Assert.False(string.IsNullOrEmpty(created.Secret));
        Assert.Equal("checkout", created.Name);
        Assert.Equal(new[] { "203.0.113.7", "shop.example.com" }, created.Domains.OrderBy(d => d, StringComparer.Ordinal));
        Assert.Equal(WidgetMode.NonInteractive, created.Mode);
        Assert.Equal(WidgetRegion.World, created.Region);
        Assert.Equal(ClearanceLevel.JsChallenge, created.ClearanceLevel);
        Assert.True(created.BotFightMode);
        Assert.NotEqual(default, created.CreatedOn);

        var fetched = await client.GetWidgetAsync(created.Sitekey);
        Assert.Equal(created.Secret, fetched.Secret);
        Assert.Equal(created.CreatedOn, fetched.CreatedOn);

        var updated = await client.UpdateWidgetAsync(created.Sitekey, new WidgetDefinition
        {
            Name = "checkout v2",
            Domains = new List<string> { "shop.example.com" },
            Mode = WidgetMode.Invisible,
            ClearanceLevel = ClearanceLevel.Interactive,
        });
        Assert.Equal("checkout v2", updated.Name);
        Assert.Equal(WidgetMode.Invisible, updated.Mode);
        Assert.Equal(ClearanceLevel.Interactive, updated.ClearanceLevel);
        Assert.Equal(new[] { "shop.example.com" }, updated.Domains);

        var listed = await ToListAsync(client.ListWidgetsAsync(new WidgetListQuery()));
        var item = Assert.Single(listed);
        Assert.Equal(created.Sitekey, item.Sitekey);
        Assert.Equal("checkout v2", item.Name);
        Assert.Null(item.Secret);

        var rotated = await client.RotateSecretAsync(created.Sitekey, invalidateImmediately: false);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.True(Server.IsSecretValid(created.Secret!));
        Assert.True(Server.IsSecretValid(rotated.Secret!));

        var deleted = await client.DeleteWidgetAsync(created.Sitekey);
        Assert.Equal(created.Sitekey, deleted.Sitekey);
        Assert.Equal(0, Server.WidgetCount);

        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.GetWidgetAsync(created.Sitekey));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(10404, Assert.Single(ex.Errors).Code);
        Assert.Equal("GET", ex.Method);
        Assert.Equal($"/accounts/{Emulator.AccountId}/challenges/widgets/{created.Sitekey}", ex.Path);
        Assert.StartsWith($"Cloudflare API refused GET /accounts/{Emulator.AccountId}/challenges/widgets/{created.Sitekey}: 404 Not Found: [10404] widget not found", ex.Message);
    }

    [Fact]
    public async Task Rotation_with_invalidate_immediately_ends_the_old_secret_at_once()
    {
        using var client = Fixture.Client();
        var created = await client.CreateWidgetAsync(Definition());
        var rotated = await client.RotateSecretAsync(created.Sitekey, invalidateImmediately: true);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.False(Server.IsSecretValid(created.Secret!));
        Assert.True(Server.IsSecretValid(rotated.Secret!));
    }

    [Fact]
    public async Task Rotating_again_within_the_grace_period_is_refused_by_the_api()
    {
        using var client = Fixture.Client();
        var created = await client.CreateWidgetAsync(Definition());
        await client.RotateSecretAsync(created.Sitekey, false);
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.RotateSecretAsync(created.Sitekey, false));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(10005, Assert.Single(ex.Errors).Code);
        Server.AdvanceClock(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await client.RotateSecretAsync(created.Sitekey, false);
    }

    [Fact]
    public async Task Global_api_key_credential_works()
    {
        using var client = Fixture.Client(credential: Fixture.KeyCredential);
        Assert.Equal("ApiKey", client.AuthenticationScheme);
        var created = await client.CreateWidgetAsync(Definition("with key"));
        Assert.Equal("with key", (await client.GetWidgetAsync(created.Sitekey)).Name);
        await client.VerifyAccessAsync();
        await Assert.ThrowsAsync<TurnstileValidationException>(() => client.VerifyTokenAsync());
    }

    [Fact]
    public async Task Token_verification_and_access_check()
    {
        using var client = Fixture.Client();
        var verification = await client.VerifyTokenAsync();
        Assert.Equal("active", verification.Status);
        Assert.False(string.IsNullOrEmpty(verification.Id));

        var observer = new RecordingObserver();
        using (client.Observe(observer))
        {
            await client.VerifyAccessAsync();
        }
        Assert.Equal(new[] { "/user/tokens/verify", $"/accounts/{Emulator.AccountId}/challenges/widgets?page=1&per_page=5" }, observer.Records.Select(r => r.Path));
    }

    [Fact]
    public async Task Region_is_sent_at_creation_and_a_change_is_refused_by_the_api()
    {
        using var client = Fixture.Client();
        var definition = Definition("china widget");
        definition.Region = WidgetRegion.China;
        var created = await client.CreateWidgetAsync(definition);
        Assert.Equal(WidgetRegion.China, created.Region);

        // Client validation cannot know the current region, so this 400 comes from the API itself.
        var change = Definition("china widget");
        change.Region = WidgetRegion.World;
        var ex = await Assert.ThrowsAsync<TurnstileApiException>(() => client.UpdateWidgetAsync(created.Sitekey, change));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(10004, Assert.Single(ex.Errors).Code);
        Assert.Equal("PUT", ex.Method);
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }
}
