using System.Management.Automation;
using TurnstileWidgets.Engine.DesiredState;

namespace TurnstileWidgets.Errors
{
    /// <summary>The desired-state cmdlets' error ids, and the ErrorRecord for an entry that cannot be applied.</summary>
    internal static class DesiredStateErrors
    {
        public const string FileNotFound = "TurnstileDesiredFileNotFound";
        public const string FileInvalid = "TurnstileDesiredFileInvalid";
        public const string PathInvalid = "TurnstileDesiredPathInvalid";
        public const string FileWriteFailed = "TurnstileDesiredFileWriteFailed";
        public const string EntryInvalid = "TurnstileDesiredEntryInvalid";
        public const string SitekeyNotFound = "TurnstileDesiredSitekeyNotFound";
        public const string NameAmbiguous = "TurnstileDesiredNameAmbiguous";
        public const string EntryDuplicate = "TurnstileDesiredEntryDuplicate";
        public const string RegionChangeRefused = ErrorIds.RegionChangeRefused;
        /// <summary>A Sync wrote nothing because some entry cannot be applied.</summary>
        public const string SyncRefused = "TurnstileDesiredSyncRefused";
        /// <summary>-Prune with no entry at all, without -AllowEmptyDesiredState.</summary>
        public const string EmptyDesiredState = "TurnstileDesiredStateEmpty";
        /// <summary>Removals need confirmation and the host cannot ask.</summary>
        public const string ConfirmationUnavailable = "TurnstileConfirmationUnavailable";

        /// <summary>A non-terminating error for one entry: its id and category by kind, the entry's sitekey or name as target.</summary>
        public static ErrorRecord FromProblem(PlanProblem problem)
        {
            (string id, ErrorCategory category, string action) = problem.Kind switch
            {
                PlanProblemKind.SitekeyNotFound => (SitekeyNotFound, ErrorCategory.ObjectNotFound, "Remove the entry, or remove its Sitekey to create the widget anew."),
                PlanProblemKind.AmbiguousName => (NameAmbiguous, ErrorCategory.InvalidOperation, "Add the Sitekey of the widget the entry means, or rename the other widgets."),
                PlanProblemKind.RegionChange => (RegionChangeRefused, ErrorCategory.InvalidArgument, "Put the entry's Region back to the widget's region."),
                PlanProblemKind.DuplicateEntry => (EntryDuplicate, ErrorCategory.InvalidData, "Keep one entry per widget."),
                _ => (EntryInvalid, ErrorCategory.InvalidData, "Fix the entry; nothing is written while an entry is invalid."),
            };
            return ErrorMapper.Record(id, category, problem.Message, action, problem.Target, null);
        }
    }
}
