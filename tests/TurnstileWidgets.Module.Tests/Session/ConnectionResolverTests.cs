using System;
using System.Collections.Generic;
using System.Security;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Module.Tests.Session
{
    public class ConnectionResolverTests
    {
        private const string Account = "0123456789abcdef0123456789abcdef";

        private static Func<string, string?> Env(params (string Name, string Value)[] variables)
        {
            var map = new Dictionary<string, string>();
            foreach ((string name, string value) in variables) map[name] = value;
            return name => map.TryGetValue(name, out string? value) ? value : null;
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        [Fact]
        public void ParametersWinOverEnvironment()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(
                new ConnectionParameters { ApiToken = Secure("token"), AccountId = Account, ApiBaseUri = new Uri("http://127.0.0.1:5000/client/v4") },
                Env(("CLOUDFLARE_API_TOKEN", "other"), ("CLOUDFLARE_ACCOUNT_ID", "ffffffffffffffffffffffffffffffff"), ("CLOUDFLARE_BASE_URL", "https://elsewhere.example/")));
            Assert.Equal("ApiToken", resolved.Credential.Scheme);
            Assert.Equal("-ApiToken", resolved.CredentialSource);
            Assert.Equal(Account, resolved.AccountId);
            Assert.Equal("-AccountId", resolved.AccountIdSource);
            Assert.Equal(new Uri("http://127.0.0.1:5000/client/v4/"), resolved.BaseUri);
        }

        [Fact]
        public void EnvironmentSuppliesEverythingWhenNoParameters()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(new ConnectionParameters(),
                Env(("CLOUDFLARE_API_TOKEN", "token"), ("CLOUDFLARE_ACCOUNT_ID", Account), ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1/client/v4/")));
            Assert.Equal("ApiToken", resolved.Credential.Scheme);
            Assert.Equal("CLOUDFLARE_API_TOKEN", resolved.CredentialSource);
            Assert.Equal("CLOUDFLARE_ACCOUNT_ID", resolved.AccountIdSource);
            Assert.Equal("CLOUDFLARE_BASE_URL", resolved.BaseUriSource);
            TurnstileClientOptions options = resolved.ToClientOptions();
            Assert.Equal(Account, options.AccountId);
            Assert.Same(resolved.Credential, options.Credential);
        }

        [Fact]
        public void EmailAndKeyFromEnvironment()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(new ConnectionParameters { AccountId = Account },
                Env(("CLOUDFLARE_EMAIL", "me@example.com"), ("CLOUDFLARE_API_KEY", "key")));
            Assert.Equal("ApiKey", resolved.Credential.Scheme);
            Assert.Equal(TurnstileClientOptions.DefaultBaseUri, resolved.BaseUri);
        }

        [Fact]
        public void EmailAndKeyParameters()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(
                new ConnectionParameters { Email = "me@example.com", ApiKey = Secure("key"), AccountId = Account }, Env());
            Assert.Equal("ApiKey", resolved.Credential.Scheme);
            Assert.Equal("-Email and -ApiKey", resolved.CredentialSource);
        }

        [Fact]
        public void NoCredentialSaysEveryWayToGiveOne()
        {
            var error = Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { AccountId = Account }, Env()));
            Assert.Equal("No credential: pass -ApiToken <token> (or -Email and -ApiKey) with -AccountId to Connect-Turnstile, or set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) and CLOUDFLARE_ACCOUNT_ID.", error.Message);
            Assert.Equal("TurnstileValidationFailed", ErrorMapper.Map(error, null).FullyQualifiedErrorId);
        }

        [Fact]
        public void HalfAnEmailAndKeyPairInTheEnvironmentNamesTheMissingHalf()
        {
            var error = Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { AccountId = Account }, Env(("CLOUDFLARE_EMAIL", "me@example.com"))));
            Assert.Contains("CLOUDFLARE_API_KEY is not", error.Message);
        }

        [Fact]
        public void MissingAccountId()
        {
            var error = Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { ApiToken = Secure("t") }, Env()));
            Assert.Equal("account_id", error.Field);
            Assert.Contains("-AccountId", error.Message);
            Assert.Contains("CLOUDFLARE_ACCOUNT_ID", error.Message);
        }

        [Fact]
        public void BadAccountIdNamesItsSource()
        {
            var error = Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { ApiToken = Secure("t") }, Env(("CLOUDFLARE_ACCOUNT_ID", "not-an-account"))));
            Assert.Contains("'not-an-account'", error.Message);
            Assert.Contains("CLOUDFLARE_ACCOUNT_ID", error.Message);
            Assert.Contains("32 hexadecimal", error.Message);
        }

        [Fact]
        public void EmptyTokenIsRefused()
        {
            Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { ApiToken = Secure(""), AccountId = Account }, Env()));
        }

        [Fact]
        public void TokenAndKeyTogetherAreRefused()
        {
            Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { ApiToken = Secure("t"), Email = "me@example.com", ApiKey = Secure("k"), AccountId = Account }, Env()));
        }

        [Fact]
        public void EmailWithoutKeyIsRefused()
        {
            Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { Email = "me@example.com", AccountId = Account }, Env()));
        }

        [Theory]
        [InlineData("ftp://example.com/")]
        [InlineData("not a uri")]
        [InlineData("https://api.example.com/client/v4?x=1")]
        [InlineData("https://user:pw@api.example.com/client/v4")]
        public void BadBaseUriFromEnvironmentIsRefused(string value)
        {
            Assert.Throws<TurnstileValidationException>(() =>
                ConnectionResolver.Resolve(new ConnectionParameters { ApiToken = Secure("t"), AccountId = Account }, Env(("CLOUDFLARE_BASE_URL", value))));
        }

        [Fact]
        public void BaseUriWithAQueryIsRefusedAtConnectNotKeptForTheEngineToRefuse()
        {
            // It used to be kept (with a slash inserted before the query) and refused only when the client was built.
            var error = Assert.Throws<TurnstileValidationException>(() => ConnectionResolver.Resolve(
                new ConnectionParameters { ApiToken = Secure("t"), AccountId = Account, ApiBaseUri = new Uri("http://127.0.0.1:5000/client/v4?debug=1") }, Env()));
            Assert.Contains("-ApiBaseUri", error.Message);
            Assert.DoesNotContain("debug=1", error.Message);
        }

        [Fact]
        public void DescribeNeverShowsTheSecret()
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(
                new ConnectionParameters { ApiToken = Secure("super-secret-token"), AccountId = Account }, Env());
            Assert.DoesNotContain("super-secret-token", resolved.Describe());
            Assert.Contains(Account, resolved.Describe());
        }
    }
}
