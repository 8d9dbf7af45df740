using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Engine.DesiredState;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Parameters;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// Compare-TurnstileWidget and Sync-TurnstileWidget: entries from -Path or the pipeline, the live widgets, the plan.
    /// The plan is made once every entry is in (EndProcessing), because pruning needs the whole file.
    /// </summary>
    public abstract class DesiredStateCmdlet : TurnstileConnectedCmdlet
    {
        /// <summary>The parameter set with a file.</summary>
        protected const string ByPathSet = "ByPath";
        /// <summary>The parameter set with pipeline entries.</summary>
        protected const string ByInputObjectSet = "ByInputObject";

        private readonly List<KeyValuePair<string, object?>[]?> rows = new List<KeyValuePair<string, object?>[]?>();
        private Dictionary<string, Widget> liveBySitekey = new Dictionary<string, Widget>(StringComparer.Ordinal);

        /// <summary>A .json or .psd1 file as Export-TurnstileWidget writes it.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPathSet)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Entries: objects with TurnstileWidget property names (Import-Csv rows, ConvertFrom-Json objects, hashtables).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>Also removes live widgets no entry holds.</summary>
        [Parameter]
        public SwitchParameter Prune { get; set; }

        /// <summary>Collects one pipeline entry.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByInputObjectSet)
            {
                rows.Add(InputObject == null ? null : PropertiesOf(InputObject));
            }
        }

        /// <summary>Reads the entries and the live widgets, and plans; problems become errors, one per entry.</summary>
        internal WidgetPlan MakePlan(TurnstileClient client)
        {
            DesiredEntries entries = ParameterSetName == ByPathSet ? ReadFile(Path!) : DesiredStateFile.Read(rows, "the pipeline");
            IReadOnlyList<Widget> live = Invoke(client, token => WidgetPlanner.ReadLiveAsync(client, token));
            liveBySitekey = new Dictionary<string, Widget>(StringComparer.Ordinal);
            foreach (Widget widget in live)
            {
                liveBySitekey[widget.Sitekey] = widget;
            }

            WidgetPlan plan = WidgetPlanner.Plan(entries.Entries, live, Prune.IsPresent, entries.Invalid);
            foreach (PlanProblem problem in plan.Problems)
            {
                WriteError(DesiredStateErrors.FromProblem(problem));
            }

            return plan;
        }

        /// <summary>"name (sitekey)", or the name alone for a widget not created yet: how every cmdlet names a widget it asks about.</summary>
        internal static string Target(WidgetChange change) => ConfirmationText.Target(change.Name, change.Sitekey);

        /// <summary>The public form of a planned change; an update or removal says how the live widget was deployed and last changed.</summary>
        internal TurnstileWidgetChange ToOutput(WidgetChange change, string accountId)
        {
            Widget? live = change.Sitekey != null && liveBySitekey.TryGetValue(change.Sitekey, out Widget? found) ? found : null;
            return new TurnstileWidgetChange
            {
                Action = change.Action.ToString(),
                Name = change.Name,
                Sitekey = change.Sitekey,
                Changes = change.Changes.Select(c => new TurnstileWidgetPropertyChange { Property = c.Property, Current = c.Current, Desired = c.Desired }).ToArray(),
                AccountId = accountId,
                DeployedVia = string.IsNullOrEmpty(live?.DeployedVia) ? null : live!.DeployedVia,
                LastModifiedVia = string.IsNullOrEmpty(live?.LastModifiedVia) ? null : live!.LastModifiedVia,
            };
        }

        private DesiredEntries ReadFile(string path)
        {
            string full = GetUnresolvedProviderPathFromPSPath(path);
            string source = System.IO.Path.GetFileName(full);
            if (!File.Exists(full))
            {
                ThrowTerminatingError(ErrorMapper.Wrap(
                    new FileNotFoundException($"The desired-state file '{full}' does not exist. Give the path of a .json or .psd1 file written by Export-TurnstileWidget.", full),
                    DesiredStateErrors.FileNotFound, ErrorCategory.ObjectNotFound, path));
            }

            try
            {
                switch (System.IO.Path.GetExtension(full).ToLowerInvariant())
                {
                    case ".json":
                        return DesiredStateFile.ReadJson(File.ReadAllText(full), source);
                    case ".psd1":
                        return DesiredStateFile.Read(ReadPowerShellData(full, source), source);
                    default:
                        ThrowTerminatingError(ErrorMapper.Wrap(
                            new ArgumentException($"'{full}' is neither a .json nor a .psd1 file. Give a file written by Export-TurnstileWidget."),
                            DesiredStateErrors.PathInvalid, ErrorCategory.InvalidArgument, path));
                        return null!;
                }
            }
            catch (TurnstileValidationException e)
            {
                ThrowTerminatingError(ErrorMapper.Wrap(e, DesiredStateErrors.FileInvalid, ErrorCategory.InvalidData, path));
                return null!;
            }
            catch (IOException e)
            {
                ThrowTerminatingError(ErrorMapper.Wrap(e, DesiredStateErrors.FileInvalid, ErrorCategory.ReadError, path));
                return null!;
            }
        }

        /// <summary>
        /// Reads a .psd1 as Import-PowerShellDataFile does: parse it and take the hashtable's value without running any
        /// code (SafeGetValue refuses anything but constants).
        /// </summary>
        private static IEnumerable<KeyValuePair<string, object?>[]?> ReadPowerShellData(string full, string source)
        {
            Ast ast = Parser.ParseFile(full, out _, out ParseError[] errors);
            if (errors.Length > 0)
            {
                throw new TurnstileValidationException("file", $"{source} is not a valid PowerShell data file: {errors[0].Message} (line {errors[0].Extent.StartLineNumber}).");
            }

            var data = ast.Find(a => a is HashtableAst, false) as HashtableAst;
            object? value;
            try
            {
                value = data?.SafeGetValue();
            }
            catch (InvalidOperationException e)
            {
                throw new TurnstileValidationException("file", $"{source} holds more than constant data ({e.Message}).");
            }

            if (!(value is Hashtable table) || !table.ContainsKey("Widgets"))
            {
                throw new TurnstileValidationException("file", $"{source} has no Widgets list. The file must hold @{{ Widgets = @( @{{ Name = ...; Domains = ... }} ) }}, as Export-TurnstileWidget writes it.");
            }

            object? widgets = table["Widgets"];
            IEnumerable items = widgets is IEnumerable list && !(widgets is string) && !(widgets is IDictionary) ? list : new[] { widgets };
            return items.Cast<object?>().Select(item => item is IDictionary entry ? FromDictionary(entry) : null).ToList();
        }

        private static KeyValuePair<string, object?>[] FromDictionary(IDictionary dictionary) =>
            dictionary.Keys.Cast<object>().Select(key => new KeyValuePair<string, object?>(Convert.ToString(key) ?? "", Unwrap(dictionary[key]))).ToArray();

        private static KeyValuePair<string, object?>[]? PropertiesOf(PSObject input)
        {
            if (input.BaseObject is IDictionary dictionary)
            {
                return FromDictionary(dictionary);
            }

            // Import-Csv and ConvertFrom-Json give note properties; a widget from Get-TurnstileWidget gives the entry's
            // properties (its dates, secret and account are not settings); any other object is read by its properties.
            IEnumerable<PSPropertyInfo> properties = input.BaseObject is PSCustomObject
                ? input.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty)
                : input.BaseObject is TurnstileWidget
                    ? input.Properties.Where(p => DesiredWidget.PropertyNames.Contains(p.Name))
                    : input.Properties.Where(p => p.IsGettable);
            return properties.Select(p => new KeyValuePair<string, object?>(p.Name, FlagFromText(p.Name, Unwrap(p.Value)))).ToArray();
        }

        /// <summary>
        /// Text in a yes/no setting (an Import-Csv cell) read with the spellings the cmdlets' CSV booleans accept. Text
        /// that is none of them goes on as it is, for the engine to refuse by entry.
        /// </summary>
        private static object? FlagFromText(string name, object? value)
        {
            if (!(value is string text) || !FlagNames.Contains(name))
            {
                return value;
            }

            // A blank cell stays text: the engine reads blank as "left out" for every property.
            return text.Trim().Length > 0 && CsvBooleanTransformationAttribute.TryParse(text, out bool flag) ? flag : value;
        }

        private static readonly HashSet<string> FlagNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            nameof(TurnstileWidget.BotFightMode), nameof(TurnstileWidget.EphemeralId), nameof(TurnstileWidget.Offlabel),
        };

        private static object? Unwrap(object? value)
        {
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            if (value is IEnumerable list && !(value is string) && !(value is IDictionary))
            {
                return list.Cast<object?>().Select(Unwrap).ToList();
            }

            return value;
        }
    }
}
