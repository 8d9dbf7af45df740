using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace TurnstileWidgets.Emulator
{
    /// <summary>The /client/v4 operations. Each checks credentials, then the account, then its input.</summary>
    internal sealed class ApiHandlers
    {
        private readonly Accounts accounts;
        private readonly byte[] apiToken;
        private readonly byte[] apiKey;
        private readonly string email;
        private readonly string tokenId;
        private readonly int maxDomains;

        public ApiHandlers(Accounts accounts, EmulatorOptions options)
        {
            this.accounts = accounts;
            apiToken = Encoding.UTF8.GetBytes(options.ApiToken);
            apiKey = Encoding.UTF8.GetBytes(options.ApiKey);
            email = options.Email;
            maxDomains = options.MaxDomains;
            // A stable identifier that reveals nothing about the token itself.
            tokenId = Convert.ToHexStringLower(SHA256.HashData(apiToken)).Substring(0, 32);
        }

        public async Task ListAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            ApiError? error = TryReadListQuery(context.Request.Query, out ListQuery? query);
            if (error is not null)
            {
                await HttpHelpers.WriteErrorAsync(context, error).ConfigureAwait(false);
                return;
            }

            ListPage page = Store(context).List(query!);
            var views = new WidgetView[page.Items.Length];
            for (int i = 0; i < views.Length; i++)
            {
                views[i] = page.Items[i].ToView(withSecret: false);
            }

            await HttpHelpers.WriteJsonAsync(context, 200, new WidgetListResponse
            {
                Result = views,
                ResultInfo = new ResultInfo { Page = query!.Page, PerPage = query.PerPage, Count = views.Length, TotalCount = page.TotalCount },
            }, EmulatorJsonContext.Wire.WidgetListResponse).ConfigureAwait(false);
        }

        public async Task GetAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            await WriteFoundWidgetAsync(context, Store(context).Get(Sitekey(context))).ConfigureAwait(false);
        }

        public async Task CreateAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: false).ConfigureAwait(false);
            using (document)
            {
                WidgetInput? input = null;
                error ??= WidgetInput.TryRead(document!.RootElement, maxDomains, out input, Store(context).IsDriftValue);
                if (error is not null)
                {
                    await HttpHelpers.WriteErrorAsync(context, error).ConfigureAwait(false);
                    return;
                }

                await WriteWidgetAsync(context, Store(context).Create(input!), null).ConfigureAwait(false);
            }
        }

        public async Task UpdateAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            string? sitekey = await ExistingSitekeyAsync(context).ConfigureAwait(false);
            if (sitekey is null)
            {
                return;
            }

            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: false).ConfigureAwait(false);
            using (document)
            {
                WidgetInput? input = null;
                error ??= WidgetInput.TryRead(document!.RootElement, maxDomains, out input, Store(context).IsDriftValue);
                Widget? updated = null;
                error ??= Store(context).Update(sitekey, input!, out updated);
                await WriteWidgetAsync(context, updated, error).ConfigureAwait(false);
            }
        }

        public async Task DeleteAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            await WriteFoundWidgetAsync(context, Store(context).Delete(Sitekey(context))).ConfigureAwait(false);
        }

        public async Task RotateSecretAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: false).ConfigureAwait(false))
            {
                return;
            }

            string? sitekey = await ExistingSitekeyAsync(context).ConfigureAwait(false);
            if (sitekey is null)
            {
                return;
            }

            (JsonDocument? document, ApiError? error) = await HttpHelpers.ReadJsonAsync(context, allowEmpty: true).ConfigureAwait(false);
            using (document)
            {
                bool invalidateImmediately = false;
                error ??= WidgetInput.TryReadRotation(document?.RootElement, out invalidateImmediately);
                Widget? rotated = null;
                error ??= Store(context).Rotate(sitekey, invalidateImmediately, out rotated);
                await WriteWidgetAsync(context, rotated, error).ConfigureAwait(false);
            }
        }

        public async Task VerifyTokenAsync(HttpContext context)
        {
            if (await RefuseAsync(context, bearerOnly: true).ConfigureAwait(false))
            {
                return;
            }

            await HttpHelpers.WriteJsonAsync(context, 200, new TokenVerifyResponse
            {
                Messages = new[] { new ApiMessage { Code = 10000, Message = "This API Token is valid and active" } },
                Result = new TokenVerifyResult { Id = tokenId, Status = "active" },
            }, EmulatorJsonContext.Wire.TokenVerifyResponse).ConfigureAwait(false);
        }

        private static Task WriteWidgetAsync(HttpContext context, Widget? widget, ApiError? error) =>
            error is not null
                ? HttpHelpers.WriteErrorAsync(context, error)
                : HttpHelpers.WriteJsonAsync(context, 200, new WidgetResponse { Result = widget!.ToView(withSecret: true) }, EmulatorJsonContext.Wire.WidgetResponse);

        private static Task WriteFoundWidgetAsync(HttpContext context, Widget? widget) =>
            WriteWidgetAsync(context, widget, widget is null ? ApiError.WidgetNotFound : null);

        /// <summary>The route's sitekey; null, with the 404 written, when no such widget exists. Checked before the body is read, so a missing widget is a 404 whatever the body holds.</summary>
        private async Task<string?> ExistingSitekeyAsync(HttpContext context)
        {
            string sitekey = Sitekey(context);
            if (Store(context).Get(sitekey) is not null)
            {
                return sitekey;
            }

            await HttpHelpers.WriteErrorAsync(context, ApiError.WidgetNotFound).ConfigureAwait(false);
            return null;
        }

        private static string Sitekey(HttpContext context) => (string)context.Request.RouteValues["sitekey"]!;

        /// <summary>The route's account's widgets; only called after <see cref="RefuseAsync"/> has checked the account is served.</summary>
        private WidgetStore Store(HttpContext context) => accounts.Store(context.Request.RouteValues["account_id"] as string)!;

        /// <summary>Writes the refusal and returns true when the credentials are missing or wrong, or do not cover the account.</summary>
        private async Task<bool> RefuseAsync(HttpContext context, bool bearerOnly)
        {
            ApiError? error = Authenticate(context.Request.Headers, bearerOnly);
            if (error is null && context.Request.RouteValues.TryGetValue("account_id", out object? account)
                && accounts.Store(account as string) is null)
            {
                error = new ApiError(403, ApiError.AccountForbiddenCode,
                    $"Unauthorized to access requested resource: the credential is not authorised for account '{account}'. " +
                    "Check the account id (this emulator serves the accounts printed at start-up).");
            }

            if (error is null)
            {
                return false;
            }

            await HttpHelpers.WriteErrorAsync(context, error).ConfigureAwait(false);
            return true;
        }

        /// <summary>
        /// Who the request's credential names, as authentication reads it ("token:" and the token without its scheme and
        /// padding, or "key:" and the case-folded email and the key), or null when the emulator does not accept it. The
        /// rate limit keeps its budgets by this, so one user is one budget however the credential is spelled.
        /// </summary>
        public string? Identify(IHeaderDictionary headers) => Credential(headers, bearerOnly: false);

        private ApiError? Authenticate(IHeaderDictionary headers, bool bearerOnly) =>
            Credential(headers, bearerOnly) is null ? ApiError.Authentication : null;

        private string? Credential(IHeaderDictionary headers, bool bearerOnly)
        {
            string authorization = headers.Authorization.ToString();
            if (authorization.Length > 0)
            {
                const string Scheme = "Bearer ";
                if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                string token = authorization.Substring(Scheme.Length).Trim();
                return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), apiToken) ? "token:" + token : null;
            }

            if (bearerOnly)
            {
                return null;
            }

            StringValues email = headers["X-Auth-Email"];
            StringValues key = headers["X-Auth-Key"];
            if (email.Count == 1 && key.Count == 1
                && string.Equals(email.ToString().Trim(), this.email, StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key.ToString().Trim()), apiKey))
            {
                // Emails compare case-insensitively, so the identity carries one casing of it.
                return "key:" + email.ToString().Trim().ToUpperInvariant() + "\n" + key.ToString().Trim();
            }

            return null;
        }

        internal static ApiError? TryReadListQuery(IQueryCollection queryString, out ListQuery? query)
        {
            query = null;
            long page = 1;
            int perPage = 25;
            ListOrder order = ListOrder.Id;
            bool descending = false;
            FilterField filterField = FilterField.None;
            string filterValue = "";

            if (queryString.TryGetValue("page", out StringValues pageText) && !IsBlank(pageText))
            {
                if (!TryParseWhole(pageText.ToString(), out page) || page < 1)
                {
                    return ApiError.InvalidQuery($"page must be a whole number of 1 or more, not '{pageText}'");
                }
            }

            if (queryString.TryGetValue("per_page", out StringValues perPageText) && !IsBlank(perPageText))
            {
                if (!TryParseWhole(perPageText.ToString(), out long value) || value < 5 || value > 1000)
                {
                    return ApiError.InvalidQuery($"per_page must be a whole number from 5 to 1000, not '{perPageText}'");
                }

                perPage = (int)value;
            }

            if (queryString.TryGetValue("order", out StringValues orderText) && !IsBlank(orderText))
            {
                switch (orderText.ToString())
                {
                    case "id": order = ListOrder.Id; break;
                    case "sitekey": order = ListOrder.Sitekey; break;
                    case "name": order = ListOrder.Name; break;
                    case "created_on": order = ListOrder.CreatedOn; break;
                    case "modified_on": order = ListOrder.ModifiedOn; break;
                    default:
                        return ApiError.InvalidQuery($"order must be one of id, sitekey, name, created_on, modified_on, not '{orderText}'");
                }
            }

            if (queryString.TryGetValue("direction", out StringValues directionText) && !IsBlank(directionText))
            {
                switch (directionText.ToString())
                {
                    case "asc": descending = false; break;
                    case "desc": descending = true; break;
                    default:
                        return ApiError.InvalidQuery($"direction must be asc or desc, not '{directionText}'");
                }
            }

            if (queryString.TryGetValue("filter", out StringValues filterText) && !IsBlank(filterText))
            {
                string filter = filterText.ToString();
                int colon = filter.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    return ApiError.InvalidQuery($"filter must have the form field:value (e.g. name:login-form), not '{filter}'");
                }

                string field = filter.Substring(0, colon);
                filterField = field switch
                {
                    "name" => FilterField.Name,
                    "sitekey" => FilterField.Sitekey,
                    _ => FilterField.None,
                };
                if (filterField == FilterField.None)
                {
                    return ApiError.InvalidQuery($"filter field '{field}' is not supported; use name or sitekey");
                }

                filterValue = filter.Substring(colon + 1);
            }

            query = new ListQuery(page, perPage, order, descending, filterField, filterValue);
            return null;
        }

        private static bool IsBlank(StringValues values) => values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0]));

        /// <summary>The spec types page and per_page as numbers, so "2" and "2.0" are both fine; "2.5" and "two" are not.</summary>
        private static bool TryParseWhole(string text, out long value)
        {
            value = 0;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                || double.IsNaN(number) || double.IsInfinity(number) || Math.Floor(number) != number || Math.Abs(number) > 1e15)
            {
                return false;
            }

            value = (long)number;
            return true;
        }
    }
}
