using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TurnstileWidgets.Completion;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// The base of the cmdlets that act on widgets named by <c>-Sitekey</c> or piped in as <c>-InputObject</c>: each widget is
    /// confirmed on its own and handled as its own item, so a refusal or failure on one does not stop the rest.
    /// </summary>
    public abstract class TurnstileWidgetTargetCmdlet : TurnstileConnectedCmdlet
    {
        internal const string BySitekeySet = "BySitekey";
        internal const string ByInputObjectSet = "ByInputObject";

        /// <summary>One or more sitekeys.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySitekeySet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SitekeyCompleter))]
        public string[]? Sitekey { get; set; }

        /// <summary>A widget from Get-TurnstileWidget.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget? InputObject { get; set; }

        /// <summary>When -Sitekey comes from the command line, the number of widgets is known: the bar then shows the percentage and time left.</summary>
        protected override void BeginProcessing()
        {
            if (WriteProgressBar != null && MyInvocation.BoundParameters.ContainsKey(nameof(Sitekey)) && Sitekey != null)
            {
                WriteProgressBar.Total = Sitekey.Length;
            }

            base.BeginProcessing();
        }

        /// <summary>Acts on each confirmed widget of this input: the input object, or each sitekey.</summary>
        protected override void ProcessRecord()
        {
            SessionConnection connection = RequireConnection();
            foreach (KeyValuePair<string, string?> item in Targets())
            {
                string sitekey = item.Key;
                // A value that cannot be a sitekey is refused before asking: -WhatIf and -Confirm would otherwise offer an
                // action the command refuses, without the advice for a name typed where the sitekey goes.
                if (!TryProcess(sitekey, () => WidgetValidator.ValidateSitekey(sitekey)))
                {
                    CountWrite("failed");
                    continue;
                }

                if (ConfirmTarget(ConfirmationText.Target(item.Value, sitekey)))
                {
                    WriteProgressBar?.Start();
                    bool done = TryProcess(sitekey, () => ProcessTarget(connection, sitekey));
                    CountWrite(done ? DoneOutcome : "failed");
                }
            }
        }

        /// <summary>What the progress bar counts a widget done as (<c>removed</c>, <c>rotated</c>).</summary>
        internal abstract string DoneOutcome { get; }

        /// <summary>Whether to act on the widget that <paramref name="target"/> names (see <see cref="ConfirmationText.Target"/>).</summary>
        internal abstract bool ConfirmTarget(string target);

        /// <summary>Acts on one confirmed widget; a Turnstile failure becomes a non-terminating error about its sitekey.</summary>
        internal abstract void ProcessTarget(SessionConnection connection, string sitekey);

        /// <summary>The (sitekey, name) pairs to act on: the input object's, or each sitekey's with no name.</summary>
        private IEnumerable<KeyValuePair<string, string?>> Targets()
        {
            if (InputObject != null)
            {
                return new[] { new KeyValuePair<string, string?>(InputObject.Sitekey ?? "", InputObject.Name) };
            }

            return (Sitekey ?? new string[0]).Select(sitekey => new KeyValuePair<string, string?>(sitekey, null)).ToList();
        }
    }
}
