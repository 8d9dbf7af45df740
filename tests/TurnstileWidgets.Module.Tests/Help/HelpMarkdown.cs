using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TurnstileWidgets.Module.Tests.Help
{
    /// <summary>
    /// A platyPS (schema 2.0.0) command help file, split the way platyPS reads it: YAML front matter,
    /// the <c># Name</c> title, level-2 sections, their level-3 subsections and fenced code blocks.
    /// Headings inside code fences are code, not structure.
    /// </summary>
    internal sealed class HelpMarkdown
    {
        private HelpMarkdown(string path)
        {
            Path = path;
        }

        internal string Path { get; }

        internal string FileName => System.IO.Path.GetFileName(Path);

        /// <summary>Front matter keys in file order, with their values (trimmed; empty when none).</summary>
        internal List<KeyValuePair<string, string>> FrontMatter { get; } = new();

        internal bool HasFrontMatter { get; private set; }

        /// <summary>The text of the single <c># </c> heading, or null.</summary>
        internal string? Title { get; private set; }

        internal List<string> Titles { get; } = new();

        internal List<MarkdownSection> Sections { get; } = new();

        internal MarkdownSection? Section(string title) =>
            Sections.FirstOrDefault(s => string.Equals(s.Title, title, StringComparison.Ordinal));

        internal static HelpMarkdown Load(string path) => Parse(path, File.ReadAllLines(path));

        internal static HelpMarkdown Parse(string path, IReadOnlyList<string> lines)
        {
            var document = new HelpMarkdown(path);
            var index = 0;

            if (lines.Count > 0 && lines[0].TrimEnd() == "---")
            {
                index = 1;
                while (index < lines.Count && lines[index].TrimEnd() != "---")
                {
                    var line = lines[index];
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        document.FrontMatter.Add(new(line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim()));
                    }

                    index++;
                }

                document.HasFrontMatter = index < lines.Count;
                index++;
            }

            MarkdownSection? section = null;
            MarkdownSubsection? subsection = null;
            CodeBlock? fence = null;
            var fenceLines = new List<string>();

            for (; index < lines.Count; index++)
            {
                var line = lines[index];
                if (fence is not null)
                {
                    if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                    {
                        var block = fence with { Text = string.Join("\n", fenceLines), Lines = fenceLines.ToList() };
                        (subsection?.CodeBlocks ?? section?.CodeBlocks)?.Add(block);
                        fence = null;
                        fenceLines.Clear();
                    }
                    else
                    {
                        fenceLines.Add(line);
                    }

                    continue;
                }

                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    fence = new CodeBlock(line.Trim().Substring(3).Trim(), "", new List<string>(), index + 1);
                    continue;
                }

                if (line.StartsWith("# ", StringComparison.Ordinal))
                {
                    document.Titles.Add(line.Substring(2).Trim());
                    document.Title ??= line.Substring(2).Trim();
                    section = null;
                    subsection = null;
                }
                else if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    section = new MarkdownSection(line.Substring(3).Trim(), index + 1);
                    document.Sections.Add(section);
                    subsection = null;
                }
                else if (line.StartsWith("### ", StringComparison.Ordinal) && section is not null)
                {
                    subsection = new MarkdownSubsection(line.Substring(4).Trim(), index + 1);
                    section.Subsections.Add(subsection);
                }
                else
                {
                    (subsection?.Text ?? section?.Text)?.Add(line);
                }
            }

            if (fence is not null)
            {
                document.UnclosedFenceLine = fence.LineNumber;
            }

            return document;
        }

        /// <summary>The line of a code fence that never closes, or null.</summary>
        internal int? UnclosedFenceLine { get; private set; }
    }

    internal sealed class MarkdownSection
    {
        internal MarkdownSection(string title, int lineNumber)
        {
            Title = title;
            LineNumber = lineNumber;
        }

        internal string Title { get; }

        internal int LineNumber { get; }

        /// <summary>Lines before the first subsection, outside code fences.</summary>
        internal List<string> Text { get; } = new();

        /// <summary>Code blocks before the first subsection.</summary>
        internal List<CodeBlock> CodeBlocks { get; } = new();

        internal List<MarkdownSubsection> Subsections { get; } = new();

        internal bool HasText => Text.Any(l => l.Trim().Length > 0);
    }

    internal sealed class MarkdownSubsection
    {
        internal MarkdownSubsection(string title, int lineNumber)
        {
            Title = title;
            LineNumber = lineNumber;
        }

        internal string Title { get; }

        internal int LineNumber { get; }

        internal List<string> Text { get; } = new();

        internal List<CodeBlock> CodeBlocks { get; } = new();

        internal bool HasText => Text.Any(l => l.Trim().Length > 0);
    }

    internal sealed record CodeBlock(string Language, string Text, List<string> Lines, int LineNumber)
    {
        /// <summary>
        /// Reads a platyPS parameter metadata block: <c>Key: value</c> lines, blank lines ignored.
        /// Keys compare case-insensitively (platyPS writes both "Parameter Sets" and "Parameter sets").
        /// </summary>
        internal Dictionary<string, string> ReadYaml()
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in Lines)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    values[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
                }
            }

            return values;
        }
    }
}
