using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TurnstileWidgets.Engine
{
    /// <summary>Client-side validation, the same rules the API applies, so bad input never costs a request.</summary>
    public static class WidgetValidator
    {
        /// <summary>The longest widget name the API accepts.</summary>
        public const int MaxNameLength = 254;
        /// <summary>The longest sitekey.</summary>
        public const int MaxSitekeyLength = 32;
        /// <summary>The smallest <c>per_page</c> the API accepts.</summary>
        public const int MinPerPage = 5;
        /// <summary>The largest <c>per_page</c> the API accepts.</summary>
        public const int MaxPerPage = 1000;

        private const string DomainRule = "Allowed: a hostname such as example.com or an IPv4/IPv6 address such as 203.0.113.1, without scheme, port, path or wildcard.";

        /// <summary>
        /// Name 1–254 characters; at least one domain (the most a widget may have depends on the account's plan, so the API
        /// decides), each a hostname or IPv4/IPv6 address without scheme, port, path or wildcard; fields in
        /// <see cref="WidgetDefinition.CarriedOver"/> are left to the API.
        /// </summary>
        public static void ValidateDefinition(WidgetDefinition definition)
        {
            if (definition == null)
            {
                throw new ArgumentNullException(nameof(definition));
            }
            // What an update carries over as the API holds it is the API's to judge, not this version's.
            ISet<string> carried = definition.CarriedOver ?? new HashSet<string>();
            if (!carried.Contains("name"))
            {
                ValidateName(definition.Name);
            }
            if (!carried.Contains("domains"))
            {
                ValidateDomains(definition.Domains);
            }
            // A field carried in UnrecognizedValues is sent verbatim: the API, not this version, decides whether it is valid.
            IDictionary<string, string> kept = definition.UnrecognizedValues ?? new Dictionary<string, string>();
            if (!kept.ContainsKey("mode"))
            {
                ValidateEnum(definition.Mode, "mode", WireNames.Modes);
            }
            if (definition.Region.HasValue && !kept.ContainsKey("region"))
            {
                ValidateEnum(definition.Region.Value, "region", WireNames.Regions);
            }
            if (definition.ClearanceLevel.HasValue && !kept.ContainsKey("clearance_level"))
            {
                ValidateEnum(definition.ClearanceLevel.Value, "clearance_level", WireNames.ClearanceLevels);
            }
        }

        /// <summary>
        /// 1–254 characters, not only whitespace, and no control character (<see cref="ControlCharacters"/>): a name is shown
        /// in every listing, where ESC could take over the terminal of whoever lists the widgets and U+202E reverse the text.
        /// </summary>
        public static void ValidateName(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new TurnstileValidationException("name", $"name: the widget name is empty. Give a name of 1 to {MaxNameLength} characters.");
            }
            if (name.Length > MaxNameLength)
            {
                throw new TurnstileValidationException("name", $"name: the widget name has {name.Length} characters; at most {MaxNameLength} are allowed.");
            }
            int control = ControlCharacters.Find(name);
            if (control >= 0)
            {
                throw new TurnstileValidationException("name", string.Format(CultureInfo.InvariantCulture,
                    "name: the widget name '{0}' holds the control character {1} at position {2}. Names may not hold control characters (they would act on the terminal of whoever lists the widgets); remove it.",
                    Shorten(ControlCharacters.MakeVisible(name)), ControlCharacters.Describe(name[control]), control + 1));
            }
            if (name.Trim().Length == 0)
            {
                throw new TurnstileValidationException("name", $"name: the widget name is only whitespace ({name.Length} characters). Give a name people can read.");
            }
        }

        /// <summary>
        /// At least one domain, each valid as in <see cref="ValidateDomain"/>. No upper limit: Cloudflare's plans allow
        /// from 10 to 200 hostnames per widget, so only the API can refuse too many.
        /// </summary>
        public static void ValidateDomains(IEnumerable<string>? domains)
        {
            int count = 0;
            if (domains != null)
            {
                foreach (string domain in domains)
                {
                    ValidateDomain(domain);
                    count++;
                }
            }
            if (count == 0)
            {
                throw new TurnstileValidationException("domains", "domains: no domain given. Give at least one hostname or IP address the widget may be used on.");
            }
        }

        /// <summary>1–32 characters of <c>[A-Za-z0-9_-]</c>.</summary>
        public static void ValidateSitekey(string sitekey)
        {
            if (string.IsNullOrEmpty(sitekey))
            {
                throw new TurnstileValidationException("sitekey", $"sitekey: the sitekey is empty. Give the widget's sitekey: 1 to {MaxSitekeyLength} letters, digits, '_' and '-', e.g. 0x4AAAAAAAB1234567890ab.");
            }
            if (sitekey.Length > MaxSitekeyLength)
            {
                throw new TurnstileValidationException("sitekey", $"sitekey: '{Shorten(Printable(sitekey))}' has {sitekey.Length} characters; a sitekey has at most {MaxSitekeyLength}.");
            }
            foreach (char c in sitekey)
            {
                if (!IsSitekeyChar(c))
                {
                    throw new TurnstileValidationException("sitekey", $"sitekey: '{Printable(sitekey)}' contains '{Printable(c.ToString())}'. Allowed: 1 to {MaxSitekeyLength} letters, digits, '_' and '-'.");
                }
            }
        }

        /// <summary>True for an account id: exactly 32 hexadecimal characters.</summary>
        public static bool IsAccountId(string? value)
        {
            if (value == null || value.Length != 32)
            {
                return false;
            }
            foreach (char c in value)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Refuses an account id that is not 32 hexadecimal characters.</summary>
        public static void ValidateAccountId(string accountId)
        {
            if (string.IsNullOrEmpty(accountId))
            {
                throw new TurnstileValidationException("account_id", "account_id: no account id given. Give the 32-character hexadecimal account id shown in the Cloudflare dashboard (or set CLOUDFLARE_ACCOUNT_ID).");
            }
            if (!IsAccountId(accountId))
            {
                throw new TurnstileValidationException("account_id", $"account_id: '{Shorten(Printable(accountId))}' is not an account id. Allowed: exactly 32 hexadecimal characters (0-9, a-f), as shown in the Cloudflare dashboard.");
            }
        }

        /// <summary><c>name:value</c> or <c>sitekey:value</c>; the value may be empty.</summary>
        public static void ValidateFilter(string filter)
        {
            if (filter == null)
            {
                throw new TurnstileValidationException("filter", "filter: no filter given. Use name:<text> or sitekey:<text>.");
            }
            int colon = filter.IndexOf(':');
            string field = colon < 0 ? filter : filter.Substring(0, colon);
            if (colon < 0 || (field != "name" && field != "sitekey"))
            {
                throw new TurnstileValidationException("filter", $"filter: '{Shorten(Printable(filter))}' is not a filter. Allowed: name:<text> or sitekey:<text> (case-insensitive substring match; an empty text matches all).");
            }
            string value = filter.Substring(colon + 1);
            int max = field == "name" ? MaxNameLength : MaxSitekeyLength;
            if (value.Length > max)
            {
                throw new TurnstileValidationException("filter", $"filter: the {field} text has {value.Length} characters; a {field} has at most {max}, so nothing could match.");
            }
        }

        /// <summary>One domain, as in <see cref="ValidateDefinition"/>.</summary>
        public static void ValidateDomain(string domain)
        {
            string? problem = DomainProblem(domain);
            if (problem != null)
            {
                string shown = domain == null ? "a null entry" : $"'{Shorten(Printable(domain))}'";
                throw new TurnstileValidationException("domains", $"domains: {shown} {problem}. {DomainRule}");
            }
        }

        /// <summary>5 to 1000 widgets per page, starting at page 1 or later.</summary>
        public static void ValidateListQuery(WidgetListQuery query)
        {
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }
            if (query.PerPage < MinPerPage || query.PerPage > MaxPerPage)
            {
                throw new TurnstileValidationException("per_page", $"per_page: {query.PerPage} is out of range. Allowed: {MinPerPage} to {MaxPerPage} widgets per page ({MaxPerPage} spends the fewest requests).");
            }
            if (query.StartPage < 1)
            {
                throw new TurnstileValidationException("page", $"page: {query.StartPage} is not a page number. Pages start at 1.");
            }
            if (query.Order.HasValue)
            {
                ValidateEnum(query.Order.Value, "order", WireNames.Orders);
            }
            if (query.Direction.HasValue && !Enum.IsDefined(typeof(OrderDirection), query.Direction.Value))
            {
                throw new TurnstileValidationException("direction", $"direction: {(int)query.Direction.Value} is not a valid value. Allowed: asc, desc.");
            }
            if (query.Filter != null)
            {
                ValidateFilter(query.Filter);
            }
        }

        internal static bool IsSitekeyChar(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

        private static void ValidateEnum<T>(T value, string field, IReadOnlyList<string> allowed)
            where T : struct, Enum
        {
            if (!Enum.IsDefined(typeof(T), value))
            {
                throw new TurnstileValidationException(field, $"{field}: {Convert.ToInt32(value, CultureInfo.InvariantCulture)} is not a valid value. Allowed: {string.Join(", ", allowed)}.");
            }
        }

        private static string? DomainProblem(string domain)
        {
            if (domain == null)
            {
                return "is not a domain";
            }
            if (domain.Length == 0 || domain.Trim().Length == 0)
            {
                return "is empty";
            }
            if (domain.Trim().Length != domain.Length)
            {
                return "has leading or trailing whitespace";
            }
            if (domain.IndexOf("://", StringComparison.Ordinal) >= 0)
            {
                return "has a scheme (such as https://); leave it out";
            }
            if (domain.IndexOf('*') >= 0)
            {
                return "has a wildcard; a widget already works on every subdomain of its domains, so give the parent domain";
            }
            if (domain.IndexOf('/') >= 0 || domain.IndexOf('?') >= 0 || domain.IndexOf('#') >= 0)
            {
                return "has a path or query; give only the host";
            }
            if (domain.IndexOf('@') >= 0)
            {
                return "has user info ('@'); give only the host";
            }
            if (domain.StartsWith("[", StringComparison.Ordinal) || domain.EndsWith("]", StringComparison.Ordinal))
            {
                return "is a bracketed IPv6 address; give the address without brackets or port";
            }
            if (domain.IndexOf(':') >= 0)
            {
                // Only IPv6 may hold colons; anything else here is host:port.
                if (IPAddress.TryParse(domain, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && domain.IndexOf('%') < 0)
                {
                    return null;
                }
                return LooksLikeHostWithPort(domain) ? "has a port; leave it out" : "is not a valid IPv6 address";
            }
            if (IsAllDigitsAndDots(domain))
            {
                return IsIPv4(domain) ? null : "is not a valid IPv4 address (four numbers 0-255 separated by dots)";
            }
            return HostnameProblem(domain);
        }

        private static bool LooksLikeHostWithPort(string domain)
        {
            int colon = domain.LastIndexOf(':');
            if (colon <= 0 || domain.IndexOf(':') != colon || colon == domain.Length - 1)
            {
                return false;
            }
            for (int i = colon + 1; i < domain.Length; i++)
            {
                if (domain[i] < '0' || domain[i] > '9')
                {
                    return false;
                }
            }
            return true;
        }

        private static bool IsAllDigitsAndDots(string text)
        {
            foreach (char c in text)
            {
                if (c != '.' && (c < '0' || c > '9'))
                {
                    return false;
                }
            }
            return true;
        }

        private static bool IsIPv4(string text)
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }
            foreach (string part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
                {
                    return false;
                }
            }
            return true;
        }

        private static string? HostnameProblem(string domain)
        {
            string ascii = domain;
            foreach (string label in domain.Split('.'))
            {
                if (label.Length == 0)
                {
                    return domain.EndsWith(".", StringComparison.Ordinal) ? "ends with a dot; leave the trailing dot out" : "has an empty label (two dots in a row or a leading dot)";
                }
                if (label[0] == '-' || label[label.Length - 1] == '-')
                {
                    return "has a label that starts or ends with '-'";
                }
            }
            foreach (char c in domain)
            {
                if (c > 0x7F)
                {
                    try
                    {
                        // Internationalised names are checked in their punycode form, which is what DNS holds.
                        ascii = new IdnMapping().GetAscii(domain);
                    }
                    catch (ArgumentException)
                    {
                        return "is not a valid internationalised hostname";
                    }
                    break;
                }
            }
            if (ascii.EndsWith(".", StringComparison.Ordinal))
            {
                return "ends with a dot; leave the trailing dot out";
            }
            if (ascii.Length > 253)
            {
                return "is longer than 253 characters, the most a hostname may have";
            }
            foreach (string label in ascii.Split('.'))
            {
                if (label.Length == 0)
                {
                    return "has an empty label (two dots in a row or a leading dot)";
                }
                if (label.Length > 63)
                {
                    return "has a label longer than 63 characters";
                }
                if (label[0] == '-' || label[label.Length - 1] == '-')
                {
                    return "has a label that starts or ends with '-'";
                }
                foreach (char c in label)
                {
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
                    {
                        return $"contains '{Printable(c.ToString())}', which a hostname may not hold (letters, digits, '-' and '.' only)";
                    }
                }
            }
            return null;
        }

        internal static string Shorten(string text) => text.Length <= 64 ? text : text.Substring(0, 61) + "...";

        /// <summary>Makes control characters visible so a message cannot be broken across lines by its input.</summary>
        internal static string Printable(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            foreach (char c in text)
            {
                if (char.IsControl(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }
            return builder.ToString();
        }
    }
}
