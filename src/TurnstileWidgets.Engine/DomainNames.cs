using System;
using System.Collections.Generic;
using System.Globalization;

namespace TurnstileWidgets.Engine
{
    /// <summary>
    /// The one place domains are normalised: an internationalised name (<c>münchen.de</c>) becomes its ASCII form
    /// (<c>xn--mnchen-3ya.de</c>), which is what DNS holds and the API accepts, before it is sent or compared.
    /// </summary>
    public static class DomainNames
    {
        /// <summary>
        /// The ASCII form of <paramref name="domain"/> (<see cref="IdnMapping.GetAscii(string)"/>); an ASCII domain, an IP
        /// address or text that is no valid internationalised name comes back unchanged, for validation to explain.
        /// </summary>
        public static string ToAscii(string domain)
        {
            if (domain == null)
            {
                return domain!;
            }
            foreach (char c in domain)
            {
                if (c > 0x7F)
                {
                    try
                    {
                        return new IdnMapping().GetAscii(domain);
                    }
                    catch (ArgumentException)
                    {
                        return domain;
                    }
                }
            }
            return domain;
        }

        /// <summary>
        /// Each domain in its ASCII form, trimmed, blanks dropped, duplicates (ignoring case) dropped; one line per
        /// conversion is added to <paramref name="notes"/> when given.
        /// </summary>
        public static List<string> ToAscii(IEnumerable<string?> domains, ICollection<string>? notes)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var result = new List<string>();
            foreach (string? raw in domains ?? Array.Empty<string>())
            {
                if (raw == null)
                {
                    continue;
                }
                string domain = raw.Trim();
                if (domain.Length == 0)
                {
                    continue;
                }
                string ascii = ToAscii(domain);
                if (!string.Equals(ascii, domain, StringComparison.Ordinal))
                {
                    notes?.Add(Conversion(domain, ascii));
                }
                if (seen.Add(ascii))
                {
                    result.Add(ascii);
                }
            }
            return result;
        }

        /// <summary>The line that tells what was converted.</summary>
        public static string Conversion(string domain, string ascii) =>
            string.Format(CultureInfo.InvariantCulture, "Domain '{0}' is sent and compared as '{1}', its ASCII (punycode) form.", domain, ascii);
    }
}
