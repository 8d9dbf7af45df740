using System;
using System.Linq;
using System.Reflection;
using System.Security;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    /// <summary>The public output types exactly as surface.md defines them: sealed, BCL-typed, in namespace TurnstileWidgets.</summary>
    public class OutputTypeShapeTests
    {
        [Fact]
        public void TurnstileWidgetHasTheSurfaceProperties()
        {
            AssertShape(typeof(TurnstileWidget),
                ("Sitekey", typeof(string)), ("Name", typeof(string)), ("Domains", typeof(DomainList)), ("Mode", typeof(string)),
                ("Region", typeof(string)), ("ClearanceLevel", typeof(string)), ("BotFightMode", typeof(bool)), ("EphemeralId", typeof(bool)),
                ("Offlabel", typeof(bool)), ("CreatedOn", typeof(DateTimeOffset)), ("ModifiedOn", typeof(DateTimeOffset)),
                ("Secret", typeof(SecureString)), ("PlainTextSecret", typeof(string)), ("PreviousSecretExpiresOn", typeof(DateTimeOffset?)),
                ("AccountId", typeof(string)), ("DeployedVia", typeof(string)), ("LastModifiedVia", typeof(string)));
        }

        [Fact]
        public void TurnstileConnectionHasTheSurfacePropertiesAndNoSecret()
        {
            AssertShape(typeof(TurnstileConnection),
                ("Name", typeof(string)), ("IsDefault", typeof(bool)),
                ("AccountId", typeof(string)), ("AuthenticationScheme", typeof(string)), ("ApiBaseUri", typeof(Uri)),
                ("ConnectedOn", typeof(DateTimeOffset)), ("TokenStatus", typeof(string)),
                ("RequestTimeout", typeof(TimeSpan)), ("OperationTimeout", typeof(TimeSpan)), ("SiteverifyUri", typeof(Uri)));
        }

        [Fact]
        public void TurnstileWidgetAnalyticsHasTheSurfacePropertiesAndBindsBySitekey()
        {
            AssertShape(typeof(TurnstileWidgetAnalytics),
                ("Sitekey", typeof(string)), ("Name", typeof(string)), ("GroupBy", typeof(string)), ("Group", typeof(string)),
                ("Issued", typeof(long)), ("Solved", typeof(long)), ("SiteverifySucceeded", typeof(long)), ("SiteverifyFailed", typeof(long)),
                ("SolveRate", typeof(double)), ("EventCounts", typeof(System.Collections.Generic.IDictionary<string, long>)),
                ("Since", typeof(DateTimeOffset)), ("Until", typeof(DateTimeOffset)), ("AccountId", typeof(string)));
        }

        [Fact]
        public void TurnstileSecretCheckHasTheSurfacePropertiesAndNoSecret()
        {
            AssertShape(typeof(TurnstileSecretCheck),
                ("Sitekey", typeof(string)), ("Name", typeof(string)), ("Accepted", typeof(bool?)), ("ErrorCodes", typeof(ErrorCodeList)));
        }

        private static void AssertShape(Type type, params (string Name, Type Type)[] expected)
        {
            Assert.True(type.IsSealed);
            Assert.True(type.IsPublic);
            Assert.Equal("TurnstileWidgets", type.Namespace);
            PropertyInfo[] properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            Assert.Equal(expected.Select(e => e.Name).OrderBy(n => n), properties.Select(p => p.Name).OrderBy(n => n));
            foreach ((string name, Type propertyType) in expected)
            {
                Assert.Equal(propertyType, type.GetProperty(name)!.PropertyType);
            }

            Assert.All(properties, p =>
            {
                Type core = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType.GetElementType() ?? p.PropertyType;
                if (core.Assembly == type.Assembly)
                {
                    // The module's own public types (DomainList) are surface too; the engine's never are.
                    return;
                }

                Assert.Equal("System", core.Namespace!.Split('.')[0]);
                Assert.DoesNotContain("TurnstileWidgets", core.Assembly.GetName().Name);
            });
        }
    }
}
