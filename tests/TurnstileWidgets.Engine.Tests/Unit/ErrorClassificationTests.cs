using System;
using TurnstileWidgets.Engine.Transport;

namespace TurnstileWidgets.Engine.Tests.Unit;

/// <summary>The one place a failed answer is classified: status, Cloudflare's codes and whether one resource was addressed.</summary>
public class ErrorClassificationTests
{
    [Theory]
    [InlineData(404, true, 10404, TurnstileApiErrorKind.NotFound)]
    [InlineData(404, false, 0, TurnstileApiErrorKind.RouteNotFound)]
    [InlineData(404, true, 7003, TurnstileApiErrorKind.RouteNotFound)]
    [InlineData(404, true, 7000, TurnstileApiErrorKind.RouteNotFound)]
    [InlineData(401, false, 0, TurnstileApiErrorKind.Authentication)]
    [InlineData(403, false, 10000, TurnstileApiErrorKind.Authentication)]
    [InlineData(403, true, 9109, TurnstileApiErrorKind.PermissionDenied)]
    [InlineData(429, false, 971, TurnstileApiErrorKind.RateLimited)]
    [InlineData(400, true, 10001, TurnstileApiErrorKind.Validation)]
    [InlineData(422, false, 0, TurnstileApiErrorKind.Validation)]
    [InlineData(400, true, 10004, TurnstileApiErrorKind.RegionChangeRefused)]
    [InlineData(400, true, 10005, TurnstileApiErrorKind.Conflict)]
    [InlineData(409, true, 0, TurnstileApiErrorKind.Conflict)]
    [InlineData(500, false, 10500, TurnstileApiErrorKind.Server)]
    [InlineData(503, true, 0, TurnstileApiErrorKind.Server)]
    [InlineData(418, true, 0, TurnstileApiErrorKind.Other)]
    public void Each_answer_gets_one_kind(int status, bool addressesOne, int code, TurnstileApiErrorKind expected)
    {
        ApiMessage[] errors = code == 0 ? Array.Empty<ApiMessage>() : new[] { new ApiMessage { Code = code, Message = "m" } };
        Assert.Equal(expected, ApiErrors.Classify(status, errors, addressesOne));
    }
}
