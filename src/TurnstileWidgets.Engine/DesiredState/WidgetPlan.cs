using System;
using System.Collections.Generic;
using System.Linq;

namespace TurnstileWidgets.Engine.DesiredState
{
    /// <summary>What a change does to one widget.</summary>
    public enum WidgetChangeAction
    {
        /// <summary>The widget does not exist yet.</summary>
        Create,
        /// <summary>The widget exists and some of its settings differ.</summary>
        Update,
        /// <summary>The widget exists but no entry holds it (only when pruning).</summary>
        Remove,
    }

    /// <summary>Why an entry cannot be applied.</summary>
    public enum PlanProblemKind
    {
        /// <summary>The entry itself is wrong: an unknown property, an invalid value, too many domains.</summary>
        InvalidEntry,
        /// <summary>The entry names a sitekey no live widget has; it is never re-created under another sitekey.</summary>
        SitekeyNotFound,
        /// <summary>The entry has no sitekey and two or more live widgets have its name.</summary>
        AmbiguousName,
        /// <summary>The entry asks for another region than the widget's; a region is fixed at creation.</summary>
        RegionChange,
        /// <summary>Another entry already holds the same widget (same sitekey, or same name without a sitekey).</summary>
        DuplicateEntry,
    }

    /// <summary>One setting that differs: its TurnstileWidget property name, the live value and the entry's value.</summary>
    public sealed class PropertyChange
    {
        /// <summary>Creates the change.</summary>
        public PropertyChange(string property, object? current, object? desired)
        {
            Property = property;
            Current = current;
            Desired = desired;
        }

        /// <summary>e.g. <c>Mode</c>.</summary>
        public string Property { get; }
        /// <summary>The live value (null for a widget to be created); a string, a bool, or a string array for Domains.</summary>
        public object? Current { get; }
        /// <summary>The entry's value (null for a widget to be removed).</summary>
        public object? Desired { get; }
    }

    /// <summary>One write the plan makes: create, update or remove one widget.</summary>
    public sealed class WidgetChange
    {
        internal WidgetChange(WidgetChangeAction action, string name, string? sitekey, DesiredWidget? entry, IReadOnlyList<PropertyChange> changes, WidgetDefinition? definition)
        {
            Action = action;
            Name = name;
            Sitekey = sitekey;
            Entry = entry;
            Changes = changes;
            Definition = definition;
        }

        /// <summary>Create, Update or Remove.</summary>
        public WidgetChangeAction Action { get; }
        /// <summary>The widget's name (the new name when an update renames it).</summary>
        public string Name { get; }
        /// <summary>The live widget's sitekey; null for Create.</summary>
        public string? Sitekey { get; }
        /// <summary>The entry behind the change; null for Remove.</summary>
        public DesiredWidget? Entry { get; }
        /// <summary>Each setting that differs (for Create: each setting the widget gets; for Remove: none).</summary>
        public IReadOnlyList<PropertyChange> Changes { get; }
        /// <summary>What to send for Create (POST) and Update (PUT, every setting); null for Remove.</summary>
        public WidgetDefinition? Definition { get; }
    }

    /// <summary>An entry that will not be applied, and why; nothing is written for it.</summary>
    public sealed class PlanProblem
    {
        /// <summary>Creates the problem.</summary>
        public PlanProblem(PlanProblemKind kind, DesiredWidget? entry, string target, string message)
        {
            Kind = kind;
            Entry = entry;
            Target = target;
            Message = message;
        }

        /// <summary>What is wrong.</summary>
        public PlanProblemKind Kind { get; }
        /// <summary>The entry (null when the entry could not even be read).</summary>
        public DesiredWidget? Entry { get; }
        /// <summary>The sitekey or name the problem is about.</summary>
        public string Target { get; }
        /// <summary>What is wrong and what to do, naming the file and the entry.</summary>
        public string Message { get; }
    }

    /// <summary>The changes that make live widgets match the entries, and the entries that cannot be applied.</summary>
    public sealed class WidgetPlan
    {
        internal WidgetPlan(IReadOnlyList<WidgetChange> changes, IReadOnlyList<PlanProblem> problems)
        {
            Changes = changes;
            Problems = problems;
        }

