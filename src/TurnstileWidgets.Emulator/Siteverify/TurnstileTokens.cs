using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TurnstileWidgets.Emulator.Siteverify
{
    /// <summary>What a minted token says: which widget a visitor solved, when, and what the page passed along.</summary>
    internal sealed class TokenClaims
    {
        [JsonPropertyName("a")] public string AccountId { get; init; } = "";
        [JsonPropertyName("s")] public string Sitekey { get; init; } = "";
        [JsonPropertyName("t")] public long IssuedUnixMs { get; init; }
        [JsonPropertyName("n")] public string Nonce { get; init; } = "";
        [JsonPropertyName("i")] public bool Interactive { get; init; }
        [JsonPropertyName("h")] public string Hostname { get; init; } = "";
        [JsonPropertyName("c")] public string Action { get; init; } = "";
        [JsonPropertyName("d")] public string Cdata { get; init; } = "";
        [JsonPropertyName("y")] public string CountryCode { get; init; } = "";
        [JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? EphemeralId { get; init; }

        [JsonIgnore]
        public DateTimeOffset IssuedAt => DateTimeOffset.FromUnixTimeMilliseconds(IssuedUnixMs);
    }

    [JsonSerializable(typeof(TokenClaims))]
    internal sealed partial class TokenJsonContext : JsonSerializerContext
    {
    }

    /// <summary>
    /// Tokens as the emulator mints them: <c>0.&lt;claims&gt;.&lt;mac&gt;</c>, the claims signed with a key made at start-up,
    /// so a token needs no storage until it is redeemed and a forged or altered one is refused. Only redemptions are
    /// kept, and only while the token could still be valid.
    /// </summary>
    internal sealed class TurnstileTokens
    {
        /// <summary>How long a token is valid after the visitor solved the widget (Cloudflare: 300 s).</summary>
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

        private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
        private readonly ConcurrentDictionary<string, Redemption> redeemed = new(StringComparer.Ordinal);
        private int sincePrune;

        /// <summary>The first successful siteverify of a token: the idempotency key it came with (may be null).</summary>
        public sealed record Redemption(string? IdempotencyKey, DateTimeOffset TokenExpiresAt);

        public string Mint(TokenClaims claims)
        {
            byte[] payload = JsonSerializer.SerializeToUtf8Bytes(claims, TokenJsonContext.Default.TokenClaims);
            return "0." + Base64Url(payload) + "." + Base64Url(Mac(payload));
        }

        /// <summary>The claims of a token this emulator minted, or null for anything else (forged, altered, truncated, foreign).</summary>
        public TokenClaims? Read(string token)
        {
            string[] parts = token.Split('.');
            if (parts.Length != 3 || parts[0] != "0")
            {
                return null;
            }

            try
            {
                byte[] payload = FromBase64Url(parts[1]);
                if (!CryptographicOperations.FixedTimeEquals(FromBase64Url(parts[2]), Mac(payload)))
                {
                    return null;
                }

                return JsonSerializer.Deserialize(payload, TokenJsonContext.Default.TokenClaims);
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }

        /// <summary>Records the first redemption; returns the earlier one when the token was redeemed before.</summary>
        public Redemption? Redeem(TokenClaims claims, string? idempotencyKey, DateTimeOffset now)
        {
            var mine = new Redemption(idempotencyKey, claims.IssuedAt + Lifetime);
            Redemption stored = redeemed.GetOrAdd(claims.Nonce, mine);
            if (System.Threading.Interlocked.Increment(ref sincePrune) >= 1000)
            {
                Prune(now);
            }

            return ReferenceEquals(stored, mine) ? null : stored;
        }

        public void Clear() => redeemed.Clear();

        // An expired token fails as timeout-or-duplicate whether it was redeemed or not, so its redemption can go.
        private void Prune(DateTimeOffset now)
        {
            System.Threading.Interlocked.Exchange(ref sincePrune, 0);
            foreach (var pair in redeemed)
            {
                if (pair.Value.TokenExpiresAt < now)
                {
                    redeemed.TryRemove(pair.Key, out _);
                }
            }
        }

        private byte[] Mac(byte[] payload) => HMACSHA256.HashData(key, payload).AsSpan(0, 16).ToArray();

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static byte[] FromBase64Url(string text)
        {
            string padded = text.Replace('-', '+').Replace('_', '/');
            padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException() };
            return Convert.FromBase64String(padded);
        }

        /// <summary>A fresh random identifier (hex).</summary>
        public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }
}
