namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// One refusal: HTTP status, Cloudflare-style code and message.
    ///
    /// Error codes the emulator uses (one code, one meaning):
    /// | code  | HTTP | meaning                                                                    |
    /// |-------|------|----------------------------------------------------------------------------|
    /// |   971 | 429  | rate limited: "Please wait and consider throttling your request speed"     |
    /// |  7003 | 404  | no route for the URI (unknown path or method)                              |
    /// |  9109 | 403  | valid credential, but not for the account id in the path                   |
    /// | 10000 | 403  | authentication error (missing or wrong token / email+key)                   |
    /// | 10001 | 400  | a body field is missing, of the wrong JSON type, or has a value not allowed |
    /// | 10002 | 400  | the body is not JSON or not a JSON object                                  |
    /// | 10002 | 413  | the body is larger than 1 MiB (every route, control endpoints too)         |
    /// | 10003 | 400  | a list query parameter (page, per_page, order, direction, filter) is bad    |
    /// | 10004 | 400  | update tried to change the region                                          |
    /// | 10005 | 400  | secret rotation refused: the previous secret is still in its grace period  |
    /// | 10404 | 404  | widget not found                                                           |
    /// | 10500 | 500  | internal server error (injected fault, or an emulator bug)                 |
    /// | 10502 | 502  | bad gateway (injected fault)                                               |
    /// | 10503 | 503  | service unavailable (injected fault)                                       |
    /// </summary>
    internal sealed record ApiError(int Status, int Code, string Message)
    {
        public const int RateLimitedCode = 971;
        public const int NoRouteCode = 7003;
        public const int AccountForbiddenCode = 9109;
        public const int AuthenticationCode = 10000;
        public const int InvalidFieldCode = 10001;
        public const int MalformedBodyCode = 10002;
        public const int InvalidQueryCode = 10003;
        public const int RegionChangeCode = 10004;
        public const int RotationRefusedCode = 10005;
        public const int NotFoundCode = 10404;

        public const string RateLimitedMessage = "Please wait and consider throttling your request speed";

        public static ApiError InvalidField(string message) => new(400, InvalidFieldCode, message);

        public static ApiError MalformedBody(string message) => new(400, MalformedBodyCode, message);

        public static ApiError InvalidQuery(string message) => new(400, InvalidQueryCode, message);

        public static readonly ApiError BodyTooLarge = new(413, MalformedBodyCode,
            $"The request body is larger than {HttpHelpers.MaxBodyBytes} bytes (1 MiB), the most this emulator reads; send a smaller body.");

        public static readonly ApiError NoRoute = new(404, NoRouteCode, "No route for the URI");

        public static readonly ApiError Authentication = new(403, AuthenticationCode, "Authentication error");

        public static readonly ApiError WidgetNotFound = new(404, NotFoundCode, "widget not found");

        public static readonly ApiError RegionChange = new(400, RegionChangeCode, "you cannot change region");

        public static ApiError ServerError(int status) => status switch
        {
            502 => new(502, 10502, "Bad gateway (injected by the emulator)"),
            503 => new(503, 10503, "Service temporarily unavailable (injected by the emulator)"),
            _ => new(500, 10500, "Internal server error (injected by the emulator)"),
        };
    }
}
