using System.Security;

namespace TurnstileWidgets.Engine.Tests.Support;

public static class TestSecrets
{
    public static SecureString Secure(string value)
    {
        var secure = new SecureString();
        foreach (char c in value)
        {
            secure.AppendChar(c);
        }
        return secure;
    }

    public static TurnstileCredential Token(string token) => TurnstileCredential.FromApiToken(Secure(token));
}
