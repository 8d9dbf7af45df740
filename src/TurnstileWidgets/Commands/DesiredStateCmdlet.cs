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
        // How each live widget was deployed and last changed, for the plan's output: text only, no engine type in a command type (CmdletSurfaceTests).
        private Dictionary<string, (string? DeployedVia, string? LastModifiedVia)> auditBySitekey = new Dictionary<string, (string? DeployedVia, string? LastModifiedVia)>(StringComparer.Ordinal);

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

        // No field of an engine type in a command type (CmdletSurfaceTests): the engine loads in its own context, so the
        // entries, the live widgets and the plan travel as locals and return values.

        /// <summary>Where the entries came from, for messages: the file's name, or "the pipeline".</summary>
        internal string Source { get; private set; } = "";

        /// <summary>Reads the entries, before anything is sent.</summary>
        internal DesiredEntries ReadEntries()
        {
            Source = ParameterSetName == ByPathSet ? System.IO.Path.GetFileName(Path!) : "the pipeline";
            DesiredEntries entries = ParameterSetName == ByPathSet ? ReadFile(Path!) : DesiredStateFile.Read(rows, "the pipeline");
            foreach (string note in entries.Notes)
            {
                WriteVerboseLine(note);
            }

            return entries;
        }

        /// <summary>Reads the entries (unless given) and the live widgets, and plans; problems become errors, one per entry.</summary>
        internal WidgetPlan MakePlan(Session.SessionConnection connection) => MakePlan(connection, null, out _, out _);

        /// <summary>
        /// As <see cref="MakePlan(Session.SessionConnection)"/>; <paramref name="liveCount"/> is the number of live widgets and
        /// <paramref name="liveReadAt"/> the connection's write-journal position taken before they were read.
        /// </summary>
        internal WidgetPlan MakePlan(Session.SessionConnection connection, DesiredEntries? read, out int liveCount, out long liveReadAt)
        {
            TurnstileClient client = connection.Client;
            DesiredEntries entries = read ?? ReadEntries();
            liveReadAt = connection.Writes.Position;
            // Entries that cannot be read mean nothing is applied, so nothing is listed either.
            IReadOnlyList<Widget> live = entries.Invalid.Count > 0
                ? Array.Empty<Widget>()
                : Invoke(client, token => WidgetPlanner.ReadLiveAsync(client, token));
            liveCount = live.Count;
            auditBySitekey = new Dictionary<string, (string? DeployedVia, string? LastModifiedVia)>(StringComparer.Ordinal);
            foreach (Widget widget in live)
            {
                auditBySitekey[widget.Sitekey] = (widget.DeployedVia, widget.LastModifiedVia);
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
            (string? DeployedVia, string? LastModifiedVia) live = change.Sitekey != null && auditBySitekey.TryGetValue(change.Sitekey, out var found) ? found : default;
            return new TurnstileWidgetChange
            {
                Action = change.Action.ToString(),
                Name = change.Name,
                Sitekey = change.Sitekey,
                Changes = change.Changes.Select(c => new TurnstileWidgetPropertyChange { Property = c.Property, Current = AsOutput(c.Current), Desired = AsOutput(c.Desired) }).ToArray(),
                AccountId = accountId,
                DeployedVia = string.IsNullOrEmpty(live.DeployedVia) ? null : live.DeployedVia,
                LastModifiedVia = string.IsNullOrEmpty(live.LastModifiedVia) ? null : live.LastModifiedVia,
            };
        }

        // A list value (Domains) as a DomainList: a list everywhere, and its ';'-joined domains in an Export-Csv cell, where
        // an array would be written as 'System.String[]'.
        private static object? AsOutput(object? value) =>
            value is IEnumerable<string> list && !(value is string) ? new DomainList(list) : value;

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
            ScriptBlockAst ast = Parser.ParseFile(full, out _, out ParseError[] errors);
            if (errors.Length > 0)
            {
                throw new TurnstileValidationException("file", $"{source} is not a valid PowerShell data file: {errors[0].Message} (line {errors[0].Extent.StartLineNumber}).");
            }

            HashtableAst data = OnlyHashtable(ast, source);
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

            foreach (object key in table.Keys)
            {
                if (!string.Equals(Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture), "Widgets", StringComparison.OrdinalIgnoreCase))
                {
                    throw new TurnstileValidationException("file", $"{source} holds '{key}' beside Widgets. The file holds only @{{ Widgets = @( ... ) }}; remove '{key}'.");
                }
            }

            object? widgets = table["Widgets"];
            IEnumerable items = widgets is IEnumerable list && !(widgets is string) && !(widgets is IDictionary) ? list : new[] { widgets };
            return items.Cast<object?>().Select(item => item is IDictionary entry ? FromDictionary(entry) : null).ToList();
        }

        /// <summary>
        /// The file's one hashtable. Anything else (a command before or after it, a param block, a second statement) is
        /// refused, never skipped: it would not run, but a file that seems to do more than it does is not applied.
        /// </summary>
        private static HashtableAst OnlyHashtable(ScriptBlockAst ast, string source)
        {
            const string Shape = "A desired-state .psd1 holds only one hashtable, @{ Widgets = @( ... ) }, as Export-TurnstileWidget writes it.";
            Ast? extra = ast.ParamBlock ?? (Ast?)ast.DynamicParamBlock ?? ast.BeginBlock ?? (Ast?)ast.ProcessBlock;
            IReadOnlyList<StatementAst> statements = ast.EndBlock?.Statements ?? (IReadOnlyList<StatementAst>)Array.Empty<StatementAst>();
            if (extra == null && statements.Count > 1)
            {
                extra = statements.FirstOrDefault(statement => !IsHashtable(statement)) ?? statements[1];
            }

            if (extra != null)
            {
                string text = extra.Extent.Text.Split('\n')[0].Trim();
                throw new TurnstileValidationException("file", $"{source} line {extra.Extent.StartLineNumber}: '{(text.Length > 60 ? text.Substring(0, 57) + "..." : text)}' is not data. {Shape} Nothing was listed or sent.");
            }

            if (statements.Count == 0 || !IsHashtable(statements[0]))
            {
                throw new TurnstileValidationException("file", $"{source} does not hold a hashtable. {Shape}");
            }

            return (HashtableAst)((CommandExpressionAst)((PipelineAst)statements[0]).PipelineElements[0]).Expression;
        }

        private static bool IsHashtable(StatementAst statement) =>
            statement is PipelineAst pipeline && pipeline.PipelineElements.Count == 1
            && pipeline.PipelineElements[0] is CommandExpressionAst expression && expression.Expression is HashtableAst;

        private static KeyValuePair<string, object?>[] FromDictionary(IDictionary dictionary) =>
            dictionary.Keys.Cast<object>().Select(key => new KeyValuePair<string, object?>(Convert.ToString(key) ?? "", Unwrap(dictionary[key]))).ToArray();

        // What a TurnstileWidget reports but no entry sets (CreatedOn, AccountId, Secret, DeployedVia, ...): read from the
        // type, so a property added to it later is skipped too.
        private static readonly HashSet<string> ReportedWidgetProperties = new HashSet<string>(
            typeof(TurnstileWidget).GetProperties().Select(p => p.Name).Where(name => !DesiredWidget.PropertyNames.Contains(name, StringComparer.OrdinalIgnoreCase)),
            StringComparer.OrdinalIgnoreCase);

        private static KeyValuePair<string, object?>[]? PropertiesOf(PSObject input)
        {
            if (input.BaseObject is IDictionary dictionary)
            {
                return FromDictionary(dictionary);
            }

            // Import-Csv and ConvertFrom-Json give note properties; a widget from Get-TurnstileWidget gives the entry's
            // properties (its dates, secret and account are not settings); any other object is read by its properties.
            // A row of Get-TurnstileWidget | Export-Csv (or ConvertTo-Json, Export-Clixml) carries the widget's reported
            // properties as well: they are skipped like a widget's own; any other unknown column is still refused (a typo).
            IEnumerable<PSPropertyInfo> properties = input.BaseObject is PSCustomObject
                ? input.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty && !ReportedWidgetProperties.Contains(p.Name))
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
