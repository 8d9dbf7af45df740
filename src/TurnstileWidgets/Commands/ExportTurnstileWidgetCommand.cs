using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.DesiredState;
using TurnstileWidgets.Errors;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Writes widgets to a desired-state file (.json or .psd1), never a secret.
    /// </summary>
    [Cmdlet(VerbsData.Export, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportTurnstileWidgetCommand : TurnstileConnectedCmdlet
    {
        // Output types only: PowerShell reflects over a command's fields, and engine types live behind the load context.
        private readonly List<TurnstileWidget> piped = new List<TurnstileWidget>();

        /// <summary>The file to write: .json (a JSON array) or .psd1 (a PowerShell data file). An existing file is replaced.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Widgets from Get-TurnstileWidget.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public TurnstileWidget[]? InputObject { get; set; }

        /// <summary>Leaves sitekeys out, so entries match by name: for a file meant for another account.</summary>
        [Parameter]
        public SwitchParameter ExcludeSitekey { get; set; }

        /// <summary>Emits the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Refuses a path of another kind before any request is sent.</summary>
        protected override void BeginProcessing()
        {
            string extension = System.IO.Path.GetExtension(Path ?? "").ToLowerInvariant();
            if (extension != ".json" && extension != ".psd1")
            {
                ThrowTerminatingError(ErrorMapper.Wrap(
                    new ArgumentException($"'{Path}' ends neither in .json nor in .psd1. Give a path such as widgets.json or widgets.psd1."),
                    DesiredStateErrors.PathInvalid, ErrorCategory.InvalidArgument, Path));
            }
        }

        /// <summary>Collects the piped widgets.</summary>
        protected override void ProcessRecord()
        {
            piped.AddRange(InputObject ?? Array.Empty<TurnstileWidget>());
        }

        /// <summary>With no input, reads every widget; then writes the file.</summary>
        protected override void EndProcessing()
        {
            var entries = new List<DesiredWidget>();
            foreach (TurnstileWidget widget in piped)
            {
                entries.Add(new DesiredWidget
                {
                    Name = widget.Name,
                    Domains = widget.Domains,
                    Mode = widget.Mode,
                    Region = widget.Region,
                    ClearanceLevel = widget.ClearanceLevel,
                    BotFightMode = widget.BotFightMode,
                    EphemeralId = widget.EphemeralId,
                    Offlabel = widget.Offlabel,
                    Sitekey = ExcludeSitekey ? null : widget.Sitekey,
                });
            }

            // ExpectingInput: an empty pipeline (a filter that matched nothing) writes an empty file, not the whole account.
            if (!MyInvocation.ExpectingInput && !IsBound(nameof(InputObject)))
            {
                var connection = RequireConnection();
                TryProcess(null, () =>
                {
                    foreach (Widget widget in Invoke(connection.Client, token => WidgetPlanner.ReadLiveAsync(connection.Client, token)))
                    {
                        entries.Add(DesiredWidget.FromWidget(widget, withSitekey: !ExcludeSitekey));
                    }
                }, terminating: true);
            }

            string full = GetUnresolvedProviderPathFromPSPath(Path);
            bool json = string.Equals(System.IO.Path.GetExtension(full), ".json", StringComparison.OrdinalIgnoreCase);
            string text = json ? DesiredStateFile.WriteJson(entries) : PowerShellDataFile.Write(entries);
            if (!ShouldProcess(full, $"Write {entries.Count} widget(s)"))
            {
                return;
            }

            try
            {
                File.WriteAllText(full, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(ErrorMapper.Wrap(e, DesiredStateErrors.FileWriteFailed, ErrorCategory.WriteError, Path));
            }

            if (PassThru)
            {
                WriteObject(new FileInfo(full));
            }
        }
    }
}
