using System;
using System.Collections.Generic;
using System.Text;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// Keeps credentials out of text: every credential this process has created (API tokens, Global API keys and their
    /// emails, in every client and runspace) is replaced by a placeholder in text quoted from an API or proxy answer, and
    /// user info is taken out of URLs before they are shown. The one place both rules live: every
    /// <see cref="TurnstileException"/> passes its message through <see cref="RedactCredentials"/>.
    /// </summary>
    public static class CredentialRedaction
    {
        /// <summary>What an API token is replaced with.</summary>
        public const string ApiTokenPlaceholder = "[API token removed]";
        /// <summary>What a Global API key is replaced with.</summary>
        public const string ApiKeyPlaceholder = "[API key removed]";
        /// <summary>What the email of a Global API key is replaced with.</summary>
        public const string EmailPlaceholder = "[email removed]";

        /// <summary>Secrets shorter than this are not replaced: no Cloudflare credential is, and short text is everywhere.</summary>
        public const int MinimumSecretLength = 8;

        /// <summary>
        /// A quoted piece of a secret that leaves fewer characters than this unknown counts as the secret (a proxy that
        /// shows "the token starting ..." cut a few characters short gives the rest away to a guess); 16 random
        /// characters are beyond guessing. Pieces shorter than this are never replaced, so text that merely shares a word
        /// with a short test credential is left alone.
        /// </summary>
        public const int MinimumUnknownCharacters = 16;

        private static readonly object Gate = new object();
        // Weak, so a credential nobody holds any more is forgotten; a credential lives as long as its client.
        private static readonly List<WeakReference<TurnstileCredential>> Credentials = new List<WeakReference<TurnstileCredential>>();

        /// <summary>Remembers a credential so its secrets are redacted from now on.</summary>
        internal static void Register(TurnstileCredential credential)
        {
            lock (Gate)
            {
                Credentials.RemoveAll(reference => !reference.TryGetTarget(out _));
                Credentials.Add(new WeakReference<TurnstileCredential>(credential));
            }
        }

        /// <summary>
        /// <paramref name="text"/> with every credential this process holds replaced by a placeholder
        /// (<see cref="ApiTokenPlaceholder"/>, <see cref="ApiKeyPlaceholder"/>, <see cref="EmailPlaceholder"/>).
        /// Null stays null.
        /// </summary>
        public static string? RedactCredentials(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }
            List<TurnstileCredential> live = new List<TurnstileCredential>();
            lock (Gate)
            {
                foreach (WeakReference<TurnstileCredential> reference in Credentials)
                {
                    if (reference.TryGetTarget(out TurnstileCredential? credential))
                    {
                        live.Add(credential);
                    }
                }
            }
            string result = text!;
            foreach (TurnstileCredential credential in live)
            {
                foreach (KeyValuePair<string, string> secret in credential.SecretsForRedaction())
                {
                    result = ReplaceAll(result, secret.Key, secret.Value);
                    result = ReplacePieces(result, secret.Key, secret.Value);
                    // A proxy may quote the value URL-encoded; a token of letters, digits, '-' and '_' looks the same.
                    string escaped = Uri.EscapeDataString(secret.Key);
                    if (!string.Equals(escaped, secret.Key, StringComparison.Ordinal))
                    {
                        result = ReplaceAll(result, escaped, secret.Value);
                    }
                }
            }
            return result;
        }

        /// <summary>The URL as text without its user info (<c>user:password@</c>), which may hold a password.</summary>
        public static string WithoutUserInfo(Uri uri)
        {
            if (uri == null)
            {
                throw new ArgumentNullException(nameof(uri));
            }
            if (!uri.IsAbsoluteUri || uri.UserInfo.Length == 0)
            {
                return uri.ToString();
            }
            var builder = new UriBuilder(uri) { UserName = "", Password = "" };
            return builder.Uri.ToString();
        }

        // Every piece of the secret long enough to leave fewer than MinimumUnknownCharacters unknown, longest first; not
        // for an email address, which is no secret to guess.
        private static string ReplacePieces(string text, string secret, string placeholder)
        {
            if (placeholder == EmailPlaceholder)
            {
                return text;
            }
            int shortest = Math.Max(MinimumUnknownCharacters, secret.Length - MinimumUnknownCharacters + 1);
            for (int length = secret.Length - 1; length >= shortest; length--)
            {
                for (int start = 0; start + length <= secret.Length; start++)
                {
                    text = ReplaceAll(text, secret.Substring(start, length), placeholder);
                }
            }
            return text;
        }

        // Ordinal for secrets; an email address compares without case, as mail systems treat it.
        private static string ReplaceAll(string text, string secret, string placeholder)
        {
            // Cloudflare's tokens (40 characters) and keys (37) are far longer; replacing a shorter text would garble
            // every message (a test's token "t" would remove every t) without protecting a real credential.
            if (secret.Length < MinimumSecretLength)
            {
                return text;
            }
            StringComparison comparison = placeholder == EmailPlaceholder ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            int at = text.IndexOf(secret, comparison);
            if (at < 0)
            {
                return text;
            }
            var builder = new StringBuilder(text.Length);
            int from = 0;
            while (at >= 0)
            {
                builder.Append(text, from, at - from).Append(placeholder);
                from = at + secret.Length;
                at = text.IndexOf(secret, from, comparison);
            }
            builder.Append(text, from, text.Length - from);
            return builder.ToString();
        }
    }
}
