using System;
using System.Management.Automation;
using System.Security;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Siteverify;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Connects to a Cloudflare account's Turnstile widgets.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "Turnstile", DefaultParameterSetName = EnvironmentSet)]
    [OutputType(typeof(TurnstileConnection))]
    public sealed class ConnectTurnstileCommand : TurnstileCmdlet
    {
        private const string ApiTokenSet = "ApiToken";
        private const string ApiKeySet = "ApiKey";
        private const string EnvironmentSet = "Environment";

        /// <summary>An API token with the Turnstile Sites Read or Write permission.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ApiTokenSet)]
        public SecureString? ApiToken { get; set; }

        /// <summary>The account's email address, with <see cref="ApiKey"/>.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ApiKeySet)]
        [ValidateNotNullOrEmpty]
        public string? Email { get; set; }

        /// <summary>The Global API key, with <see cref="Email"/>.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ApiKeySet)]
        public SecureString? ApiKey { get; set; }

        /// <summary>The 32-character account id; falls back to CLOUDFLARE_ACCOUNT_ID.</summary>
        [Parameter]
        public string? AccountId { get; set; }

        /// <summary>The API's base URI; falls back to CLOUDFLARE_BASE_URL, then https://api.cloudflare.com/client/v4.</summary>
        [Parameter]
        public Uri? ApiBaseUri { get; set; }

        /// <summary>Where Test-TurnstileWidgetSecret sends siteverify requests; default Cloudflare's (https://challenges.cloudflare.com/turnstile/v0/siteverify), the emulator's to rehearse offline.</summary>
        [Parameter]
        public Uri? SiteverifyUri { get; set; }

        /// <summary>
        /// The most time one request waits out rate-limit refusals (a 429's Retry-After, or a block on the credential)
        /// before it fails; default 6 minutes, which covers Cloudflare's 5-minute block. 0 fails at once.
        /// </summary>
        [Parameter]
        public TimeSpan MaxBlockWait { get; set; } = RateLimitOptions.DefaultMaxBlockWait;

        /// <summary>
        /// How long one attempt of a request may wait for its answer before it counts as timed out and is retried (where
        /// that is safe); default 30 seconds. Kept with the connection; set it for a session with <c>$PSDefaultParameterValues</c>.
        /// </summary>
        [Parameter]
        public TimeSpan RequestTimeout { get; set; } = TurnstileClientOptions.DefaultRequestTimeout;

        /// <summary>
        /// How long one request may take with all its attempts and the waits between them before it fails; default 2 minutes,
        /// so an API that never answers fails within it. Rate-limit waits are bounded by -MaxBlockWait instead.
        /// </summary>
        [Parameter]
        public TimeSpan OperationTimeout { get; set; } = TurnstileClientOptions.DefaultOperationTimeout;

        /// <summary>Sends requests as fast as they come instead of spreading them over the quota the API reports; only 429 answers slow them down.</summary>
        [Parameter]
        public SwitchParameter NoPacing { get; set; }

        /// <summary>Emits the new connection.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Keeps the connection under this name, beside the others, and makes it the default; an earlier connection of that name is replaced. Without it: <c>default</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidatePattern(TurnstileSession.NamePattern)]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Resolves, verifies and stores the connection.</summary>
        protected override void ProcessRecord()
        {
            try
            {
                TryProcess(AccountId, Connect, terminating: true);
            }
            catch
            {
                // Whatever stopped it, the user meant to leave the default connection: commands must not go on with it.
                TurnstileSession.MarkConnectFailed(Name ?? TurnstileSession.DefaultName);
                throw;
            }
        }

        private void Connect()
        {
            var parameters = new ConnectionParameters
            {
                ApiToken = ApiToken,
                Email = Email,
                ApiKey = ApiKey,
                AccountId = AccountId,
                ApiBaseUri = ApiBaseUri,
            };
            if (MaxBlockWait < TimeSpan.Zero)
            {
                ThrowTerminatingError(ErrorMapper.Wrap(
                    new ArgumentOutOfRangeException(nameof(MaxBlockWait), "-MaxBlockWait must be zero or more, e.g. -MaxBlockWait (New-TimeSpan -Minutes 6)."),
                    ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, MaxBlockWait));
            }

            RefuseOutOfRange(nameof(RequestTimeout), RequestTimeout);
            RefuseOutOfRange(nameof(OperationTimeout), OperationTimeout);

            Uri? siteverifyUri = null;
            try
            {
                siteverifyUri = SiteverifyUri == null ? null : SiteverifyClient.ValidateUri(SiteverifyUri);
            }
            catch (TurnstileValidationException exception)
            {
                ThrowTerminatingError(ObservationErrors.SiteverifyUriInvalid(SiteverifyUri, exception));
            }

            string name = Name ?? TurnstileSession.DefaultName;
            var settings = new ConnectionSettings
            {
                RateLimit = new RateLimitOptions { Pace = !NoPacing.IsPresent, MaxBlockWait = MaxBlockWait },
                RequestTimeout = RequestTimeout,
                OperationTimeout = OperationTimeout,
                SiteverifyUri = siteverifyUri,
            };
            SessionConnection connection = Connect(parameters, settings, name);
            if (PassThru)
            {
                WriteObject(OutputMapper.ToTurnstileConnection(connection.Details, name, isDefault: true));
            }
        }

        // Under a millisecond is never meant: a plain number binds as ticks (-RequestTimeout 10 is 1 microsecond). Over the
        // engine's MaxTimeout no timer can be set ([timespan]::MaxValue, meant as "no bound", would fail at the first request).
        private void RefuseOutOfRange(string parameter, TimeSpan value)
        {
            if (value == System.Threading.Timeout.InfiniteTimeSpan || (value >= TimeSpan.FromMilliseconds(1) && value <= TurnstileClientOptions.MaxTimeout))
            {
                return;
            }

            string message = value < TimeSpan.FromMilliseconds(1)
                ? "-" + parameter + " must be at least 1 millisecond; a plain number is read as ticks (100 ns). Give a TimeSpan, e.g. -" + parameter + " (New-TimeSpan -Seconds 30) or -" + parameter + " 00:00:30."
                : "-" + parameter + " can be at most " + TurnstileClientOptions.MaxTimeout + " (the longest a timer waits). For no bound at all, give -" + parameter + " ([System.Threading.Timeout]::InfiniteTimeSpan).";
            ThrowTerminatingError(ErrorMapper.Wrap(
                new ArgumentOutOfRangeException(parameter, message),
                ErrorIds.ValidationFailed, ErrorCategory.InvalidArgument, value));
        }
    }
}
