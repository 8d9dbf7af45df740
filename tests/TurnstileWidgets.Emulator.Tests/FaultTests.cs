using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using TurnstileWidgets.TestSupport;

namespace TurnstileWidgets.Emulator.Tests
{
    public sealed class ScriptedFaultTests : EmulatorTestBase
    {
        [Fact]
        public async Task Scripted_steps_apply_in_order_to_the_next_requests_then_traffic_is_normal()
        {
            ApiAnswer scripted = await ControlAsync(HttpMethod.Post, "faults/script",
                "{\"steps\":[{\"status\":503},{\"status\":429,\"retry_after\":\"2\"},{\"status\":429,\"retry_after_ms\":1500},{\"status\":429,\"retry_after_date\":true},{\"status\":500,\"x_should_retry\":\"false\"}]}");
            Assert.Equal(HttpStatusCode.OK, scripted.Status);
            Assert.Equal(5, scripted.Body.GetProperty("pending_script_steps").GetInt32());

            ApiAnswer first = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
            Assert.False(first.Body.GetProperty("success").GetBoolean());

            ApiAnswer second = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
            Assert.Equal(971, second.ErrorCode);
            Assert.Equal("Please wait and consider throttling your request speed", second.ErrorMessage);
            Assert.Equal(TimeSpan.FromSeconds(2), second.Headers.RetryAfter!.Delta);

            ApiAnswer third = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
            Assert.Equal("1500", third.Headers.GetValues("retry-after-ms").Single());

            ApiAnswer fourth = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, fourth.Status);
            Assert.NotNull(fourth.Headers.RetryAfter!.Date);

