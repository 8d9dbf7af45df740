using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.DesiredState;
using TurnstileWidgets.Errors;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Makes the account match a desired-state file.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "TurnstileWidget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPathSet)]
    [OutputType(typeof(TurnstileWidgetChange))]
    public sealed class SyncTurnstileWidgetCommand : DesiredStateCmdlet
    {
        private bool yesToAll;
        private bool noToAll;

        /// <summary>Removes without asking (with -Prune); -WhatIf and -Confirm still win.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// With -Prune, allows a desired state with no entry at all, which removes every live widget. -Force alone is not
        /// enough: it answers the confirmation, this says the empty file is meant.
        /// </summary>
        [Parameter]
        public SwitchParameter AllowEmptyDesiredState { get; set; }

        /// <summary>Emits each applied change; a created widget's carries its sitekey and secret (SecureString).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly WriteProgressBar progress = new WriteProgressBar(WriteProgressBar.SyncActivityId, "Applying the Turnstile widget plan");

        internal override WriteProgressBar? WriteProgressBar => progress;

        /// <summary>Plans, asks about every change, then applies the confirmed ones; a failed change does not stop the others.</summary>
        protected override void EndProcessing()
        {
            var connection = RequireConnection();
            DesiredEntries? entries = null;
            TryProcess(Path, () => entries = ReadEntries(), terminating: true);
            if (Prune && entries!.Entries.Count == 0 && entries.Invalid.Count == 0 && !AllowEmptyDesiredState)
            {
                ThrowTerminatingError(EmptyDesiredStateError());
            }

            WidgetPlan? plan = null;
            int liveCount = 0;
            long liveReadAt = 0;
            TryProcess(Path, () => plan = MakePlan(connection, entries, out liveCount, out liveReadAt), terminating: true);
            int created = 0, updated = 0, removed = 0, skipped = 0;
            if (plan!.Problems.Count > 0)
            {
                // Any entry that cannot be applied stops the whole Sync: a file with a wrong entry (a typo, a row cut
                // short, the wrong file) must never prune widgets it meant to keep.
                WriteError(SyncRefusedError(plan));
                WriteSummary(0, 0, 0, plan.Problems.Count, 0);
                return;
            }

            List<WidgetChange> removals = plan.Changes.Where(c => c.Action == WidgetChangeAction.Remove).ToList();
            if (removals.Count > 0 && removals.Count == liveCount)
            {
                WriteWarningLine(string.Format(CultureInfo.InvariantCulture,
                    "This Sync removes every live widget of account {0}: all {1} of them ({2}), because no entry of {3} holds them (-Prune).",
                    connection.Details.AccountId, removals.Count, Names(removals), Source));
            }

            // Every question first, then the writes: nothing is written before every change was confirmed or declined,
            // and a host that cannot ask stops the Sync before its first write.
            var confirmed = new List<WidgetChange>();
            foreach (WidgetChange change in plan.Changes)
            {
                if (Confirm(change, Target(change), removals))
                {
                    confirmed.Add(change);
                }
                else
                {
                    skipped++;
                }
            }

            // The bar counts the writes, which begin once every question has been answered.
            progress.Total = confirmed.Count;
            progress.Start();
            int failed = 0;
            foreach (WidgetChange change in confirmed)
            {
                TurnstileWidgetChange output = ToOutput(change, connection.Details.AccountId);
                applyingEntry = change.Entry == null ? null : string.Format(CultureInfo.InvariantCulture, "{0} ('{1}')", change.Entry.Location, DisplayText.Visible(change.Entry.Name ?? change.Name));
                bool done = TryProcess(change.Sitekey ?? change.Name, () => Apply(connection, change, output, liveReadAt));
                applyingEntry = null;
                if (!done)
                {
                    failed++;
                    CountWrite("failed");
                    continue;
                }

                switch (change.Action)
                {
                    case WidgetChangeAction.Create: created++; CountWrite("created"); break;
                    case WidgetChangeAction.Update: updated++; CountWrite("updated"); break;
                    default: removed++; CountWrite("removed"); break;
                }

                if (PassThru)
                {
                    WriteObject(output);
                }
            }

            CompleteWriteProgress();
            if (created + updated + removed > 0)
            {
                connection.Completions.Invalidate();
            }

            WriteSummary(created, updated, removed, failed, skipped);
        }

        // The entry being applied ("entry 2 of widgets.json ('login')"): a failure names its field, where the user wrote
        // the value. Text, not the engine's WidgetChange: a command type holds no engine type (the load-context boundary).
        private string? applyingEntry;

        /// <summary>The field of the entry being applied, as the file holds it (<c>the Domains of entry 2 of widgets.json ('login')</c>).</summary>
        internal override string? GivenAs(string field)
        {
            string? parameter = base.GivenAs(field);
            if (applyingEntry == null || parameter == null)
            {
                return parameter;
            }

            return "the " + DesiredWidget.PropertyName(field) + " of " + applyingEntry;
        }

        private void WriteSummary(int created, int updated, int removed, int failed, int skipped)
        {
            string summary = string.Format(CultureInfo.InvariantCulture,
                "Sync-TurnstileWidget: {0} created, {1} updated, {2} removed, {3} failed{4}.",
                created, updated, removed, failed, skipped > 0 ? string.Format(CultureInfo.InvariantCulture, ", {0} not applied (-WhatIf or declined)", skipped) : "");
            // Shown on the host like Write-Host, yet capturable with -InformationVariable or 6>.
            WriteInformation(new HostInformationMessage { Message = summary }, new[] { "PSHOST" });
        }

        private ErrorRecord EmptyDesiredStateError()
        {
            string message = $"{Source} has no entry, so Sync-TurnstileWidget -Prune would remove every widget of the account. Nothing was written. " +
                "If that is what you mean, add -AllowEmptyDesiredState; otherwise check the file (an export of a filter that matched nothing is empty).";
            return ErrorMapper.Record(DesiredStateErrors.EmptyDesiredState, ErrorCategory.InvalidData, message, "Check the desired state, or add -AllowEmptyDesiredState to remove every widget.", Path ?? Source, new InvalidOperationException(message));
        }

        private ErrorRecord SyncRefusedError(WidgetPlan plan)
        {
            int removals = plan.Changes.Count(c => c.Action == WidgetChangeAction.Remove);
            string message = string.Format(CultureInfo.InvariantCulture,
                "Sync-TurnstileWidget wrote nothing: {0} of {1} cannot be applied (see the errors above), and a Sync is applied whole or not at all{2}. Fix the entries and run it again; Compare-TurnstileWidget shows the plan.",
                plan.Problems.Count == 1 ? "1 entry" : plan.Problems.Count.ToString(CultureInfo.InvariantCulture) + " entries", Source,
                removals > 0 ? string.Format(CultureInfo.InvariantCulture, " (no widget was removed; -Prune would have removed {0})", removals) : "");
            return ErrorMapper.Record(DesiredStateErrors.SyncRefused, ErrorCategory.InvalidData, message, "Fix the entries named in the errors above, then run Sync-TurnstileWidget again.", Path ?? Source, new InvalidOperationException(message));
        }

        private static string Names(IReadOnlyList<WidgetChange> changes)
        {
            const int Shown = 5;
            string names = string.Join(", ", changes.Take(Shown).Select(Target));
            return changes.Count > Shown ? names + string.Format(CultureInfo.InvariantCulture, " and {0} more", changes.Count - Shown) : names;
        }

        private bool Confirm(WidgetChange change, string target, IReadOnlyList<WidgetChange> removals)
        {
            string action = change.Action switch
            {
                WidgetChangeAction.Create => "Create widget (" + string.Join("; ", change.Changes.Select(c => c.Property + " = " + Show(c.Desired))) + ")",
                WidgetChangeAction.Update => "Update widget (" + string.Join("; ", change.Changes.Select(c => c.Property + ": " + Show(c.Current) + " -> " + Show(c.Desired))) + ")",
                _ => "Remove widget (-Prune: no entry holds it)",
            };
            try
            {
                if (!ShouldProcess(target, action))
                {
                    return false;
                }

                if (change.Action != WidgetChangeAction.Remove || Force || IsBound("Confirm"))
                {
                    return true;
                }

                // The cmdlet's ConfirmImpact is Medium so creates and updates do not prompt by default; a removal is High
                // impact, so it asks at the default $ConfirmPreference (High) unless ShouldProcess has just asked already.
                object? preference = GetVariableValue("ConfirmPreference");
                ConfirmImpact level = preference is ConfirmImpact impact ? impact : ConfirmImpact.High;
                if (level != ConfirmImpact.High)
                {
                    return true;
                }

                return ShouldContinue("Remove the widget " + target + "? No entry of the file holds it (-Prune). Its sitekey and secret stop working at once.",
                    "Confirm removal", ref yesToAll, ref noToAll);
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException)
            {
                // A non-interactive host (pwsh -NonInteractive, a scheduled runbook) cannot ask: say so in the user's words.
                string message = string.Format(CultureInfo.InvariantCulture,
                    "Sync-TurnstileWidget -Prune would remove {0} widget(s) ({1}), and this host cannot ask for confirmation (it is non-interactive). Nothing was written. " +
                    "Review the plan with Compare-TurnstileWidget -Prune, then confirm the removals with -Force (or -Confirm:$false).",
                    removals.Count, Names(removals));
                ThrowTerminatingError(ErrorMapper.Record(DesiredStateErrors.ConfirmationUnavailable, ErrorCategory.PermissionDenied, message, "Run Compare-TurnstileWidget -Prune to review, then Sync-TurnstileWidget -Prune -Force.", target, new InvalidOperationException(message, e)));
                return false;
            }
        }

        private void Apply(Session.SessionConnection connection, WidgetChange change, TurnstileWidgetChange output, long liveReadAt)
        {
            TurnstileClient client = connection.Client;
            switch (change.Action)
            {
                case WidgetChangeAction.Create:
                    Widget widget = Invoke(client, token => client.CreateWidgetAsync(change.Definition!, token));
                    output.Sitekey = widget.Sitekey;
                    output.Secret = string.IsNullOrEmpty(widget.Secret) ? null : OutputMapper.ToSecureString(widget.Secret!);
                    break;
                case WidgetChangeAction.Update:
                    string sitekey = change.Sitekey!;
                    using (WidgetWriteGate.Enter(connection.Details.AccountId, sitekey, CancellationToken))
                    {
                        WidgetChange? now = change;
                        if (!connection.Writes.IsCurrent(sitekey, liveReadAt))
                        {
                            // This connection wrote the widget after the plan read it (another runspace): plan it again from a fresh read.
                            Widget current = Invoke(client, token => client.GetWidgetAsync(sitekey, token));
                            now = WidgetPlanner.Replan(change.Entry!, current, out PlanProblem? problem);
                            if (problem != null)
                            {
                                throw new TurnstileValidationException("entry", problem.Message);
                            }
                        }

                        if (now != null)
                        {
                            InvokeWrite(connection, sitekey, token => client.UpdateWidgetAsync(sitekey, now.Definition!, token), out _);
                        }
                    }

                    break;
                default:
                    InvokeWrite(connection, change.Sitekey!, token => client.DeleteWidgetAsync(change.Sitekey!, token), out _, answerIsReading: false);
                    break;
            }
        }

        private static string Show(object? value) => TurnstileWidgetPropertyChange.Show(value);
    }
}
