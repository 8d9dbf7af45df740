using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using TurnstileWidgets.Commands;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Parameters;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Module.Tests.Parameters
{
    /// <summary>Issue 16 in the module: blank CSV cells, URL passwords, the timeout and 5xx advice, IDN notes.</summary>
    public class HostileInputTests
    {
        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("\t")]
        [InlineData(null)]
        public void A_blank_value_becomes_not_given_and_passes_the_set(string? blank)
        {
            Assert.Null(new BlankAsNotGivenAttribute().Transform(null!, blank!));
            Assert.Null(new BlankAsNotGivenAttribute().Transform(null!, new PSObject(blank ?? "")));
            Assert.Null(new BlankAsNotGivenAttribute().Transform(null!, new object[] { "", " " }));
        }

        [Theory]
        [InlineData(typeof(NewTurnstileWidgetCommand))]
        [InlineData(typeof(SetTurnstileWidgetCommand))]
        public void Every_setting_completes_the_engines_wire_values_and_leaves_other_values_to_the_API(Type command)
        {
            foreach (string parameter in new[] { "Mode", "Region", "ClearanceLevel" })
            {
                PropertyInfo property = command.GetProperty(parameter)!;
                // Cloudflare adds values (as it did clearance levels): a value this version does not know is sent, not refused.
                Assert.Empty(property.GetCustomAttributes<ValidateArgumentsAttribute>());
                Assert.NotNull(property.GetCustomAttribute<BlankAsNotGivenAttribute>());
                Assert.Null(property.GetCustomAttribute<ValidateSetAttribute>());
                Assert.Equal(typeof(SettingValueCompleter), property.GetCustomAttribute<ArgumentCompleterAttribute>()!.Type);
            }

            var completions = new SettingValueCompleter().CompleteArgument("New-TurnstileWidget", "Mode", "in", null!, null!).Select(c => c.CompletionText);
            Assert.Equal(new[] { "invisible" }, completions);
        }

        [Theory]
        [InlineData("http://admin:hunter2@127.0.0.1:8080/client/v4", null)]
        [InlineData("ftp://admin:hunter2@127.0.0.1:8080/client/v4", null)]
        [InlineData(null, "http://admin:hunter2@127.0.0.1:8080/client/v4")]
        [InlineData(null, "ftp://admin:hunter2@127.0.0.1:8080/client/v4")]
        public void A_password_in_the_base_url_is_never_in_the_error(string? parameter, string? variable)
        {
            var parameters = new ConnectionParameters
            {
                ApiToken = Secure("a-token-for-the-url-test"),
                AccountId = "0123456789abcdef0123456789abcdef",
                ApiBaseUri = parameter == null ? null : new Uri(parameter),
            };
            var ex = Assert.Throws<TurnstileValidationException>(() => ConnectionResolver.Resolve(parameters, name => name == EnvironmentSettings.BaseUrlVariable ? variable : null));
            Assert.DoesNotContain("hunter2", ex.Message);
            Assert.Contains(parameter != null ? "-ApiBaseUri" : "CLOUDFLARE_BASE_URL", ex.Message);
            Assert.DoesNotContain("hunter2", ErrorMapper.Map(ex, null).ErrorDetails.Message);
        }

        [Fact]
        public void A_timeout_says_which_settings_exist_and_where()
        {
            var timeout = new TurnstileTransportException("GET /x timed out", TurnstileOperation.GetWidget, "GET", "/x", true, false);
            ErrorRecord record = ErrorMapper.Map(timeout, null);
            Assert.Equal("TurnstileRequestTimedOut", record.FullyQualifiedErrorId);
            Assert.Contains("Connect-Turnstile -RequestTimeout", record.ErrorDetails.RecommendedAction);
            Assert.Contains("-OperationTimeout", record.ErrorDetails.RecommendedAction);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_5xx_that_may_have_taken_effect_says_to_check_like_a_dropped_connection(bool mayHaveTakenEffect)
        {
            var failure = new TurnstileApiException("Cloudflare API refused POST /w: 500", TurnstileApiErrorKind.Server, TurnstileOperation.CreateWidget, 500, Array.Empty<ApiMessage>(), "POST", "/w", null, mayHaveTakenEffect);
            ErrorRecord record = ErrorMapper.Map(failure, "shop");
            Assert.Equal("TurnstileServerError", record.FullyQualifiedErrorId);
            Assert.Equal(mayHaveTakenEffect, record.ErrorDetails.RecommendedAction.Contains("whether the widget was created"));
        }

        [Fact]
        public void New_notes_every_internationalised_domain_it_converts()
        {
            var notes = new System.Collections.Generic.List<string>();
            WidgetDefinition definition = NewWidgetRequest.Build("idn", new[] { "münchen.de", "xn--mnchen-3ya.de", "example.com" }, null, null, null, null, null, null, notes);
            Assert.Equal(new[] { "xn--mnchen-3ya.de", "example.com" }, definition.Domains);
            Assert.Contains(notes, n => n.Contains("'münchen.de'") && n.Contains("'xn--mnchen-3ya.de'"));
        }

        [Fact]
        public void New_sends_a_setting_value_this_version_does_not_know_as_typed_and_reads_known_ones_in_any_case()
        {
            WidgetDefinition definition = NewWidgetRequest.Build("new", new[] { "example.com" }, " Invisible ", "mars", "ultra_clearance", null, null, null);
            Assert.Equal(WidgetMode.Invisible, definition.Mode);
            Assert.False(definition.UnrecognizedValues.ContainsKey("mode"));
            Assert.Equal("mars", definition.UnrecognizedValues["region"]);
            Assert.Equal("ultra_clearance", definition.UnrecognizedValues["clearance_level"]);
        }

        private static void Validate(ValidateArgumentsAttribute attribute, object? value) =>
            typeof(ValidateArgumentsAttribute).GetMethod("Validate", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(attribute, new[] { value, null });

        private static System.Security.SecureString Secure(string text)
        {
            var secure = new System.Security.SecureString();
            foreach (char c in text) secure.AppendChar(c);
            return secure;
        }
    }
}
