using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace TurnstileWidgets.Module.Tests.Help
{
    /// <summary>
    /// Checks en-US/*.md against the platyPS 2.0.0 schema (so that New-ExternalHelp accepts them) and
    /// against the cmdlets as the built assembly declares them (so that the help tells the truth).
    /// </summary>
    public class CommandHelpTests
    {
        private static readonly string[] SchemaSections =
        {
            "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
        };

        private static readonly string[] YamlKeys =
        {
            "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters",
        };

        [Fact]
        public void EveryCmdletHasExactlyOneMarkdownFileAndNoneExtra()
        {
            var assemblyPath = CmdletMetadata.DefaultAssemblyPath;
            var cmdlets = HelpFiles.Cmdlets;
            Assert.True(
                cmdlets.Count > 0,
                $"No class with a [Cmdlet] attribute was found in '{assemblyPath}'; the help cannot be checked against the cmdlets.");

            var duplicates = cmdlets.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var documented = HelpFiles.MarkdownCommandNames;
            var missing = cmdlets.Select(c => c.Name).Where(n => !documented.Contains(n, StringComparer.Ordinal)).ToList();
            var extra = documented.Where(n => !cmdlets.Any(c => c.Name == n)).ToList();

            var problems = new List<string>();
            problems.AddRange(missing.Select(n => $"{HelpFiles.RelativePath(n)} is missing: the cmdlet {n} has no help file (the name must match the cmdlet's exactly)."));
            problems.AddRange(extra.Select(n => $"{HelpFiles.RelativePath(n)} documents no cmdlet of the assembly: remove it or fix its name."));
            problems.AddRange(duplicates.Select(n => $"The assembly declares the cmdlet {n} more than once."));
            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void FrontMatterAndTitleFollowTheSchema(string commandName)
        {
            var (document, file) = Load(commandName);
            var problems = new List<string>();

            if (!document.HasFrontMatter)
            {
                problems.Add($"{file}: the file must start with YAML front matter between two '---' lines.");
            }

            var expected = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["external help file"] = "TurnstileWidgets.dll-Help.xml",
                ["Module Name"] = "TurnstileWidgets",
                ["online version"] = null,
                ["schema"] = "2.0.0",
            };
            foreach (var (key, value) in expected)
            {
                var entries = document.FrontMatter.Where(e => e.Key == key).ToList();
                if (entries.Count != 1)
                {
                    problems.Add($"{file}: front matter must have the key '{key}' exactly once (found {entries.Count}).");
                }
                else if (value is not null && entries[0].Value != value)
                {
                    problems.Add($"{file}: front matter '{key}' is '{entries[0].Value}', expected '{value}'.");
                }
            }

            if (document.Titles.Count != 1 || document.Title != commandName)
            {
                problems.Add($"{file}: expected exactly one '# {commandName}' title, found: {Quote(document.Titles)}.");
            }

            if (document.UnclosedFenceLine is { } line)
            {
                problems.Add($"{file}: the code fence opened on line {line} is never closed.");
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void SectionsAppearInTheSchemaOrder(string commandName)
        {
            var (document, file) = Load(commandName);
            var problems = new List<string>();
            var titles = document.Sections.Select(s => s.Title).ToList();

            if (!titles.SequenceEqual(SchemaSections, StringComparer.Ordinal))
            {
                problems.Add($"{file}: the '## ' sections are {Quote(titles)}; expected exactly {Quote(SchemaSections)} in that order.");
            }

            foreach (var name in new[] { "SYNOPSIS", "DESCRIPTION" })
            {
                var section = document.Section(name);
                if (section is not null && !section.HasText)
                {
                    problems.Add($"{file}: ## {name} (line {section.LineNumber}) is empty.");
                }
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void SyntaxShowsEveryParameterSet(string commandName)
        {
            var (document, file) = Load(commandName);
            var cmdlet = RequireCmdlet(commandName, file);
            var syntax = RequireSection(document, "SYNTAX", file);
            var problems = new List<string>();
            var sets = cmdlet.ParameterSetNames;

            var blocks = new List<(string SetName, CodeBlock? Block, string Where)>();
            if (sets.Count == 0)
            {
                if (syntax.Subsections.Count > 0)
                {
                    problems.Add($"{file}: {commandName} has a single, unnamed parameter set, so ## SYNTAX takes one code block and no '### ' headings (found {Quote(syntax.Subsections.Select(s => s.Title))}).");
                }

                if (syntax.CodeBlocks.Count != 1)
                {
                    problems.Add($"{file}: ## SYNTAX must hold exactly one code block (found {syntax.CodeBlocks.Count}).");
                }

                blocks.Add((CmdletMetadata.AllParameterSets, syntax.CodeBlocks.FirstOrDefault(), "## SYNTAX"));
            }
            else
            {
                var expectedHeadings = sets.Select(s => s == cmdlet.DefaultParameterSetName ? s + " (Default)" : s).ToList();
                var actualHeadings = syntax.Subsections.Select(s => s.Title).ToList();
                foreach (var heading in expectedHeadings.Except(actualHeadings, StringComparer.Ordinal))
                {
                    problems.Add($"{file}: ## SYNTAX lacks '### {heading}' for the parameter set {heading.Replace(" (Default)", "", StringComparison.Ordinal)}.");
                }

                foreach (var heading in actualHeadings.Except(expectedHeadings, StringComparer.Ordinal))
                {
                    problems.Add($"{file}: ## SYNTAX has '### {heading}', which is not a parameter set of {commandName} (sets: {Quote(expectedHeadings)}).");
                }

                foreach (var subsection in syntax.Subsections)
                {
                    var setName = subsection.Title.Replace(" (Default)", "", StringComparison.Ordinal);
                    if (!sets.Contains(setName, StringComparer.Ordinal))
                    {
                        continue;
                    }

                    if (subsection.CodeBlocks.Count != 1)
                    {
                        problems.Add($"{file}: '### {subsection.Title}' in ## SYNTAX must hold exactly one code block (found {subsection.CodeBlocks.Count}).");
                    }

                    blocks.Add((setName, subsection.CodeBlocks.FirstOrDefault(), $"### {subsection.Title}"));
                }
            }

            foreach (var (setName, block, where) in blocks)
            {
                if (block is null)
                {
                    continue;
                }

                var text = Regex.Replace(block.Text, @"\s+", " ").Trim();
                if (block.Language.Length != 0)
                {
                    problems.Add($"{file}: the syntax block under {where} must be a plain ``` fence, not ```{block.Language}.");
                }

                if (!text.StartsWith(commandName + " ", StringComparison.Ordinal) && text != commandName)
                {
                    problems.Add($"{file}: the syntax under {where} must start with '{commandName}'.");
                }

                if (!text.EndsWith("[<CommonParameters>]", StringComparison.Ordinal))
                {
                    problems.Add($"{file}: the syntax under {where} must end with '[<CommonParameters>]'.");
                }

                var inSet = setName == CmdletMetadata.AllParameterSets ? cmdlet.Parameters.ToList() : cmdlet.ParametersIn(setName).ToList();
                foreach (var parameter in inSet)
                {
                    var set = parameter.Sets.FirstOrDefault(s => s.ParameterSetName == setName) ?? parameter.Sets.First(s => s.IsAllSets);
                    var check = SyntaxPattern(parameter.Name, parameter.IsSwitch, set.Mandatory, set.Position);
                    if (!Regex.IsMatch(text, check.Pattern))
                    {
                        problems.Add($"{file}: the syntax under {where} must show parameter -{parameter.Name} as {check.Expected}.");
                    }
                }

                var extras = new List<(string Name, string Shape)>();
                if (cmdlet.SupportsShouldProcess)
                {
                    extras.Add(("WhatIf", "[-WhatIf]"));
                    extras.Add(("Confirm", "[-Confirm]"));
                }

                if (cmdlet.SupportsPaging)
                {
                    extras.Add(("First", "[-First <UInt64>]"));
                    extras.Add(("Skip", "[-Skip <UInt64>]"));
                    extras.Add(("IncludeTotalCount", "[-IncludeTotalCount]"));
                }

                foreach (var (_, shape) in extras)
                {
                    if (!text.Contains(shape, StringComparison.Ordinal))
                    {
                        problems.Add($"{file}: the syntax under {where} must include '{shape}'.");
                    }
                }

                var known = new HashSet<string>(inSet.Select(p => p.Name).Concat(extras.Select(e => e.Name)), StringComparer.Ordinal);
                foreach (Match match in Regex.Matches(text, @"(?<=[\s\[])-([A-Za-z][A-Za-z0-9]*)"))
                {
                    if (!known.Contains(match.Groups[1].Value))
                    {
                        problems.Add($"{file}: the syntax under {where} shows -{match.Groups[1].Value}, which is not a parameter of {commandName} in that set.");
                    }
                }
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void EveryParameterIsDocumentedAsTheCmdletDeclaresIt(string commandName)
        {
            var (document, file) = Load(commandName);
            var cmdlet = RequireCmdlet(commandName, file);
            var section = RequireSection(document, "PARAMETERS", file);
            var problems = new List<string>();

            var expected = ExpectedParameters(cmdlet);
            var documented = section.Subsections.Where(s => s.Title != "CommonParameters").ToList();

            foreach (var subsection in documented.Where(s => !s.Title.StartsWith("-", StringComparison.Ordinal)))
            {
                problems.Add($"{file}: '### {subsection.Title}' in ## PARAMETERS must be '### -ParameterName' or '### CommonParameters'.");
            }

            var documentedNames = documented.Select(s => s.Title.TrimStart('-')).ToList();
            foreach (var name in expected.Select(p => p.Name).Except(documentedNames, StringComparer.Ordinal))
            {
                problems.Add($"{file}: parameter -{name} is not documented: add a '### -{name}' section with a yaml block to ## PARAMETERS.");
            }

            foreach (var name in documentedNames.Where(n => !expected.Any(p => p.Name == n)))
            {
                problems.Add($"{file}: '### -{name}' documents a parameter that {commandName} does not have.");
            }

            foreach (var name in documentedNames.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                problems.Add($"{file}: parameter -{name} is documented more than once.");
            }

            var common = section.Subsections.Where(s => s.Title == "CommonParameters").ToList();
            if (common.Count != 1 || section.Subsections.Last().Title != "CommonParameters")
            {
                problems.Add($"{file}: ## PARAMETERS must end with one '### CommonParameters' section.");
            }
            else if (!string.Join(" ", common[0].Text).Contains("about_CommonParameters", StringComparison.Ordinal))
            {
                problems.Add($"{file}: '### CommonParameters' must hold the standard text that links about_CommonParameters.");
            }

            foreach (var subsection in documented)
            {
                var parameter = expected.FirstOrDefault(p => p.Name == subsection.Title.TrimStart('-'));
                if (parameter is not null)
                {
                    CheckParameter(file, cmdlet, parameter, subsection, problems);
                }
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void ExamplesShowTheCmdletIncludingAPipeline(string commandName)
        {
            var (document, file) = Load(commandName);
            var section = RequireSection(document, "EXAMPLES", file);
            var problems = new List<string>();
            var examples = section.Subsections;

            if (examples.Count < 2)
            {
                problems.Add($"{file}: ## EXAMPLES has {examples.Count} example(s); at least two are required.");
            }

            var number = 0;
            foreach (var example in examples)
            {
                number++;
                var match = Regex.Match(example.Title, @"^Example (\d+): \S.*$");
                if (!match.Success)
                {
                    problems.Add($"{file}: example heading '### {example.Title}' must read '### Example {number}: <title>'.");
                }
                else if (match.Groups[1].Value != number.ToString(CultureInfo.InvariantCulture))
                {
                    problems.Add($"{file}: example heading '### {example.Title}' is numbered {match.Groups[1].Value}; expected {number}.");
                }

                var code = example.CodeBlocks.Where(b => b.Language == "powershell").ToList();
                if (code.Count == 0)
                {
                    problems.Add($"{file}: '### {example.Title}' has no ```powershell code block.");
                }
                else if (!code.Any(b => b.Text.Contains(commandName, StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add($"{file}: '### {example.Title}' does not use {commandName}.");
                }

                if (example.CodeBlocks.Any(b => b.Language != "powershell"))
                {
                    problems.Add($"{file}: '### {example.Title}' has a code block that is not ```powershell.");
                }

                if (!example.HasText)
                {
                    problems.Add($"{file}: '### {example.Title}' needs a paragraph that explains it.");
                }
            }

            if (!examples.SelectMany(e => e.CodeBlocks).Any(b => b.Language == "powershell" && b.Text.Contains('|', StringComparison.Ordinal)))
            {
                problems.Add($"{file}: no example uses a pipeline; at least one example must contain '|'.");
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void InputsAndOutputsNameTheTypes(string commandName)
        {
            var (document, file) = Load(commandName);
            var cmdlet = RequireCmdlet(commandName, file);
            var inputs = RequireSection(document, "INPUTS", file);
            var outputs = RequireSection(document, "OUTPUTS", file);
            var problems = new List<string>();

            if (inputs.Subsections.Count == 0)
            {
                problems.Add($"{file}: ## INPUTS needs a '### <type>' heading (### None when nothing can be piped).");
            }

            if (outputs.Subsections.Count == 0)
            {
                problems.Add($"{file}: ## OUTPUTS needs a '### <type>' heading (### None when the cmdlet writes nothing).");
            }

            var inputTitles = inputs.Subsections.Select(s => s.Title).ToList();
            foreach (var parameter in cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ValueFromPipeline)))
            {
                var full = parameter.TypeFullName;
                var element = full.EndsWith("[]", StringComparison.Ordinal) ? full.Substring(0, full.Length - 2) : full;
                if (!inputTitles.Contains(full, StringComparer.Ordinal) && !inputTitles.Contains(element, StringComparer.Ordinal))
                {
                    problems.Add($"{file}: parameter -{parameter.Name} takes pipeline input by value, so ## INPUTS must list '### {full}'.");
                }
            }

            if (inputTitles.Contains("None", StringComparer.Ordinal) && cmdlet.Parameters.Any(p => p.Sets.Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName)))
            {
                problems.Add($"{file}: ## INPUTS says None, but {commandName} accepts pipeline input.");
            }

            var outputTitles = outputs.Subsections.Select(s => s.Title).ToList();
            foreach (var type in cmdlet.OutputTypes.Where(t => t != "System.Void"))
            {
                if (!outputTitles.Contains(type, StringComparer.Ordinal))
                {
                    problems.Add($"{file}: {commandName} declares [OutputType({type})], so ## OUTPUTS must list '### {type}'.");
                }
            }

            Report(problems);
        }

        [Theory]
        [MemberData(nameof(HelpFiles.CommandNames), MemberType = typeof(HelpFiles))]
        public void RelatedLinksPointAtExistingHelp(string commandName)
        {
            var (document, file) = Load(commandName);
            var section = RequireSection(document, "RELATED LINKS", file);
            var problems = new List<string>();
            var links = Regex.Matches(string.Join("\n", section.Text), @"\[([^\]]+)\]\(([^)]*)\)").Cast<Match>().ToList();

            if (links.Count == 0)
            {
                problems.Add($"{file}: ## RELATED LINKS has no [name](url) link.");
            }

            if (!links.Any(l => l.Groups[1].Value == HelpFiles.AboutTopicName))
            {
                problems.Add($"{file}: ## RELATED LINKS must link {HelpFiles.AboutTopicName}.");
            }

            foreach (var link in links)
            {
                var target = link.Groups[2].Value;
                if (target.EndsWith(".md", StringComparison.Ordinal) && !File.Exists(Path.Combine(HelpFiles.HelpDirectory, target)))
                {
                    problems.Add($"{file}: the related link to '{target}' names no file in en-US/.");
                }

                if (link.Groups[1].Value == commandName)
                {
                    problems.Add($"{file}: ## RELATED LINKS links the cmdlet to itself.");
                }
            }

            Report(problems);
        }

        private static void CheckParameter(string file, CmdletInfo cmdlet, CmdletParameterInfo parameter, MarkdownSubsection subsection, List<string> problems)
        {
            var where = $"{file}, parameter -{parameter.Name}";
            if (!subsection.HasText)
            {
                problems.Add($"{where}: needs a description above its yaml block.");
            }

            var blocks = subsection.CodeBlocks;
            if (blocks.Count == 0)
            {
                problems.Add($"{where}: has no ```yaml block.");
                return;
            }

            if (blocks.Any(b => b.Language != "yaml"))
            {
                problems.Add($"{where}: every code block of a parameter must be ```yaml.");
            }

            var cmdletSets = cmdlet.ParameterSetNames;
            var parameterSets = ConcreteSets(cmdlet, parameter);
            var covered = new HashSet<string>(StringComparer.Ordinal);

            foreach (var block in blocks.Where(b => b.Language == "yaml"))
            {
                var yaml = block.ReadYaml();
                var at = $"{where} (yaml block on line {block.LineNumber})";
                foreach (var key in YamlKeys.Where(k => !yaml.ContainsKey(k)))
                {
                    problems.Add($"{at}: lacks the key '{key}'.");
                }

                if (yaml.TryGetValue("Type", out var type) && type != parameter.TypeName)
                {
                    problems.Add($"{at}: Type is '{type}', but the parameter's type is '{parameter.TypeName}'.");
                }

                if (yaml.TryGetValue("Aliases", out var aliases))
                {
                    var documentedAliases = SplitList(aliases);
                    if (!SameSet(documentedAliases, parameter.Aliases))
                    {
                        problems.Add($"{at}: Aliases is '{aliases}', but the parameter's aliases are '{string.Join(", ", parameter.Aliases)}'.");
                    }
                }

                yaml.TryGetValue("Accepted values", out var accepted);
                var documentedValues = SplitList(accepted ?? "");
                if (parameter.ValidateSet is { } validValues)
                {
                    if (!SameSet(documentedValues, validValues))
                    {
                        problems.Add($"{at}: Accepted values is '{accepted}', but [ValidateSet] allows '{string.Join(", ", validValues)}'.");
                    }
                }
                else if (documentedValues.Count > 0)
                {
                    problems.Add($"{at}: Accepted values is '{accepted}', but the parameter has no [ValidateSet].");
                }

                if (yaml.TryGetValue("Accept wildcard characters", out var wildcards) && !BoolIs(wildcards, parameter.SupportsWildcards))
                {
                    problems.Add($"{at}: Accept wildcard characters is '{wildcards}', expected '{parameter.SupportsWildcards}' ([SupportsWildcards] {(parameter.SupportsWildcards ? "is" : "is not")} declared).");
                }

                if (!yaml.TryGetValue("Parameter Sets", out var setsText))
                {
                    continue;
                }

                var listed = SplitList(setsText);
                IEnumerable<string> blockSets;
                if (listed.Count == 1 && listed[0] == "(All)")
                {
                    var inAll = parameter.Sets.Any(s => s.IsAllSets) || cmdletSets.All(s => parameter.Sets.Any(p => p.ParameterSetName == s));
                    if (!inAll)
                    {
                        problems.Add($"{at}: Parameter Sets is '(All)', but the parameter is only in {string.Join(", ", parameterSets)}.");
                        continue;
                    }

                    blockSets = parameterSets;
                }
                else
                {
                    blockSets = listed;
                }

                foreach (var setName in blockSets)
                {
                    var set = parameter.Sets.FirstOrDefault(s => s.ParameterSetName == setName)
                        ?? (cmdletSets.Contains(setName, StringComparer.Ordinal) || setName == CmdletMetadata.AllParameterSets ? parameter.Sets.FirstOrDefault(s => s.IsAllSets) : null);
                    if (set is null)
                    {
                        problems.Add($"{at}: Parameter Sets names '{setName}', but the parameter is only in {string.Join(", ", parameterSets)}.");
                        continue;
                    }

                    covered.Add(setName);
                    var inSet = $"{at}, set {(setName == CmdletMetadata.AllParameterSets ? "(All)" : setName)}";

                    if (yaml.TryGetValue("Required", out var required) && !BoolIs(required, set.Mandatory))
                    {
                        problems.Add($"{inSet}: Required is '{required}', but Mandatory is {set.Mandatory}.");
                    }

                    var position = set.Position?.ToString(CultureInfo.InvariantCulture) ?? "Named";
                    if (yaml.TryGetValue("Position", out var documentedPosition) && !string.Equals(documentedPosition, position, StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add($"{inSet}: Position is '{documentedPosition}', but the cmdlet declares '{position}'.");
                    }

                    if (yaml.TryGetValue("Accept pipeline input", out var pipeline))
                    {
                        var expectedPipeline = PipelineText(set);
                        if (!SamePipeline(pipeline, set))
                        {
                            problems.Add($"{inSet}: Accept pipeline input is '{pipeline}', but the cmdlet declares '{expectedPipeline}'.");
                        }
                    }
                }
            }

            foreach (var setName in parameterSets.Where(s => !covered.Contains(s)))
            {
                problems.Add($"{where}: no yaml block covers its parameter set '{(setName == CmdletMetadata.AllParameterSets ? "(All)" : setName)}'.");
            }
        }

        /// <summary>The named sets a parameter is in, or the implicit set for a cmdlet without named sets.</summary>
        private static IReadOnlyList<string> ConcreteSets(CmdletInfo cmdlet, CmdletParameterInfo parameter)
        {
            var cmdletSets = cmdlet.ParameterSetNames;
            if (cmdletSets.Count == 0)
            {
                return new[] { CmdletMetadata.AllParameterSets };
            }

            return parameter.Sets.Any(s => s.IsAllSets)
                ? cmdletSets
                : cmdletSets.Where(s => parameter.Sets.Any(p => p.ParameterSetName == s)).ToList();
        }

        /// <summary>The assembly's parameters plus those PowerShell adds: -WhatIf/-Confirm and the paging parameters.</summary>
        private static List<CmdletParameterInfo> ExpectedParameters(CmdletInfo cmdlet)
        {
            var all = new[] { new ParameterSetInfo(CmdletMetadata.AllParameterSets, false, null, false, false) };
            const string Switch = "System.Management.Automation.SwitchParameter";
            var parameters = cmdlet.Parameters.ToList();
            if (cmdlet.SupportsShouldProcess)
            {
                parameters.Add(new CmdletParameterInfo("WhatIf", Switch, all, new[] { "wi" }, null, false));
                parameters.Add(new CmdletParameterInfo("Confirm", Switch, all, new[] { "cf" }, null, false));
            }

            if (cmdlet.SupportsPaging)
            {
                parameters.Add(new CmdletParameterInfo("First", "System.UInt64", all, Array.Empty<string>(), null, false));
                parameters.Add(new CmdletParameterInfo("Skip", "System.UInt64", all, Array.Empty<string>(), null, false));
                parameters.Add(new CmdletParameterInfo("IncludeTotalCount", Switch, all, Array.Empty<string>(), null, false));
            }

            return parameters;
        }

        private static (string Pattern, string Expected) SyntaxPattern(string name, bool isSwitch, bool mandatory, int? position)
        {
            var n = Regex.Escape(name);
            if (position is not null && !isSwitch)
            {
                return mandatory
                    ? ($@"(?<!\[)\[-{n}\] <", $"'[-{name}] <Type>' (mandatory, positional)")
                    : ($@"\[\[-{n}\] <", $"'[[-{name}] <Type>]' (optional, positional)");
            }

            if (mandatory)
            {
                return ($@"(?<![\[\w-])-{n}(?= <| |$)", $"'-{name}{(isSwitch ? "" : " <Type>")}' without brackets (mandatory)");
            }

            return isSwitch
                ? ($@"\[-{n}\]", $"'[-{name}]' (optional switch)")
                : ($@"\[-{n} <[^>]+>\]", $"'[-{name} <Type>]' (optional)");
        }

        private static string PipelineText(ParameterSetInfo set)
        {
            var kinds = new List<string>();
            if (set.ValueFromPipelineByPropertyName)
            {
                kinds.Add("ByPropertyName");
            }

            if (set.ValueFromPipeline)
            {
                kinds.Add("ByValue");
            }

            return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
        }

        private static bool SamePipeline(string documented, ParameterSetInfo set)
        {
            var match = Regex.Match(documented, @"^(True|False)\s*(?:\(([^)]*)\))?$", RegexOptions.IgnoreCase);
            if (!match.Success)
            {
                return false;
            }

            var accepts = string.Equals(match.Groups[1].Value, "True", StringComparison.OrdinalIgnoreCase);
            var kinds = SplitList(match.Groups[2].Value);
            return accepts == (set.ValueFromPipeline || set.ValueFromPipelineByPropertyName)
                && kinds.Contains("ByValue") == set.ValueFromPipeline
                && kinds.Contains("ByPropertyName") == set.ValueFromPipelineByPropertyName
                && kinds.All(k => k is "ByValue" or "ByPropertyName");
        }

        private static bool BoolIs(string text, bool value) =>
            string.Equals(text, value ? "True" : "False", StringComparison.OrdinalIgnoreCase);

        private static List<string> SplitList(string text) =>
            text.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

        private static bool SameSet(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b) =>
            a.Count == b.Count && new HashSet<string>(a, StringComparer.Ordinal).SetEquals(b);

        private static string Quote(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => "'" + i + "'")) + "]";

        private static (HelpMarkdown Document, string File) Load(string commandName)
        {
            var file = HelpFiles.RelativePath(commandName);
            var document = HelpFiles.LoadMarkdown(commandName);
            Assert.True(document is not null, $"{file} is missing: the cmdlet {commandName} has no help file.");
            return (document!, file);
        }

        private static CmdletInfo RequireCmdlet(string commandName, string file)
        {
            var cmdlet = HelpFiles.FindCmdlet(commandName);
            Assert.True(
                cmdlet is not null,
                $"{file} documents {commandName}, but no class in '{CmdletMetadata.DefaultAssemblyPath}' declares [Cmdlet] for it.");
            return cmdlet!;
        }

        private static MarkdownSection RequireSection(HelpMarkdown document, string title, string file)
        {
            var section = document.Section(title);
            Assert.True(section is not null, $"{file}: the '## {title}' section is missing.");
            return section!;
        }

        private static void Report(List<string> problems)
        {
            if (problems.Count > 0)
            {
                Assert.Fail($"{problems.Count} problem(s):\n  " + string.Join("\n  ", problems));
            }
        }
    }
}
