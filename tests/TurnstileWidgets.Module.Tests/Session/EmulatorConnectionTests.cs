using System;
using System.Management.Automation;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Commands;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Listing;
using TurnstileWidgets.Module.Tests.Commands;
using TurnstileWidgets.Session;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Module.Tests.Session
{
    /// <summary>The module layer's decisions against the emulator over loopback HTTP, as the cmdlets chain them.</summary>
    [Collection(SessionCollection.Name)]
    public sealed class EmulatorConnectionTests : IAsyncLifetime
    {
        private InProcessEmulator emulator = null!;

        public async Task InitializeAsync() => emulator = await InProcessEmulator.StartAsync();

        public async Task DisposeAsync() => await emulator.DisposeAsync();

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        private Func<string, string?> Environment(string? token = null) => name => name switch
        {
            "CLOUDFLARE_API_TOKEN" => token ?? emulator.ApiToken,
            "CLOUDFLARE_ACCOUNT_ID" => emulator.AccountId,
            "CLOUDFLARE_BASE_URL" => emulator.BaseUri.ToString(),
            _ => null,
        };

        private TurnstileClient Client(string? token = null) =>
            new TurnstileClient(ConnectionResolver.Resolve(new ConnectionParameters(), Environment(token)).ToClientOptions());

        [Fact]
        public async Task ConnectingVerifiesAndReportsEachAttemptThroughThePump()
        {
            using TurnstileClient client = Client();
            var lines = new List<string>();
            var pump = new MessagePump(new VerboseLines(lines.Add));
            using (client.Observe(pump))
            {
                pump.Run(client.VerifyAccessAsync());
            }

            Assert.Equal(1, (await emulator.GetStatsAsync()).VerifyTokenRequests);
            Assert.Equal(1, (await emulator.GetStatsAsync()).ListRequests);
            Assert.Contains(lines, l => l.StartsWith("GET ", StringComparison.Ordinal) && l.Contains("/user/tokens/verify -> 200 in "));
            Assert.Contains(lines, l => l.Contains("/challenges/widgets?") && l.Contains("-> 200 in "));
            Assert.DoesNotContain(lines, l => l.Contains(emulator.ApiToken));

            ConnectionDetails details = ConnectionDetails.ForVerifiedClient(client, DateTimeOffset.UnixEpoch);
            Assert.Equal(emulator.AccountId, details.AccountId);
            Assert.Equal("ApiToken", details.AuthenticationScheme);
            Assert.Equal("active", details.TokenStatus);
        }

        [Fact]
        public async Task ApiKeyConnectionHasNoTokenStatus()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(
                new ConnectionParameters { Email = emulator.Server.Email, ApiKey = Secure(emulator.Server.ApiKey), AccountId = emulator.AccountId, ApiBaseUri = emulator.BaseUri },
                _ => null);
            using var client = new TurnstileClient(resolved.ToClientOptions());
            new MessagePump(new VerboseLines(_ => { })).Run(client.VerifyAccessAsync());
            Assert.Null(ConnectionDetails.ForVerifiedClient(client, DateTimeOffset.UnixEpoch).TokenStatus);
            Assert.Equal(0, (await emulator.GetStatsAsync()).VerifyTokenRequests);
        }

        [Fact]
        public void WrongTokenMapsToAuthenticationFailed()
        {
            using TurnstileClient client = Client("wrong-token");
            var error = Assert.ThrowsAny<TurnstileException>(() => new MessagePump(new VerboseLines(_ => { })).Run(client.VerifyAccessAsync()));
            ErrorRecord descriptor = ErrorMapper.Map(error, null);
            Assert.Equal("TurnstileAuthenticationFailed", descriptor.FullyQualifiedErrorId);
            Assert.DoesNotContain("wrong-token", descriptor.ErrorDetails.Message);
        }

        [Fact]
        public void MissingWidgetMapsToWidgetNotFound()
        {
            using TurnstileClient client = Client();
            var error = Assert.Throws<TurnstileApiException>(() => new MessagePump(new VerboseLines(_ => { })).Run(client.GetWidgetAsync("0x4AAAAAAAnothere")));
            ErrorRecord descriptor = ErrorMapper.Map(error, "0x4AAAAAAAnothere");
            Assert.Equal("TurnstileWidgetNotFound", descriptor.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, descriptor.CategoryInfo.Category);
            Assert.Equal("0x4AAAAAAAnothere", descriptor.TargetObject);
        }

        [Fact]
        public void SecondRotationInTheGracePeriodMapsToRotationRefused()
        {
            using TurnstileClient client = Client();
            var pump = new MessagePump(new VerboseLines(_ => { }));
            Widget created = pump.Run(client.CreateWidgetAsync(NewWidgetRequest.Build("rotating", new[] { "example.com" }, null, null, null, null, null, null)));
            pump.Run(client.RotateSecretAsync(created.Sitekey, false));
            var error = Assert.Throws<TurnstileApiException>(() => pump.Run(client.RotateSecretAsync(created.Sitekey, false)));
            ErrorRecord descriptor = ErrorMapper.Map(error, created.Sitekey);
            Assert.Equal("TurnstileSecretRotationRefused", descriptor.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, descriptor.CategoryInfo.Category);
            Assert.Contains("[10005]", descriptor.ErrorDetails.Message);
        }

        [Fact]
        public async Task SetMergesOverTheCurrentWidgetAndRefusesARegionChangeWithoutAPut()
        {
            using TurnstileClient client = Client();
            var pump = new MessagePump(new VerboseLines(_ => { }));
            Widget created = pump.Run(client.CreateWidgetAsync(NewWidgetRequest.Build("shop", new[] { "shop.example" }, "invisible", "world", null, true, null, null)));

            Widget current = pump.Run(client.GetWidgetAsync(created.Sitekey));
            Assert.Throws<RegionChangeRefusedException>(() => WidgetMerge.Merge(current, new WidgetChanges { Region = "china" }));
            Assert.Equal(0, (await emulator.GetStatsAsync()).UpdateRequests);

            WidgetMergeResult merge = WidgetMerge.Merge(current, new WidgetChanges { AddDomains = new[] { "SHOP.example", "www.shop.example" }, ClearanceLevel = "managed" });
            Widget updated = pump.Run(client.UpdateWidgetAsync(created.Sitekey, merge.Definition));
            Assert.Equal(new[] { "shop.example", "www.shop.example" }, updated.Domains);
            Assert.Equal(WidgetMode.Invisible, updated.Mode);
            Assert.True(updated.BotFightMode);
            Assert.Equal(ClearanceLevel.Managed, updated.ClearanceLevel);

            Assert.False(WidgetMerge.Merge(updated, new WidgetChanges { Mode = "invisible" }).HasChanges);
        }

        [Fact]
        public async Task PagingWindowSkipsWholePagesAndStopsWhenFirstIsSatisfied()
        {
            await emulator.SeedWidgetsAsync(40, "page-");
            using TurnstileClient client = Client();
            var all = new List<string>();
            await foreach (Widget widget in client.ListWidgetsAsync(new WidgetListQuery()))
            {
                all.Add(widget.Sitekey);
            }

            long listRequestsBefore = (await emulator.GetStatsAsync()).ListRequests;
            PagingWindow window = PagingWindow.Create(skip: 22, first: 6, includeTotalCount: true, filteredOnClient: false);
            WidgetListing listing = client.ListWidgets(ListingRequest.Build(null, null, false, window));
            var pump = new MessagePump(new VerboseLines(_ => { }));
            var emitted = new List<string>();
            TotalCountReport? total = null;
            int pagesRead = 0;
            while (window.ShouldRequestPage(pagesRead))
            {
                WidgetPage? page = pump.Run(listing.NextPageAsync());
                if (page == null) break;
                pagesRead++;
                if (pagesRead == 1) total = window.ReportTotal(page.TotalCount, null);
                emitted.AddRange(page.Widgets.Where(_ => window.Offer()).Select(w => w.Sitekey));
            }

            Assert.Equal(all.Skip(22).Take(6), emitted);
            Assert.Equal(1, (await emulator.GetStatsAsync()).ListRequests - listRequestsBefore);
            Assert.Equal(40UL, total!.Count);
            Assert.Equal(1.0, total.Accuracy);
        }

        [Fact]
        public async Task WildcardNameNarrowsWithTheApiFilterAndMatchesOnTheClient()
        {
            await emulator.SeedWidgetsAsync(30, "seed-");
            using TurnstileClient client = Client();
            NamePattern pattern = NamePattern.Parse("SEED-1?");
            Assert.Equal("name:SEED-1", pattern.ApiFilter);
            WidgetListing listing = client.ListWidgets(new WidgetListQuery { Filter = pattern.ApiFilter });
            var pump = new MessagePump(new VerboseLines(_ => { }));
            var names = new List<string>();
            long? apiTotal = null;
            for (WidgetPage? page = pump.Run(listing.NextPageAsync()); page != null; page = pump.Run(listing.NextPageAsync()))
            {
                apiTotal ??= page.TotalCount;
                names.AddRange(page.Widgets.Where(w => pattern.IsMatch(w.Name)).Select(w => w.Name));
            }

            Assert.Equal(Enumerable.Range(10, 10).Select(i => "seed-" + i).OrderBy(n => n), names.OrderBy(n => n));
            Assert.Equal(11, apiTotal);
        }

        [Fact]
        public async Task CompletionReadsTheAccountOnceForManyKeystrokes()
        {
            await emulator.SeedWidgetsAsync(12, "tab-");
            var connection = new SessionConnection(Client(), new ConnectionDetails(emulator.AccountId, "ApiToken", emulator.BaseUri, DateTimeOffset.UnixEpoch, "active"));
            using (connection)
            {
                long before = (await emulator.GetStatsAsync()).ListRequests;
                IReadOnlyList<CompletionResult> first = connection.Completions.Complete(CompletionField.Name, "tab-1");
                IReadOnlyList<CompletionResult> second = connection.Completions.Complete(CompletionField.Name, "tab-11");
                Assert.Equal(1, (await emulator.GetStatsAsync()).ListRequests - before);
                Assert.Equal(4, first.Count);
                Assert.Equal("tab-11", Assert.Single(second).CompletionText);
            }
        }

        [Fact]
        public void SessionReplacesAndDisconnects()
        {
            var first = new SessionConnection(Client(), new ConnectionDetails(emulator.AccountId, "ApiToken", emulator.BaseUri, DateTimeOffset.UnixEpoch, "active"));
            var second = new SessionConnection(Client(), new ConnectionDetails(emulator.AccountId, "ApiToken", emulator.BaseUri, DateTimeOffset.UnixEpoch, "active"));
            try
            {
                TurnstileSession.Connect(first);
                Assert.Same(first, TurnstileSession.Current);
                TurnstileSession.Connect(second);
                Assert.Same(second, TurnstileSession.Current);
                Assert.ThrowsAny<ObjectDisposedException>(() => new MessagePump(new VerboseLines(_ => { })).Run(first.Client.GetWidgetAsync("0x4AAAAAAAabc")));
                Assert.True(TurnstileSession.Disconnect());
                Assert.Null(TurnstileSession.Current);
                Assert.False(TurnstileSession.Disconnect());
            }
            finally
            {
                TurnstileSession.Disconnect();
            }
        }
    }
}
