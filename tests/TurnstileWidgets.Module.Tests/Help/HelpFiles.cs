using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TurnstileWidgets.Module.Tests.Help
{
    /// <summary>Where the help markdown and the built cmdlet assembly are, read once per test run.</summary>
    internal static class HelpFiles
    {
        internal const string AboutTopicName = "about_TurnstileWidgets";

        private static readonly Lazy<IReadOnlyList<CmdletInfo>> CmdletsValue = new(() => CmdletMetadata.Read(CmdletMetadata.DefaultAssemblyPath));
        private static readonly Dictionary<string, HelpMarkdown> Documents = new(StringComparer.Ordinal);

        internal static string RepositoryRoot => Packaging.RepositoryLayout.Root;

        internal static string HelpDirectory => Path.Combine(RepositoryRoot, "en-US");

        internal static IReadOnlyList<CmdletInfo> Cmdlets => CmdletsValue.Value;

        /// <summary>The base names of the command help files (every en-US/*.md).</summary>
        internal static IReadOnlyList<string> MarkdownCommandNames =>
            Directory.Exists(HelpDirectory)
                ? Directory.GetFiles(HelpDirectory, "*.md").Select(f => Path.GetFileNameWithoutExtension(f)!).OrderBy(n => n, StringComparer.Ordinal).ToList()
                : Array.Empty<string>();

        internal static string RelativePath(string commandName) => "en-US/" + commandName + ".md";

        internal static string MarkdownPath(string commandName) => Path.Combine(HelpDirectory, commandName + ".md");

        internal static HelpMarkdown? LoadMarkdown(string commandName)
        {
            lock (Documents)
            {
                if (!Documents.TryGetValue(commandName, out var document))
                {
                    var path = MarkdownPath(commandName);
                    if (!File.Exists(path))
                    {
                        return null;
                    }

                    document = HelpMarkdown.Load(path);
                    Documents.Add(commandName, document);
                }

                return document;
            }
        }

        internal static CmdletInfo? FindCmdlet(string commandName) =>
            Cmdlets.FirstOrDefault(c => string.Equals(c.Name, commandName, StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// Theory data: every cmdlet in the assembly and every markdown file, so a cmdlet without help and
        /// help without a cmdlet both show up as failing cases rather than as missing ones.
        /// </summary>
        public static TheoryData<string> CommandNames()
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var name in MarkdownCommandNames)
            {
                names.Add(name);
            }

            try
            {
                foreach (var cmdlet in Cmdlets)
                {
                    names.Add(cmdlet.Name);
                }
            }
            catch (FileNotFoundException)
            {
                // Reported by EveryCmdletHasExactlyOneMarkdownFile; the markdown files still get checked.
            }

            var data = new TheoryData<string>();
            foreach (var name in names)
            {
                data.Add(name);
            }

            return data;
        }
    }
}
