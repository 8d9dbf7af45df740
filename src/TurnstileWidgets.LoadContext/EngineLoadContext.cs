using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace TurnstileWidgets.LoadContext
{
    /// <summary>
    /// Holds the engine and its third-party dependencies apart from every other module's, so a
    /// session that has already loaded another System.Text.Json or Microsoft.Extensions.* (Az and
    /// Microsoft.Graph do) neither breaks this module nor is broken by it.
    /// </summary>
    public sealed class EngineLoadContext : AssemblyLoadContext
    {
        /// <summary>The one assembly the cmdlets reference; everything else it needs follows it in.</summary>
        public const string EngineAssemblyName = "TurnstileWidgets.Engine";

        private static readonly object InstallLock = new object();
        private static EngineLoadContext? installed;
        private static Func<AssemblyLoadContext, AssemblyName, Assembly?>? resolvingHandler;

        private readonly string dependencyDirectory;

        /// <summary>Creates a context that loads from <paramref name="dependencyDirectory"/>.</summary>
        public EngineLoadContext(string dependencyDirectory)
            : base("TurnstileWidgets.Engine")
        {
            this.dependencyDirectory = dependencyDirectory;
        }

        /// <summary>The folder this context loads from.</summary>
        public string DependencyDirectory => dependencyDirectory;

        /// <summary>
        /// Makes the default context hand requests for the engine to a private context over
        /// <paramref name="dependencyDirectory"/>. Safe to call again: a re-import keeps the first context,
        /// because types already handed out must keep their identity.
        /// </summary>
        /// <returns>The context in use.</returns>
        public static EngineLoadContext Install(string dependencyDirectory)
        {
            lock (InstallLock)
            {
                if (installed is not null)
                {
                    return installed;
                }

                var context = new EngineLoadContext(dependencyDirectory);
                resolvingHandler = (_, name) =>
                    string.Equals(name.Name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
                        ? context.LoadFromAssemblyName(name)
                        : null;
                Default.Resolving += resolvingHandler;
                installed = context;
                return context;
            }
        }

        /// <summary>
        /// Prefers this context's own copy of any assembly in the folder; anything else (the
        /// framework itself) comes from the default context.
        /// </summary>
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is null)
            {
                return null;
            }

            string candidate = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
