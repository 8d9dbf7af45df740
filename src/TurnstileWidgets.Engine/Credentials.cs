using System;
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

        /// <summary>The scheme's name for display: <c>ApiToken</c> or <c>ApiKey</c>.</summary>
        public abstract string Scheme { get; }

        /// <summary>An API token, sent as <c>Authorization: Bearer</c>.</summary>
        public static TurnstileCredential FromApiToken(SecureString apiToken) => throw new NotImplementedException();

        /// <summary>An email and Global API key, sent as <c>X-Auth-Email</c> and <c>X-Auth-Key</c>.</summary>
        public static TurnstileCredential FromApiKey(string email, SecureString apiKey) => throw new NotImplementedException();

        /// <summary>Never shows the secret.</summary>
        public override string ToString() => Scheme;
    }

    /// <summary>
    /// Settings read from <c>CLOUDFLARE_API_TOKEN</c>, <c>CLOUDFLARE_EMAIL</c>, <c>CLOUDFLARE_API_KEY</c>,
    /// <c>CLOUDFLARE_ACCOUNT_ID</c> and <c>CLOUDFLARE_BASE_URL</c>.
    /// </summary>
    public sealed class EnvironmentSettings
    {
        /// <summary>The credential the variables name (a token wins over email + key), or null.</summary>
        public TurnstileCredential? Credential { get; set; }
        /// <summary><c>CLOUDFLARE_ACCOUNT_ID</c>, or null.</summary>
        public string? AccountId { get; set; }
        /// <summary><c>CLOUDFLARE_BASE_URL</c>, or null.</summary>
        public Uri? BaseUri { get; set; }

        /// <summary>Reads the variables through <paramref name="getVariable"/> (usually <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
        public static EnvironmentSettings Read(Func<string, string?> getVariable) => throw new NotImplementedException();
    }
}
