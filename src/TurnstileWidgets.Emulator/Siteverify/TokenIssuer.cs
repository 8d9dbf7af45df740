using System;
using System.Linq;
using TurnstileWidgets.Emulator.Analytics;

namespace TurnstileWidgets.Emulator.Siteverify
{
    /// <summary>
    /// A visitor solving a widget: checks what the page passes along as Cloudflare's widget does, mints the token and
    /// records the issued and solved events. Behind <c>POST /__emulator/tokens</c> and <see cref="EmulatorServer.MintToken"/>.
    /// </summary>
    internal sealed class TokenIssuer
    {
        private const int MaxActionLength = 32;
        private const int MaxCdataLength = 255;

        private readonly Accounts accounts;
        private readonly TurnstileTokens tokens;
        private readonly EventLedger events;
        private readonly EmulatorClock clock;

        public TokenIssuer(Accounts accounts, TurnstileTokens tokens, EventLedger events, EmulatorClock clock)
        {
            this.accounts = accounts;
            this.tokens = tokens;
            this.events = events;
            this.clock = clock;
        }

        /// <summary>Mints a token for a widget of the account.</summary>
        /// <exception cref="ArgumentException">No such widget in the account, or action, cdata or country code not allowed.</exception>
        public string Mint(string accountId, string sitekey, string action, string? hostname, string cdata, bool interactive, string? countryCode)
        {
            Widget widget = accounts.Store(accountId)?.Get(sitekey)
                ?? throw new ArgumentException($"No widget '{sitekey}' in account '{accountId}'; create it first (tokens are for widgets that exist).");
            if (action.Length > MaxActionLength || !action.All(IsTokenCharacter))
            {
                throw new ArgumentException($"action must be at most {MaxActionLength} letters, digits, '_' or '-' (as Cloudflare allows).");
            }

            if (cdata.Length > MaxCdataLength || !cdata.All(IsTokenCharacter))
            {
                throw new ArgumentException($"cdata must be at most {MaxCdataLength} letters, digits, '_' or '-' (as Cloudflare allows).");
            }

            string country = EventFields.CountryCode(countryCode, "country_code");
            string host = hostname ?? (widget.Domains.Length > 0 ? widget.Domains[0] : "");
            DateTimeOffset now = clock.GetUtcNow();
            string token = tokens.Mint(new TokenClaims
            {
                AccountId = accountId,
                Sitekey = widget.Sitekey,
                IssuedUnixMs = now.ToUnixTimeMilliseconds(),
                Nonce = TurnstileTokens.NewNonce(),
                Interactive = interactive,
                Hostname = host,
                Action = action,
                Cdata = cdata,
                CountryCode = country,
                EphemeralId = widget.EphemeralId ? "x:" + TurnstileTokens.NewNonce() : null,
            });
            long second = now.ToUnixTimeSeconds();
            events.Record(accountId,
                new[]
                {
                    new EventKey(widget.Sitekey, TurnstileEventTypes.Issued, action, host, country, second),
                    new EventKey(widget.Sitekey, interactive ? TurnstileEventTypes.InteractiveSolved : TurnstileEventTypes.NonInteractiveSolved, action, host, country, second),
                },
                new long[] { 1, 1 });
            return token;
        }

        private static bool IsTokenCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
    }

    /// <summary>The rules for event fields that both the events endpoint and minting apply.</summary>
    internal static class EventFields
    {
        /// <summary>The most events one count may stand for.</summary>
        public const long MaxCount = 1_000_000_000;

        /// <summary>"" for none, else two letters upper-cased.</summary>
        /// <exception cref="ArgumentException">Not two letters.</exception>
        public static string CountryCode(string? value, string at)
        {
            if (string.IsNullOrEmpty(value))
            {
                return "";
            }

            return value.Length == 2 && value.All(char.IsAsciiLetter)
                ? value.ToUpperInvariant()
                : throw new ArgumentException($"{at} must be two letters (ISO 3166-1 alpha-2, e.g. DE), not '{value}'.");
        }
    }
}
