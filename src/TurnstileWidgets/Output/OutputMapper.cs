using System;
using System.Security;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Session;

namespace TurnstileWidgets
{
    /// <summary>Engine objects to the public output types. Touches no PowerShell types, so xunit can call it.</summary>
    internal static class OutputMapper
    {
        /// <summary>
        /// Maps the widget <paramref name="reading"/> holds and keeps the reading with it, so that an update may reuse it.
        /// The secret becomes a read-only SecureString; <paramref name="asPlainText"/> also fills <see cref="TurnstileWidget.PlainTextSecret"/>.
        /// </summary>
        internal static TurnstileWidget ToTurnstileWidget(WidgetReading reading, bool asPlainText = false, DateTimeOffset? previousSecretExpiresOn = null)
        {
            if (reading == null) throw new ArgumentNullException(nameof(reading));
            TurnstileWidget output = ToTurnstileWidget(reading.Widget, reading.Connection.Details.AccountId, asPlainText, previousSecretExpiresOn);
            output.Reading = reading;
            return output;
        }

        /// <summary>Maps <paramref name="widget"/> without recording a reading; see the overload above.</summary>
        internal static TurnstileWidget ToTurnstileWidget(Widget widget, string accountId, bool asPlainText = false, DateTimeOffset? previousSecretExpiresOn = null)
        {
            if (widget == null) throw new ArgumentNullException(nameof(widget));
            string? secret = string.IsNullOrEmpty(widget.Secret) ? null : widget.Secret;
            return new TurnstileWidget
            {
                Sitekey = widget.Sitekey,
                Name = widget.Name,
                Domains = new DomainList(widget.Domains ?? Array.Empty<string>()),
                Mode = WidgetMerge.WireValue(widget, "mode"),
                Region = WidgetMerge.WireValue(widget, "region"),
                ClearanceLevel = WidgetMerge.WireValue(widget, "clearance_level"),
                BotFightMode = widget.BotFightMode,
                EphemeralId = widget.EphemeralId,
                Offlabel = widget.Offlabel,
                CreatedOn = widget.CreatedOn,
                ModifiedOn = widget.ModifiedOn,
                Secret = secret == null ? null : ToSecureString(secret),
                PlainTextSecret = asPlainText ? secret : null,
                PreviousSecretExpiresOn = previousSecretExpiresOn,
                AccountId = accountId ?? "",
                DeployedVia = string.IsNullOrEmpty(widget.DeployedVia) ? null : widget.DeployedVia,
                LastModifiedVia = string.IsNullOrEmpty(widget.LastModifiedVia) ? null : widget.LastModifiedVia,
            };
        }

        /// <summary>Maps a connection's details.</summary>
        internal static TurnstileConnection ToTurnstileConnection(ConnectionDetails details, string name = "", bool isDefault = false)
        {
            if (details == null) throw new ArgumentNullException(nameof(details));
            return new TurnstileConnection
            {
                Name = name ?? "",
                IsDefault = isDefault,
                AccountId = details.AccountId,
                AuthenticationScheme = details.AuthenticationScheme,
                ApiBaseUri = details.ApiBaseUri,
                SiteverifyUri = details.SiteverifyUri,
                ConnectedOn = details.ConnectedOn,
                TokenStatus = details.TokenStatus,
                RequestTimeout = details.RequestTimeout,
                OperationTimeout = details.OperationTimeout,
            };
        }

        /// <summary>A read-only copy of <paramref name="text"/>.</summary>
        internal static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
