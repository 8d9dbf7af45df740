using System;
using System.Net.Http;
using System.Security;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>Builds engine clients the way a caller would, pointed at an emulator.</summary>
    internal static class EngineFactory
    {
        public static TurnstileClient Create(Uri baseUri, string apiToken, string accountId, HttpMessageHandler? primaryHandler = null, RetryOptions? retry = null)
        {
            return new TurnstileClient(new TurnstileClientOptions
            {
                Credential = TurnstileCredential.FromApiToken(ToSecureString(apiToken)),
                AccountId = accountId,
                BaseUri = baseUri,
                PrimaryHandler = primaryHandler,
                Retry = retry ?? new RetryOptions(),
            });
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
}
