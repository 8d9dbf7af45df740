using System;
using System.Globalization;
using System.Security;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Session
{
    /// <summary><c>Connect-Turnstile</c>'s parameters; a null member was not given.</summary>
    internal sealed class ConnectionParameters
    {
        /// <summary><c>-ApiToken</c>.</summary>
        public SecureString? ApiToken { get; set; }
        /// <summary><c>-Email</c>.</summary>
        public string? Email { get; set; }
        /// <summary><c>-ApiKey</c>.</summary>
        public SecureString? ApiKey { get; set; }
        /// <summary><c>-AccountId</c>.</summary>
        public string? AccountId { get; set; }
        /// <summary><c>-ApiBaseUri</c>.</summary>
        public Uri? ApiBaseUri { get; set; }
    }

    /// <summary>The credential, account and base URI a connection will use, and where each came from.</summary>
    internal sealed class ResolvedConnection
    {
        internal ResolvedConnection(TurnstileCredential credential, string credentialSource, string accountId, string accountIdSource, Uri baseUri, string baseUriSource)
        {
            Credential = credential;
            CredentialSource = credentialSource;
            AccountId = accountId;
            AccountIdSource = accountIdSource;
            BaseUri = baseUri;
            BaseUriSource = baseUriSource;
        }

        /// <summary>How requests will authenticate.</summary>
        public TurnstileCredential Credential { get; }
        /// <summary>Where the credential came from, e.g. <c>-ApiToken</c> or <c>CLOUDFLARE_API_TOKEN</c> (for -Verbose).</summary>
        public string CredentialSource { get; }
        /// <summary>The account id.</summary>
        public string AccountId { get; }
        /// <summary>Where the account id came from.</summary>
        public string AccountIdSource { get; }
        /// <summary>The API's base URI.</summary>
        public Uri BaseUri { get; }
        /// <summary>Where the base URI came from.</summary>
        public string BaseUriSource { get; }

        /// <summary>The client options for this connection.</summary>
        public TurnstileClientOptions ToClientOptions() => new TurnstileClientOptions
        {
            Credential = Credential,
            AccountId = AccountId,
            BaseUri = BaseUri,
        };

        /// <summary>One verbose line naming the sources, never a secret.</summary>
        public string Describe() => string.Format(CultureInfo.InvariantCulture,
            "Connecting to account {0} (from {1}) at {2} (from {3}) with {4} (from {5}).",
            AccountId, AccountIdSource, CredentialRedaction.WithoutUserInfo(BaseUri), BaseUriSource, Credential.Scheme, CredentialSource);
    }

    /// <summary>
    /// The two ways to connect, said the same way by every message about a missing or refused connection value (not
    /// connected, no account id, half a credential): Connect-Turnstile's parameters, or the variables a first use reads.
    /// </summary>
    internal static class ConnectionAdvice
    {
        /// <summary>Both ways, as one sentence.</summary>
        public const string Sentence =
            "Run Connect-Turnstile -ApiToken <token> -AccountId <account id> (or -Email and -ApiKey instead of -ApiToken), "
            + "or set " + EnvironmentSettings.ApiTokenVariable + " and " + EnvironmentSettings.AccountIdVariable
            + " (or " + EnvironmentSettings.EmailVariable + " and " + EnvironmentSettings.ApiKeyVariable + " instead of " + EnvironmentSettings.ApiTokenVariable
            + "): the widget cmdlets connect from them on first use.";
    }

    /// <summary>Decides a connection's credential, account and base URI from parameters first, then environment variables.</summary>
    internal static class ConnectionResolver
    {
        // The variables' names are the engine's (EnvironmentSettings), which reads the same variables for any caller.
        private const string ApiTokenVariable = EnvironmentSettings.ApiTokenVariable;
        private const string EmailVariable = EnvironmentSettings.EmailVariable;
        private const string ApiKeyVariable = EnvironmentSettings.ApiKeyVariable;
        private const string AccountIdVariable = EnvironmentSettings.AccountIdVariable;
        private const string BaseUrlVariable = EnvironmentSettings.BaseUrlVariable;

        /// <summary>
        /// Resolves the connection. Throws <see cref="TurnstileValidationException"/> with what to do when the
        /// credential or account id is missing or malformed.
        /// </summary>
        public static ResolvedConnection Resolve(ConnectionParameters parameters, Func<string, string?> getVariable)
        {
            if (parameters == null) throw new ArgumentNullException(nameof(parameters));
            if (getVariable == null) throw new ArgumentNullException(nameof(getVariable));

            string credentialSource;
            TurnstileCredential credential = ResolveCredential(parameters, getVariable, out credentialSource);

            string accountIdSource = "-AccountId";
            string? accountId = NullIfBlank(parameters.AccountId);
            if (accountId == null)
            {
                accountId = NullIfBlank(getVariable(AccountIdVariable));
                accountIdSource = AccountIdVariable;
            }

            if (accountId == null)
            {
                throw new TurnstileValidationException("account_id", string.Format(CultureInfo.InvariantCulture,
                    "No account id to go with the credential from {0}: pass -AccountId to Connect-Turnstile, or set {1}. It is the 32-character hexadecimal id in the Cloudflare dashboard's URL (dash.cloudflare.com/<account id>).",
                    credentialSource, AccountIdVariable));
            }

            accountId = accountId.Trim();
            if (!WidgetValidator.IsAccountId(accountId))
            {
                throw new TurnstileValidationException("account_id", string.Format(CultureInfo.InvariantCulture,
                    "The account id '{0}' (from {1}) is not 32 hexadecimal characters. Copy it from the Cloudflare dashboard's URL (dash.cloudflare.com/<account id>) into {2}.",
                    accountId, accountIdSource, accountIdSource == AccountIdVariable ? AccountIdVariable + " or Connect-Turnstile -AccountId" : "-AccountId or " + AccountIdVariable));
            }

            // The engine owns the base URL's rules; its messages name the source and never quote the URL, which may
            // hold a password as user info.
            Uri baseUri;
            string baseUriSource;
            if (parameters.ApiBaseUri != null)
            {
                baseUriSource = "-ApiBaseUri";
                baseUri = BaseUris.Normalize(parameters.ApiBaseUri, baseUriSource);
            }
            else if (NullIfBlank(getVariable(BaseUrlVariable)) is string fromVariable)
            {
                baseUriSource = BaseUrlVariable;
                baseUri = BaseUris.Parse(fromVariable.Trim(), baseUriSource);
            }
            else
            {
                baseUriSource = "the default";
                baseUri = TurnstileClientOptions.DefaultBaseUri;
            }

            return new ResolvedConnection(credential, credentialSource, accountId, accountIdSource, baseUri, baseUriSource);
        }

        /// <summary>True when the variables hold a credential (CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL or CLOUDFLARE_API_KEY) to connect with on first use.</summary>
        public static bool HasEnvironmentCredential(Func<string, string?> getVariable) =>
            NullIfBlank(getVariable(ApiTokenVariable)) != null
            || NullIfBlank(getVariable(EmailVariable)) != null
            || NullIfBlank(getVariable(ApiKeyVariable)) != null;

        private static TurnstileCredential ResolveCredential(ConnectionParameters parameters, Func<string, string?> getVariable, out string source)
        {
            bool hasEmail = parameters.Email != null;
            bool hasKey = parameters.ApiKey != null;
            if (parameters.ApiToken != null)
            {
                if (hasEmail || hasKey)
                {
                    throw new TurnstileValidationException("credential", "Pass either -ApiToken, or -Email and -ApiKey, not both.");
                }

                if (parameters.ApiToken.Length == 0)
                {
                    throw new TurnstileValidationException("credential", "-ApiToken is empty. Pass the API token created at dash.cloudflare.com/profile/api-tokens.");
                }

                source = "-ApiToken";
                return TurnstileCredential.FromApiToken(parameters.ApiToken);
            }

            if (hasEmail || hasKey)
            {
                if (!hasEmail || !hasKey || string.IsNullOrWhiteSpace(parameters.Email))
                {
                    throw new TurnstileValidationException("credential", "Pass both -Email and -ApiKey (the account's email address and its Global API key), or pass -ApiToken instead.");
                }

                if (parameters.ApiKey!.Length == 0)
                {
                    throw new TurnstileValidationException("credential", "-ApiKey is empty. Pass the Global API key from dash.cloudflare.com/profile/api-tokens.");
                }

                source = "-Email and -ApiKey";
                return TurnstileCredential.FromApiKey(parameters.Email!.Trim(), parameters.ApiKey);
            }

            bool envToken = NullIfBlank(getVariable(ApiTokenVariable)) != null;
            bool envEmail = NullIfBlank(getVariable(EmailVariable)) != null;
            bool envKey = NullIfBlank(getVariable(ApiKeyVariable)) != null;
            if (!envToken && envEmail != envKey)
            {
                string missing = envEmail ? ApiKeyVariable : EmailVariable;
                string present = envEmail ? EmailVariable : ApiKeyVariable;
                throw new TurnstileValidationException("credential", string.Format(CultureInfo.InvariantCulture,
                    "{0} is set but {1} is not: set both, or set {2} instead (with {3}), or run Connect-Turnstile -ApiToken <token> -AccountId <account id> (or -Email and -ApiKey).",
                    present, missing, ApiTokenVariable, AccountIdVariable));
            }

            if (!envToken && !envEmail)
            {
                throw new TurnstileValidationException("credential", NoCredential);
            }

            EnvironmentSettings settings = EnvironmentSettings.Read(getVariable);
            if (settings.Credential == null)
            {
                throw new TurnstileValidationException("credential", NoCredential);
            }

            source = envToken ? ApiTokenVariable : EmailVariable + " and " + ApiKeyVariable;
            return settings.Credential;
        }

        private const string NoCredential =
            "No credential: pass -ApiToken <token> (or -Email and -ApiKey) with -AccountId to Connect-Turnstile, or set "
            + ApiTokenVariable + " (or " + EmailVariable + " and " + ApiKeyVariable + ") and " + AccountIdVariable + ".";

        private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