        /// <summary>Creates and updates in entry order, then removals in name order.</summary>
        public IReadOnlyList<WidgetChange> Changes { get; }
        /// <summary>
        /// Entries that cannot be applied. Any problem makes the whole plan unsound: Sync-TurnstileWidget then writes
        /// nothing at all, removals included (a file with a wrong entry may be a wrong file).
        /// </summary>
        public IReadOnlyList<PlanProblem> Problems { get; }
        /// <summary>True when there is nothing to write and nothing wrong.</summary>
        public bool IsInSync => Changes.Count == 0 && Problems.Count == 0;
    }

    /// <summary>
    /// Computes a <see cref="WidgetPlan"/> without sending anything: matching (by sitekey, else by exact name), the region
    /// rule, "a property left out means leave it", and removals only when pruning. The caller applies the changes.
    /// </summary>
    public static class WidgetPlanner
    {
        /// <summary>
        /// Plans. Entries that could not be read are passed as <paramref name="invalid"/> problems: when there are any,
        /// the plan holds no change at all, because a file with a broken entry may be a file cut short, and pruning from
        /// it would remove widgets it meant to keep.
        /// </summary>
        public static WidgetPlan Plan(IReadOnlyList<DesiredWidget> entries, IReadOnlyList<Widget> live, bool prune, IReadOnlyList<PlanProblem>? invalid = null)
        {
            if (entries == null) throw new ArgumentNullException(nameof(entries));
            if (live == null) throw new ArgumentNullException(nameof(live));
            var problems = new List<PlanProblem>(invalid ?? Array.Empty<PlanProblem>());
            if (problems.Count > 0)
            {
                return new WidgetPlan(Array.Empty<WidgetChange>(), problems);
            }

            var bySitekey = new Dictionary<string, Widget>(StringComparer.Ordinal);
            var byName = new Dictionary<string, List<Widget>>(StringComparer.Ordinal);
            foreach (Widget widget in live)
            {
                bySitekey[widget.Sitekey] = widget;
                if (!byName.TryGetValue(widget.Name, out List<Widget>? named))
                {
                    byName[widget.Name] = named = new List<Widget>();
                }

                named.Add(widget);
            }

            var changes = new List<WidgetChange>();
            // Live widgets some entry speaks for, matched or not: pruning must never remove them.
            var held = new HashSet<string>(StringComparer.Ordinal);
            var heldNames = new HashSet<string>(StringComparer.Ordinal);
            var claimedBy = new Dictionary<string, DesiredWidget>(StringComparer.Ordinal);
            var namesToCreate = new Dictionary<string, DesiredWidget>(StringComparer.Ordinal);
            // Who gives each name, and whether that entry brings the name to a widget that does not have it yet (a create
            // or a rename): two entries giving one name where either brings it would leave two widgets named alike, and
            // every later Sync by that name ambiguous. Two entries that keep a name two widgets already share are fine.
            var namedBy = new Dictionary<string, (DesiredWidget Entry, bool Brings)>(StringComparer.Ordinal);

            foreach (DesiredWidget entry in entries)
            {
                if (entry.Sitekey != null)
                {
                    held.Add(entry.Sitekey);
                }

                if (entry.Name != null)
                {
                    heldNames.Add(entry.Name);
                }

                Widget? match;
                if (entry.Sitekey != null)
                {
                    if (!bySitekey.TryGetValue(entry.Sitekey, out match))
                    {
                        problems.Add(new PlanProblem(PlanProblemKind.SitekeyNotFound, entry, entry.Sitekey,
                            $"{entry.Location}: no widget has the sitekey '{entry.Sitekey}', so nothing is written for it (a sitekey is never re-created). " +
                            "If the widget was deleted on purpose, remove the entry; to create it again, remove its Sitekey."));
                        continue;
                    }
                }
                else if (entry.Name == null)
                {
                    problems.Add(new PlanProblem(PlanProblemKind.InvalidEntry, entry, "",
                        $"{entry.Location}: the entry has neither a Sitekey nor a Name. Give the widget's Name (and Domains to create it)."));
                    continue;
                }
                else if (byName.TryGetValue(entry.Name, out List<Widget>? named))
                {
                    if (named.Count > 1)
                    {
                        problems.Add(new PlanProblem(PlanProblemKind.AmbiguousName, entry, entry.Name,
                            $"{entry.Location}: {named.Count} widgets are named '{entry.Name}' ({string.Join(", ", named.Select(w => w.Sitekey))}), so nothing is written for it. " +
                            "Add the Sitekey of the one it means to the entry, or rename or remove the others."));
                        continue;
                    }

                    match = named[0];
                }
                else
                {
                    match = null;
                }

                if (entry.Name != null)
                {
                    bool brings = match == null || !string.Equals(match.Name, entry.Name, StringComparison.Ordinal);
                    if (namedBy.TryGetValue(entry.Name, out (DesiredWidget Entry, bool Brings) giver) && (brings || giver.Brings))
                    {
                        problems.Add(new PlanProblem(PlanProblemKind.DuplicateEntry, entry, entry.Name,
                            $"{entry.Location}: {giver.Entry.Location} also gives the name '{entry.Name}', so two widgets would be named alike, " +
                            "and nothing is written for this entry. Give each widget its own name."));
                        continue;
                    }

                    if (!namedBy.ContainsKey(entry.Name) || brings)
                    {
                        namedBy[entry.Name] = (entry, brings);
                    }
                }

                if (match == null)
                {
                    if (namesToCreate.TryGetValue(entry.Name!, out DesiredWidget? first))
                    {
                        problems.Add(Duplicate(entry, entry.Name!, first));
                        continue;
                    }

                    WidgetChange? create = PlanCreate(entry, problems);
                    if (create != null)
                    {
                        namesToCreate[entry.Name!] = entry;
                        changes.Add(create);
                    }

                    continue;
                }

                if (claimedBy.TryGetValue(match.Sitekey, out DesiredWidget? earlier))
                {
                    problems.Add(Duplicate(entry, match.Sitekey, earlier));
                    continue;
                }

                claimedBy[match.Sitekey] = entry;
                WidgetChange? update = PlanUpdate(entry, match, problems);
                if (update != null)
                {
                    changes.Add(update);
                }
            }

            if (prune)
            {
                foreach (Widget widget in live.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Sitekey, StringComparer.Ordinal))
                {
                    if (claimedBy.ContainsKey(widget.Sitekey) || held.Contains(widget.Sitekey) || heldNames.Contains(widget.Name))
                    {
                        continue;
                    }

                    changes.Add(new WidgetChange(WidgetChangeAction.Remove, widget.Name, widget.Sitekey, null, Array.Empty<PropertyChange>(), null));
                }
            }

