using System;
using System.Linq;
using System.Reflection;
using System.Security;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    /// <summary>The desired-state output types: sealed, public, in namespace TurnstileWidgets, the properties issue 12 names.</summary>
    public class DesiredStateOutputTypeTests
    {
        [Theory]
        [InlineData(typeof(TurnstileWidgetChange), "AccountId:String", "Action:String", "Changes:TurnstileWidgetPropertyChangeList", "DeployedVia:String", "LastModifiedVia:String", "Name:String", "Secret:SecureString", "Sitekey:String")]
        [InlineData(typeof(TurnstileWidgetPropertyChange), "Current:Object", "Desired:Object", "Property:String")]
        public void HasTheIssueProperties(Type type, params string[] expected)
        {
            Assert.True(type.IsSealed);
            Assert.True(type.IsPublic);
            Assert.Equal("TurnstileWidgets", type.Namespace);
            Assert.Equal(expected, type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name + ":" + p.PropertyType.Name).OrderBy(s => s, StringComparer.Ordinal));
        }

        [Fact]
        public void ShowsTheDifferenceAndNeverTheSecret()
        {
            var secret = new SecureString();
            secret.AppendChar('x');
            var change = new TurnstileWidgetChange
            {
                Action = "Update",
                Name = "shop",
                Sitekey = "0x4AAAAAAAB",
                Changes = new[] { new TurnstileWidgetPropertyChange { Property = "Mode", Current = "managed", Desired = "invisible" } },
                Secret = secret,
            };
            Assert.Equal("Update shop (0x4AAAAAAAB): Mode", change.ToString());
            Assert.Equal("Mode: managed -> invisible", change.Changes[0].ToString());
            Assert.Equal("Domains: (none) -> a.example.com, b.example.com",
                new TurnstileWidgetPropertyChange { Property = "Domains", Desired = new[] { "a.example.com", "b.example.com" } }.ToString());
        }
    }
}
