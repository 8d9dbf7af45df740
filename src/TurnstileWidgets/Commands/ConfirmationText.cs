using System;
using TurnstileWidgets.Engine;

namespace TurnstileWidgets.Commands
{
    /// <summary>The ShouldProcess targets and actions, and ShouldContinue questions, of the changing cmdlets.</summary>
    internal static class ConfirmationText
    {
        /// <summary><c>New-TurnstileWidget</c>'s action.</summary>
        public const string CreateAction = "Create Turnstile widget";
        /// <summary><c>Set-TurnstileWidget</c>'s action (followed by the changes).</summary>
        public const string UpdateAction = "Update Turnstile widget";
        /// <summary><c>Remove-TurnstileWidget</c>'s action.</summary>
        public const string RemoveAction = "Remove Turnstile widget";
        /// <summary><c>Invoke-TurnstileSecretRotation</c>'s action.</summary>
        public const string RotateAction = "Rotate secret (the old secret keeps working for 2 hours)";
        /// <summary><c>Invoke-TurnstileSecretRotation -InvalidateImmediately</c>'s action.</summary>
        public const string RotateImmediatelyAction = "Rotate secret and invalidate the old secret immediately";

        /// <summary>The caption of <c>-InvalidateImmediately</c>'s second question.</summary>
        public const string InvalidateImmediatelyCaption = "Invalidate the old secret immediately?";

        /// <summary>The ShouldProcess target: <c>Name (Sitekey)</c>, or whichever of the two is known; control characters made visible, as the host prints it.</summary>
        public static string Target(string? name, string? sitekey)
        {
            bool hasName = !string.IsNullOrEmpty(name);
            bool hasSitekey = !string.IsNullOrEmpty(sitekey);
            if (hasName && hasSitekey) return DisplayText.Visible(name) + " (" + DisplayText.Visible(sitekey) + ")";
            if (hasSitekey) return DisplayText.Visible(sitekey);
            return hasName ? DisplayText.Visible(name) : "(unnamed widget)";
        }

        /// <summary>The update action with the changes it makes, e.g. <c>Update Turnstile widget: mode: managed -> invisible</c>.</summary>
        public static string UpdateActionWith(WidgetMergeResult merge)
        {
            if (merge == null) throw new ArgumentNullException(nameof(merge));
            return merge.HasChanges ? UpdateAction + ": " + DisplayText.Visible(merge.Summary) : UpdateAction;
        }

        /// <summary>
        /// The create action with the mode, the region and clearance level when given, and the domains, for -WhatIf: each
        /// as sent, a value this version does not know included.
        /// </summary>
        public static string CreateActionWith(WidgetDefinition definition)
        {
            if (definition == null) throw new ArgumentNullException(nameof(definition));
            string? region = WidgetMerge.WireValue(definition, "region");
            string? clearanceLevel = WidgetMerge.WireValue(definition, "clearance_level");
            return CreateAction + " (mode " + DisplayText.Visible(WidgetMerge.WireValue(definition, "mode"))
                + (region == null ? "" : "; region " + DisplayText.Visible(region))
                + (clearanceLevel == null ? "" : "; clearance level " + DisplayText.Visible(clearanceLevel))
                + "; domains " + DisplayText.Domains(definition.Domains) + ")";
        }

        /// <summary>
        /// Whether a cmdlet may skip ShouldProcess: only with <c>-Force</c>, and never under <c>-WhatIf</c> (which
        /// always wins) or an explicit <c>-Confirm</c> (the user asked to be asked).
        /// </summary>
        public static bool CanSkipShouldProcess(bool force, bool whatIf, bool confirmRequested) => force && !whatIf && !confirmRequested;

        /// <summary>Whether <c>-InvalidateImmediately</c>'s second question must be asked: only without <c>-Force</c>.</summary>
        public static bool MustAskInvalidateImmediately(bool invalidateImmediately, bool force) => invalidateImmediately && !force;

        /// <summary>The second question <c>-InvalidateImmediately</c> asks unless <c>-Force</c>.</summary>
        public static string InvalidateImmediatelyQuery(string target) =>
            "Rotate the secret of " + target + " and invalidate the old secret immediately? "
            + "The old secret stops working now; sites still using it will fail verification until they are updated.";
    }
}
