using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// How requests authenticate. Holds its secret as a read-only <see cref="SecureString"/>;
    /// the plain text exists only while a request's headers are written.
    /// </summary>
    public abstract class TurnstileCredential
    {
        private protected TurnstileCredential()
        {
        }

        /// <summary>Called by each credential once its secrets are in place, so error text never quotes them.</summary>
        private protected void RegisterForRedaction() => CredentialRedaction.Register(this);

        /// <summary>The scheme's name for display: <c>ApiToken</c> or <c>ApiKey</c>.</summary>
        public abstract string Scheme { get; }

        /// <summary>An API token, sent as <c>Authorization: Bearer</c>.</summary>
        public static TurnstileCredential FromApiToken(SecureString apiToken)
        {
            return new ApiTokenCredential(ProtectedCopy(apiToken, "api_token", "the API token"));
        }

        /// <summary>An email and Global API key, sent as <c>X-Auth-Email</c> and <c>X-Auth-Key</c>.</summary>
        public static TurnstileCredential FromApiKey(string email, SecureString apiKey)
        {
            if (email == null || email.Trim().Length == 0)
            {
                throw new TurnstileValidationException("email", "email: the email address is empty. Give the email address of the Cloudflare account that owns the Global API key.");
            }
            foreach (char c in email)
            {
                if (c < 0x21 || c > 0x7E)
                {
                    throw new TurnstileValidationException("email", "email: the email address contains spaces, control or non-ASCII characters. Give the plain email address of the Cloudflare account, e.g. user@example.com.");
                }
            }
            return new ApiKeyCredential(email, ProtectedCopy(apiKey, "api_key", "the Global API key"));
        }

        /// <summary>Never shows the secret.</summary>
        public override string ToString() => Scheme;

        /// <summary>Writes the authentication headers; the only place the secret becomes plain text to be sent.</summary>
        internal abstract void ApplyTo(HttpRequestMessage request);

        /// <summary>
        /// Names this credential's rate-limit budget at one API: a SHA-256 fingerprint of the API, the scheme and the secret,
        /// from which the secret cannot be recovered. Equal credentials give equal fingerprints, in every client and runspace.
        /// </summary>
        internal abstract string BudgetFingerprint(Uri baseUri);

        /// <summary>Each text of this credential that must never be quoted, with its placeholder.</summary>
        internal abstract IEnumerable<KeyValuePair<string, string>> SecretsForRedaction();

        private static SecureString ProtectedCopy(SecureString secret, string field, string what)
        {
            if (secret == null || secret.Length == 0)
            {
                throw new TurnstileValidationException(field, $"{field}: {what} is empty. Give the value shown once in the Cloudflare dashboard when it was created.");
            }
            // Checked here so a malformed secret can never end up quoted in an HTTP library's header error.
            string plain = Reveal(secret);
            try
            {
                for (int i = 0; i < plain.Length; i++)
                {
                    char c = plain[i];
                    if (c < 0x21 || c > 0x7E)
                    {
                        // Which character and where, never the secret itself.
                        string kind = ControlCharacters.IsControl(c) ? "a control character" : c == ' ' ? "a space" : "a non-ASCII character";
                        throw new TurnstileValidationException(field, string.Format(CultureInfo.InvariantCulture,
                            "{0}: {1} holds {2} ({3}) at position {4} of {5}, so it cannot be sent in a header and nothing was sent. Copy it again from the Cloudflare dashboard, without surrounding whitespace.",
                            field, what, kind, ControlCharacters.Describe(c), i + 1, plain.Length));
                    }
                }
            }
            finally
            {
                plain = "";
            }
            SecureString copy = secret.Copy();
            copy.MakeReadOnly();
            return copy;
        }

        internal static string Reveal(SecureString secret)
        {
            IntPtr pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                // With the length: without it the copy would stop at an embedded NUL and cut the secret short.
                return Marshal.PtrToStringUni(pointer, secret.Length) ?? "";
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }
    }

    internal sealed class ApiTokenCredential : TurnstileCredential
    {
        private readonly SecureString apiToken;

        internal ApiTokenCredential(SecureString apiToken)
        {
            this.apiToken = apiToken;
            RegisterForRedaction();
        }

        public override string Scheme => "ApiToken";

        internal override void ApplyTo(HttpRequestMessage request)
        {
            // Without validation, so no parser error can ever quote the token.
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Reveal(apiToken));
        }

        internal override string BudgetFingerprint(Uri baseUri) => Transport.RateLimitPacer.Fingerprint(baseUri, Scheme, Reveal(apiToken));

        internal override IEnumerable<KeyValuePair<string, string>> SecretsForRedaction()
        {
            yield return new KeyValuePair<string, string>(Reveal(apiToken), CredentialRedaction.ApiTokenPlaceholder);
        }
    }

    internal sealed class ApiKeyCredential : TurnstileCredential
    {
        private readonly string email;
        private readonly SecureString apiKey;

        internal ApiKeyCredential(string email, SecureString apiKey)
        {
            this.email = email;
            this.apiKey = apiKey;
            RegisterForRedaction();
        }

        public override string Scheme => "ApiKey";

        internal override void ApplyTo(HttpRequestMessage request)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Email", email);
            request.Headers.TryAddWithoutValidation("X-Auth-Key", Reveal(apiKey));
        }

        // Cloudflare counts per user: the email (case-insensitive) and its key are one budget.
        internal override string BudgetFingerprint(Uri baseUri) => Transport.RateLimitPacer.Fingerprint(baseUri, Scheme, email.ToUpperInvariant() + "\n" + Reveal(apiKey));

        // The key first: an email could be part of nothing else, but a key must never survive as part of a longer match.
        internal override IEnumerable<KeyValuePair<string, string>> SecretsForRedaction()
        {
            yield return new KeyValuePair<string, string>(Reveal(apiKey), CredentialRedaction.ApiKeyPlaceholder);
            yield return new KeyValuePair<string, string>(email, CredentialRedaction.EmailPlaceholder);
        }
    }

    /// <summary>
    /// Settings read from <c>CLOUDFLARE_API_TOKEN</c>, <c>CLOUDFLARE_EMAIL</c>, <c>CLOUDFLARE_API_KEY</c>,
    /// <c>CLOUDFLARE_ACCOUNT_ID</c> and <c>CLOUDFLARE_BASE_URL</c>.
    /// </summary>
    public sealed class EnvironmentSettings
    {
        /// <summary>The variable holding an API token.</summary>
        public const string ApiTokenVariable = "CLOUDFLARE_API_TOKEN";
        /// <summary>The variable holding the email that goes with a Global API key.</summary>
        public const string EmailVariable = "CLOUDFLARE_EMAIL";
        /// <summary>The variable holding a Global API key.</summary>
        public const string ApiKeyVariable = "CLOUDFLARE_API_KEY";
        /// <summary>The variable holding the account id.</summary>
        public const string AccountIdVariable = "CLOUDFLARE_ACCOUNT_ID";
        /// <summary>The variable holding a base URL override (e.g. the emulator).</summary>
        public const string BaseUrlVariable = "CLOUDFLARE_BASE_URL";

        /// <summary>The credential the variables name (a token wins over email + key), or null.</summary>
        public TurnstileCredential? Credential { get; set; }
        /// <summary><c>CLOUDFLARE_ACCOUNT_ID</c>, or null.</summary>
        public string? AccountId { get; set; }
        /// <summary><c>CLOUDFLARE_BASE_URL</c>, or null.</summary>
        public Uri? BaseUri { get; set; }

        /// <summary>
        /// Reads the variables through <paramref name="getVariable"/> (usually <see cref="Environment.GetEnvironmentVariable(string)"/>).
        /// An empty variable counts as unset. Throws <see cref="TurnstileValidationException"/> (its field is the variable's name)
        /// for a base URL that is not an absolute http(s) URL, or for only one of email and key when no token is set.
        /// </summary>
        public static EnvironmentSettings Read(Func<string, string?> getVariable)
        {
            if (getVariable == null)
            {
                throw new ArgumentNullException(nameof(getVariable));
            }
            string? Get(string name)
            {
                string? value = getVariable(name);
                return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
            }

            var settings = new EnvironmentSettings();
            string? token = Get(ApiTokenVariable);
            string? email = Get(EmailVariable);
            string? key = Get(ApiKeyVariable);
            if (token != null)
            {
                settings.Credential = Wrap(ApiTokenVariable, () => TurnstileCredential.FromApiToken(ToSecureString(token)));
            }
            else if (email != null && key != null)
            {
                settings.Credential = Wrap(ApiKeyVariable, () => TurnstileCredential.FromApiKey(email, ToSecureString(key)));
            }
            else if (email != null)
            {
                throw new TurnstileValidationException(ApiKeyVariable, $"{EmailVariable} is set but {ApiKeyVariable} is not. Set {ApiKeyVariable} to the Global API key, or set {ApiTokenVariable} to an API token instead.");
            }
            else if (key != null)
            {
                throw new TurnstileValidationException(EmailVariable, $"{ApiKeyVariable} is set but {EmailVariable} is not. Set {EmailVariable} to the account's email address, or set {ApiTokenVariable} to an API token instead.");
            }

            settings.AccountId = Get(AccountIdVariable);

            string? baseUrl = Get(BaseUrlVariable);
            if (baseUrl != null)
            {
                settings.BaseUri = BaseUris.Parse(baseUrl, BaseUrlVariable);
            }
            return settings;
        }

        private static TurnstileCredential Wrap(string variable, Func<TurnstileCredential> create)
        {
            try
            {
                return create();
            }
            catch (TurnstileValidationException ex)
            {
                // Same reason, named after the variable the user has to fix.
                string reason = ex.Message.Substring(ex.Message.IndexOf(':') + 1).Trim();
                throw new TurnstileValidationException(variable, $"{variable}: {reason}");
            }
        }

        private static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (char c in value)
            {
                secure.AppendChar(c);
            }
            secure.MakeReadOnly();
            return secure;
        }
    }

    /// <summary>The rules for an API base URL: absolute http(s), no user info, query or fragment; one owner for every caller.</summary>
    public static class BaseUris
    {
        /// <summary>
        /// Parses and normalises a base URI (trailing slash, so relative paths resolve below it); <paramref name="field"/>
        /// names where it came from in messages (<c>-ApiBaseUri</c>, <c>CLOUDFLARE_BASE_URL</c>). Messages never quote the URL.
        /// </summary>
        public static Uri Parse(string text, string field)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
            {
                throw new TurnstileValidationException(field, $"{field}: the value is not an absolute URL. Give an http or https URL such as https://api.cloudflare.com/client/v4 or the emulator's http://127.0.0.1:<port>/client/v4/.");
            }
            return Normalize(uri, field);
        }

        /// <summary>Checks and normalises a base URI; see <see cref="Parse"/>.</summary>
        public static Uri Normalize(Uri uri, string field)
        {
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new TurnstileValidationException(field, $"{field}: the URL's scheme is '{uri.Scheme}', not http or https. Give a URL such as https://api.cloudflare.com/client/v4.");
            }
            if (uri.UserInfo.Length > 0)
            {
                // Never echo user info: it may be a password.
                throw new TurnstileValidationException(field, $"{field}: the base URL holds user info (a user name or password before '@', not shown here), which is never sent. Give only scheme, host, port and path, e.g. {CredentialRedaction.WithoutUserInfo(uri)}.");
            }
            if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new TurnstileValidationException(field, $"{field}: the base URL must not contain a query or a fragment. Give only scheme, host, port and path, e.g. https://api.cloudflare.com/client/v4.");
            }
            if (uri.AbsolutePath.EndsWith("/", StringComparison.Ordinal))
            {
                return uri;
            }
            return new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
        }
    }
}