            return new WidgetPlan(changes, problems);
        }

        /// <summary>Every live widget of the client's account, a full page (1,000) at a time.</summary>
        public static async System.Threading.Tasks.Task<IReadOnlyList<Widget>> ReadLiveAsync(TurnstileClient client, System.Threading.CancellationToken cancellationToken)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            var widgets = new List<Widget>();
            WidgetListing listing = client.ListWidgets(new WidgetListQuery { PerPage = WidgetValidator.MaxPerPage });
            while (await listing.NextPageAsync(cancellationToken).ConfigureAwait(false) is WidgetPage page)
            {
                widgets.AddRange(page.Widgets);
            }

            return widgets;
        }

        private static PlanProblem Duplicate(DesiredWidget entry, string target, DesiredWidget first) =>
            new PlanProblem(PlanProblemKind.DuplicateEntry, entry, target,
                $"{entry.Location}: {first.Location} already holds the widget '{target}', so nothing is written for this entry. Keep one entry per widget.");

        private static WidgetChange? PlanCreate(DesiredWidget entry, List<PlanProblem> problems)
        {
            if (entry.Domains == null)
            {
                problems.Add(new PlanProblem(PlanProblemKind.InvalidEntry, entry, entry.Name!,
                    $"{entry.Location}: no widget is named '{entry.Name}', and the entry has no Domains to create it with. Add Domains, or fix the Name."));
                return null;
            }

            var definition = new WidgetDefinition
            {
                Name = entry.Name!,
                Domains = entry.Domains.ToList(),
                BotFightMode = entry.BotFightMode,
                EphemeralId = entry.EphemeralId,
                Offlabel = entry.Offlabel,
            };
            WidgetMerge.SetWireValue(definition, "mode", entry.Mode ?? "managed");
            if (entry.Region != null)
            {
                WidgetMerge.SetWireValue(definition, "region", entry.Region);
            }

            if (entry.ClearanceLevel != null)
            {
                WidgetMerge.SetWireValue(definition, "clearance_level", entry.ClearanceLevel);
            }

            var set = new List<PropertyChange>
            {
                new PropertyChange("Name", null, entry.Name),
                new PropertyChange("Domains", null, entry.Domains.ToArray()),
                new PropertyChange("Mode", null, entry.Mode ?? "managed"),
            };
            Add(set, "Region", entry.Region);
            Add(set, "ClearanceLevel", entry.ClearanceLevel);
            Add(set, "BotFightMode", entry.BotFightMode);
            Add(set, "EphemeralId", entry.EphemeralId);
            Add(set, "Offlabel", entry.Offlabel);
            return new WidgetChange(WidgetChangeAction.Create, entry.Name!, null, entry, set, definition);

            static void Add(List<PropertyChange> list, string property, object? value)
            {
                if (value != null)
                {
                    list.Add(new PropertyChange(property, null, value));
                }
            }
        }

        /// <summary>
        /// Plans <paramref name="entry"/> again against a newer reading of its widget (one written since the plan read it):
        /// the update to send now, null when it already matches, or a problem.
        /// </summary>
        public static WidgetChange? Replan(DesiredWidget entry, Widget current, out PlanProblem? problem)
        {
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            if (current == null) throw new ArgumentNullException(nameof(current));
            var problems = new List<PlanProblem>();
            WidgetChange? change = PlanUpdate(entry, current, problems);
            problem = problems.Count > 0 ? problems[0] : null;
            return change;
        }

        private static WidgetChange? PlanUpdate(DesiredWidget entry, Widget current, List<PlanProblem> problems)
        {
            // The same rule as Set-TurnstileWidget: one owner decides what differs and what the PUT carries.
            // A name or domain list the widget already holds is left out (kept as it is): the merge validates what it is
            // given, and a value the API holds but the module would refuse (another tool's control character) must not
            // block the entry's other changes, nor an exported file's comparison.
            var desired = new WidgetChanges
            {
                Name = string.Equals(entry.Name, current.Name, StringComparison.Ordinal) ? null : entry.Name,
                Domains = entry.Domains != null && WidgetMerge.SameDomains(current.Domains ?? Array.Empty<string>(), entry.Domains) ? null : entry.Domains,
                Mode = entry.Mode,
                Region = entry.Region,
                ClearanceLevel = entry.ClearanceLevel,
                BotFightMode = entry.BotFightMode,
                EphemeralId = entry.EphemeralId,
                Offlabel = entry.Offlabel,
            };
            WidgetMergeResult merge;
            try
            {
                merge = WidgetMerge.Merge(current, desired);
            }
            catch (RegionChangeRefusedException)
            {
                string currentRegion = WidgetMerge.WireValue(current, "region");
                problems.Add(new PlanProblem(PlanProblemKind.RegionChange, entry, current.Sitekey,
                    $"{entry.Location}: widget '{current.Name}' ({current.Sitekey}) is in region '{currentRegion}' and cannot move to '{entry.Region}': " +
                    "a widget's region is fixed when it is created, so nothing is written for this entry. Put the entry's Region back to " +
                    $"'{currentRegion}', or create a new widget (an entry without Sitekey and with another Name)."));
                return null;
            }
            catch (TurnstileValidationException e)
            {
                problems.Add(new PlanProblem(PlanProblemKind.InvalidEntry, entry, current.Sitekey, $"{entry.Location}: {e.Message}"));
                return null;
            }

            if (!merge.HasChanges)
            {
                return null;
            }

            return new WidgetChange(WidgetChangeAction.Update, merge.Definition.Name, current.Sitekey, entry, merge.PropertyChanges, merge.Definition);
        }
    }
}
