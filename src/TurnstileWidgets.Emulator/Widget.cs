using System;
using System.Globalization;

namespace TurnstileWidgets.Emulator
{
    /// <summary>One widget as the store keeps it. Immutable: every change replaces the object, so a copied page can be serialized outside the lock.</summary>
    internal sealed record Widget
    {
        /// <summary>Creation order; the API's "id" order.</summary>
        public long Sequence { get; init; }
        public string Sitekey { get; init; } = "";
        public string Secret { get; init; } = "";
        public string Name { get; init; } = "";
        public string[] Domains { get; init; } = Array.Empty<string>();
        public string Mode { get; init; } = "managed";
        public string Region { get; init; } = "world";
        public string ClearanceLevel { get; init; } = "no_clearance";
        public bool BotFightMode { get; init; }
        public bool EphemeralId { get; init; }
        public bool Offlabel { get; init; }
        public DateTimeOffset CreatedOn { get; init; }
        public DateTimeOffset ModifiedOn { get; init; }
        /// <summary>The secret replaced by the last rotation without invalidate_immediately; valid until <see cref="PreviousSecretExpiresOn"/>.</summary>
        public string? PreviousSecret { get; init; }
        public DateTimeOffset? PreviousSecretExpiresOn { get; init; }

        public bool InGracePeriod(DateTimeOffset now) => PreviousSecret is not null && PreviousSecretExpiresOn is DateTimeOffset until && now < until;

        public WidgetView ToView(bool withSecret) => new()
        {
            Sitekey = Sitekey,
            Secret = withSecret ? Secret : null,
            Name = Name,
            Domains = Domains,
            Mode = Mode,
            Region = Region,
            ClearanceLevel = ClearanceLevel,
            BotFightMode = BotFightMode,
            EphemeralId = EphemeralId,
            Offlabel = Offlabel,
            CreatedOn = Timestamps.Format(CreatedOn),
            ModifiedOn = Timestamps.Format(ModifiedOn),
        };
    }

    internal static class Timestamps
    {
        /// <summary>The API's shape: UTC, six fractional digits, e.g. 2014-01-01T05:20:00.123123Z.</summary>
        public static string Format(DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>Drops sub-microsecond ticks so a value survives a round trip through the wire format and the state file.</summary>
        public static DateTimeOffset Truncate(DateTimeOffset value) =>
            new DateTimeOffset(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
    }
}
