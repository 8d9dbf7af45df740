using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class ConcurrencyTests : EmulatorTestBase
    {
        [Fact]
        public async Task Parallel_creates_and_deletes_keep_the_store_consistent()
        {
            var created = new ConcurrentBag<string>();
            var deleted = new ConcurrentBag<string>();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++)
                {
                    ApiAnswer answer = await SendAsync(HttpMethod.Post, WidgetsPath, $"{{\"name\":\"w{worker}-{i}\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}}");
                    Assert.Equal(HttpStatusCode.OK, answer.Status);
                    string sitekey = answer.Result.GetProperty("sitekey").GetString()!;
                    created.Add(sitekey);
                    if (i % 2 == 0)
                    {
                        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"{WidgetsPath}/{sitekey}")).Status);
                        deleted.Add(sitekey);
                    }
                }
            })));

            Assert.Equal(400, created.Distinct().Count());
            Assert.Equal(200, Server.WidgetCount);

            var listed = new System.Collections.Generic.List<string>();
            for (int page = 1; ; page++)
            {
                ApiAnswer answer = await GetAsync($"{WidgetsPath}?per_page=1000&page={page}");
                if (answer.Result.GetArrayLength() == 0)
                {
                    break;
                }

                listed.AddRange(answer.Result.EnumerateArray().Select(w => w.GetProperty("sitekey").GetString()!));
            }

            Assert.Equal(created.Except(deleted).OrderBy(k => k, System.StringComparer.Ordinal), listed.OrderBy(k => k, System.StringComparer.Ordinal));
            Assert.Equal(listed.Count, listed.Distinct().Count());
        }
    }
}