            ApiAnswer fifth = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.InternalServerError, fifth.Status);
            Assert.Equal("false", fifth.Headers.GetValues("x-should-retry").Single());

            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            EmulatorStatsSnapshot stats = Server.Stats.Snapshot();
            Assert.Equal(6, stats.ListRequests);
            Assert.Equal(3, stats.RateLimitedResponses);
            Assert.Equal(2, stats.InjectedServerErrors);
        }

        [Fact]
        public async Task Drop_aborts_the_connection_without_doing_the_operation()
        {
            Server.ScriptFaults(new FaultStep { Drop = true });
            await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"x\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}"));

            Assert.Equal(0, Server.WidgetCount);
            Assert.Equal(1, Server.Stats.DroppedConnections);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }

        [Fact]
        public async Task Drop_after_commit_performs_the_create_then_aborts()
        {
            await ControlAsync(HttpMethod.Post, "faults/script", "{\"steps\":[{\"drop_after_commit\":true}]}");

            await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(HttpMethod.Post, WidgetsPath, "{\"name\":\"ghost\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}"));

            Assert.Equal(1, Server.WidgetCount);
            ApiAnswer list = await GetAsync(WidgetsPath);
            Assert.Equal("ghost", list.Result[0].GetProperty("name").GetString());
            Assert.Equal(1, Server.Stats.DroppedConnections);
        }

        [Fact]
        public async Task Method_and_path_matchers_pick_the_request_a_step_applies_to()
        {
            string sitekey = (await CreateWidgetAsync()).GetProperty("sitekey").GetString()!;
            Server.ScriptFaults(
                new FaultStep { Status = 502, Method = "DELETE" },
                new FaultStep { Status = 503, PathContains = "rotate_secret" });

            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(HttpMethod.Post, $"{WidgetsPath}/{sitekey}/rotate_secret")).Status);
            Assert.Equal(HttpStatusCode.BadGateway, (await SendAsync(HttpMethod.Delete, $"{WidgetsPath}/{sitekey}")).Status);
            Assert.Equal(1, Server.WidgetCount);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"{WidgetsPath}/{sitekey}")).Status);
        }

        [Fact]
        public async Task Empty_step_lets_one_request_through_and_custom_code_and_message_are_used()
        {
            Server.ScriptFaults(new FaultStep(), new FaultStep { Status = 400, Code = 1234, Message = "custom refusal", DelayMs = 1 });

            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            ApiAnswer refused = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal(1234, refused.ErrorCode);
            Assert.Equal("custom refusal", refused.ErrorMessage);
        }

        [Theory]
        [InlineData("{\"steps\":[{\"status\":200}]}")]
        [InlineData("{\"steps\":[{\"status\":503,\"drop\":true}]}")]
        [InlineData("{\"steps\":[{\"colour\":1}]}")]
        [InlineData("{\"steps\":{}}")]
        [InlineData("{\"steps\":[{\"drop\":\"yes\"}]}")]
        public async Task Bad_scripts_are_refused_with_400(string body)
        {
            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "faults/script", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("error").GetString()));
            Assert.Equal(0, Server.Faults.PendingSteps);
        }

        [Fact]
        public async Task Script_can_be_cleared()
        {
            Server.ScriptFaults(new FaultStep { Status = 500 });
            ApiAnswer cleared = await ControlAsync(HttpMethod.Delete, "faults/script");
            Assert.Equal(0, cleared.Body.GetProperty("pending_script_steps").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }
    }

    public sealed class RateLimitTests : EmulatorTestBase
    {
        protected override EmulatorOptions CreateOptions() => new() { RateLimit = "3/60" };

        [Fact]
        public async Task Requests_over_the_limit_get_429_971_with_retry_after_until_the_window_ends()
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            }

            ApiAnswer limited = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
            Assert.Equal(971, limited.ErrorCode);
            Assert.Equal("Please wait and consider throttling your request speed", limited.ErrorMessage);
            double retryAfter = limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 60);
            Assert.Equal(Math.Floor(retryAfter), retryAfter);

            Server.AdvanceClock(TimeSpan.FromSeconds(59));
            ApiAnswer stillLimited = await GetAsync(WidgetsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.Status);
            Assert.Equal(1, stillLimited.Headers.RetryAfter!.Delta!.Value.TotalSeconds);

            Server.AdvanceClock(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(2, Server.Stats.RateLimitedResponses);
        }

        [Fact]
        public async Task Rate_limit_can_be_changed_and_turned_off_at_run_time()
        {
            ApiAnswer set = await ControlAsync(HttpMethod.Post, "faults", "{\"rate_limit\":\"1/300\"}");
            Assert.Equal("1/300", set.Body.GetProperty("rate_limit").GetString());
            Assert.Equal("fixed_window", set.Body.GetProperty("rate_limit_kind").GetString());
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(WidgetsPath)).Status);

            await ControlAsync(HttpMethod.Post, "faults", "{\"rate_limit\":null}");
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            }
        }

        [Fact]
        public async Task Scripted_faults_come_before_the_rate_limit()
        {
            Server.ScriptFaults(new FaultStep { Status = 503 });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(WidgetsPath)).Status);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            }
        }
    }

    public sealed class RandomFaultTests : EmulatorTestBase
    {
        [Fact]
        public async Task Error_rate_one_answers_every_request_with_500_502_or_503()
        {
            ApiAnswer set = await ControlAsync(HttpMethod.Post, "faults", "{\"error_rate\":1,\"seed\":7}");
            Assert.Equal(1, set.Body.GetProperty("error_rate").GetDouble());
            var statuses = new HashSet<HttpStatusCode>();
            for (int i = 0; i < 30; i++)
            {
                ApiAnswer answer = await GetAsync(WidgetsPath);
                statuses.Add(answer.Status);
                Assert.False(answer.Body.GetProperty("success").GetBoolean());
            }

            Assert.Subset(new HashSet<HttpStatusCode> { HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable }, statuses);
            Assert.True(statuses.Count > 1);
            Assert.Equal(30, Server.Stats.InjectedServerErrors);
        }

        [Fact]
        public async Task Drop_rate_one_drops_every_request()
        {
            Server.ConfigureFaults(null, 0, 0, 1.0);
            for (int i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(WidgetsPath));
            }

            Assert.Equal(3, Server.Stats.DroppedConnections);
            await ControlAsync(HttpMethod.Post, "faults", "{\"drop_rate\":null}");
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }

        [Fact]
        public async Task Same_seed_gives_the_same_fault_sequence()
        {
            async Task<string> RunAsync()
            {
                await using InProcessEmulator server = await InProcessEmulator.StartAsync(new EmulatorOptions { ErrorRate = 0.5, Seed = 42 });
                using HttpClient http = server.NewApiClient();
                var outcome = new List<int>();
                for (int i = 0; i < 20; i++)
                {
                    outcome.Add((int)(await SendAsync(http, HttpMethod.Get, "user/tokens/verify")).Status);
                }

                return string.Join(",", outcome);
            }

            string first = await RunAsync();
            Assert.Equal(first, await RunAsync());
            Assert.Contains("200", first, StringComparison.Ordinal);
            Assert.Contains("50", first, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Latency_is_applied_and_counted()
        {
            await ControlAsync(HttpMethod.Post, "faults", "{\"latency_ms\":1}");
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(1, Server.Stats.DelayedRequests);
            ApiAnswer faults = await ControlAsync(HttpMethod.Get, "faults");
            Assert.Equal(1, faults.Body.GetProperty("latency_ms").GetInt32());
        }

        [Theory]
        [InlineData("{\"error_rate\":2}")]
        [InlineData("{\"drop_rate\":-0.1}")]
        [InlineData("{\"rate_limit\":\"fast\"}")]
        [InlineData("{\"latency_ms\":\"slow\"}")]
        public async Task Bad_fault_settings_are_refused(string body)
        {
            ApiAnswer answer = await ControlAsync(HttpMethod.Post, "faults", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
        }

        [Theory]
        [InlineData("1200")]
        [InlineData("0/300")]
        [InlineData("10/0")]
        [InlineData("a/b")]
        public async Task Bad_start_up_options_are_refused(string rateLimit)
        {
            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { RateLimit = rateLimit }));
            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { AccountId = "123" }));
            await Assert.ThrowsAsync<EmulatorStartupException>(() => InProcessEmulator.StartAsync(new EmulatorOptions { ErrorRate = 1.5 }));
        }
    }

    public sealed class ControlTests : EmulatorTestBase
    {
        [Fact]
        public async Task Stats_count_requests_per_kind_and_status()
        {
            string sitekey = (await CreateWidgetAsync()).GetProperty("sitekey").GetString()!;
            await GetAsync(WidgetsPath);
            await GetAsync($"{WidgetsPath}/{sitekey}");
            await SendAsync(HttpMethod.Put, $"{WidgetsPath}/{sitekey}", "{\"name\":\"y\",\"mode\":\"managed\",\"domains\":[\"a.com\"]}");
            await SendAsync(HttpMethod.Post, $"{WidgetsPath}/{sitekey}/rotate_secret");
            await SendAsync(HttpMethod.Delete, $"{WidgetsPath}/{sitekey}");
            await GetAsync("user/tokens/verify");
            await GetAsync("nowhere");

            ApiAnswer stats = await ControlAsync(HttpMethod.Get, "stats");
            Assert.Equal(8, stats.Body.GetProperty("total_requests").GetInt64());
            System.Text.Json.JsonElement byKind = stats.Body.GetProperty("requests_by_kind");
            foreach (string kind in new[] { "list", "get", "create", "update", "delete", "rotate_secret", "verify_token", "unrouted" })
            {
                Assert.Equal(1, byKind.GetProperty(kind).GetInt64());
            }

            Assert.Equal(7, stats.Body.GetProperty("responses_by_status").GetProperty("200").GetInt64());
            Assert.Equal(1, stats.Body.GetProperty("responses_by_status").GetProperty("404").GetInt64());
            Assert.Equal(8, Server.Stats.TotalRequests);
        }

        [Fact]
        public async Task Reset_clears_widgets_faults_stats_and_clock()
        {
            await CreateWidgetAsync();
            Server.ScriptFaults(new FaultStep { Status = 500 });
            Server.AdvanceClock(TimeSpan.FromHours(1));

            ApiAnswer reset = await ControlAsync(HttpMethod.Post, "reset");
            Assert.Equal(HttpStatusCode.OK, reset.Status);
            Assert.Equal(0, Server.WidgetCount);
            Assert.Equal(0, Server.Stats.TotalRequests);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(WidgetsPath)).Status);
            Assert.Equal(0, (await ControlAsync(HttpMethod.Get, "clock")).Body.GetProperty("offset_seconds").GetDouble());

            await CreateWidgetAsync();
            Server.Reset();
            Assert.Equal(0, Server.WidgetCount);
        }

        [Fact]
        public async Task Seed_creates_many_widgets_quickly()
        {
            ApiAnswer seeded = await ControlAsync(HttpMethod.Post, "seed", "{\"count\": 10000, \"name_prefix\": \"bench-\"}");
            Assert.Equal(HttpStatusCode.OK, seeded.Status);
            Assert.Equal(10000, seeded.Body.GetProperty("created").GetInt32());
            Assert.Equal(10000, Server.WidgetCount);
            ApiAnswer page = await GetAsync(WidgetsPath + "?per_page=1000&page=10&filter=name:bench-");
            Assert.Equal(1000, page.Result.GetArrayLength());
            Assert.Equal("bench-10000", page.Result[999].GetProperty("name").GetString());

            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(HttpMethod.Post, "seed", "{\"count\": 0}")).Status);
        }

        [Fact]
        public async Task Clock_advance_rejects_bad_input_and_unknown_control_paths_are_404()
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(HttpMethod.Post, "clock/advance", "{\"seconds\":-5}")).Status);
            Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(HttpMethod.Post, "clock/advance", "{}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await ControlAsync(HttpMethod.Get, "nope")).Status);
            ApiAnswer info = await ControlAsync(HttpMethod.Get, "");
            Assert.Equal(Server.AccountId, info.Body.GetProperty("account_id").GetString());
            Assert.Equal(0, Server.Stats.TotalRequests);
        }

        [Fact]
        public async Task Clock_advance_moves_timestamps()
        {
            string before = (await CreateWidgetAsync()).GetProperty("created_on").GetString()!;
            Server.AdvanceClock(TimeSpan.FromDays(1));
            string after = (await CreateWidgetAsync()).GetProperty("created_on").GetString()!;
            Assert.True(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)
                - DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromDays(1));
        }
    }
}
