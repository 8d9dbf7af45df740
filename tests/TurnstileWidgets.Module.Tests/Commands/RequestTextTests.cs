using System;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Commands;

namespace TurnstileWidgets.Module.Tests.Commands
{
    public class RequestTextTests
    {
        [Fact]
        public void FirstAttempt()
        {
            var record = new RequestRecord { Method = "GET", Path = "/accounts/abc/challenges/widgets?page=2&per_page=1000", StatusCode = 200, Duration = TimeSpan.FromMilliseconds(35.4), Attempt = 1 };
            Assert.Equal("GET /accounts/abc/challenges/widgets?page=2&per_page=1000 -> 200 in 35 ms", RequestText.Format(record));
        }

        [Fact]
        public void RetryShowsTheAttemptAndNoAnswer()
        {
            var record = new RequestRecord { Method = "PUT", Path = "accounts/abc/challenges/widgets/k", StatusCode = null, Duration = TimeSpan.FromSeconds(1.5), Attempt = 3 };
            Assert.Equal("PUT /accounts/abc/challenges/widgets/k -> no answer in 1.5 s (attempt 3)", RequestText.Format(record));
        }

        [Fact]
        public void RetryWait()
        {
            var notice = new RetryNotice { Method = "GET", Path = "/accounts/abc/challenges/widgets", NextAttempt = 2, Delay = TimeSpan.FromSeconds(30), Reason = "429 rate limited (Retry-After 30 s)" };
            Assert.Equal("Waiting 30 s before attempt 2 of GET /accounts/abc/challenges/widgets: 429 rate limited (Retry-After 30 s)", RequestText.Format(notice));
        }

        [Theory]
        [InlineData(0.2, "200 ms")]
        [InlineData(2, "2 s")]
        [InlineData(90, "90 s")]
        [InlineData(900, "15 min")]
        public void Durations(double seconds, string expected)
        {
            Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
        }
    }
}
