using System.Linq;
using System.Management.Automation;
using System.Security;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.Siteverify;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Tests whether siteverify accepts a widget's secret, without a visitor.
    /// Sends Cloudflare's dummy token with the secret: invalid-input-response means the secret is accepted, invalid-input-secret that it is not (Cloudflare's documentation of the error codes).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "TurnstileWidgetSecret", DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(TurnstileSecretCheck))]
    public sealed class TestTurnstileWidgetSecretCommand : TurnstileConnectedCmdlet
    {
        private const string ByInputObjectSet = "ByInputObject";
        private const string BySitekeySet = "BySitekey";

        /// <summary>A widget with its Secret, as Invoke-TurnstileSecretRotation or Get-TurnstileWidget -Sitekey emit it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>The widget's sitekey, with -Secret.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string? Sitekey { get; set; }

        /// <summary>The secret to test.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SecureString? Secret { get; set; }

        /// <summary>Tests the secret of this input.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            string sitekey = InputObject != null ? InputObject.Sitekey ?? "" : Sitekey ?? "";
            string name = InputObject?.Name ?? "";
            SecureString? secret = InputObject != null ? InputObject.Secret : Secret;
            if (secret == null || secret.Length == 0)
            {
                WriteError(InputObject != null ? ObservationErrors.SecretMissing(sitekey) : ObservationErrors.SecretEmpty(sitekey));
                return;
            }

            TryProcess(sitekey, () =>
            {
                TurnstileClient client = connection.Client;
                var siteverify = new SiteverifyClient(client, connection.Details.SiteverifyUri);
                SecretCheck check = Invoke(client, token => siteverify.CheckSecretAsync(secret, token));
                string[] codes = check.ErrorCodes.ToArray();
                if (!check.Accepted.HasValue)
                {
                    WriteError(ObservationErrors.SecretCheckUndetermined(sitekey, codes));
                }

                WriteObject(new TurnstileSecretCheck { Sitekey = sitekey, Name = name, Accepted = check.Accepted, ErrorCodes = codes });
            });
        }
    }
}
