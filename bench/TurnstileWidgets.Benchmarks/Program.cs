using System;
using System.Threading.Tasks;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>
    /// Entry point. The harness re-invokes its own dll with <c>--child ...</c> for the scenarios that need a fresh
    /// process (memory, cold start); that path touches nothing but the child it names, so a raw-HttpClient child
    /// never loads the engine.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--child")
            {
                return await Children.RunAsync(args).ConfigureAwait(false);
            }
            return await HarnessEntry.RunAsync(args).ConfigureAwait(false);
        }
    }

    internal static class HarnessEntry
    {
        internal static async Task<int> RunAsync(string[] args)
        {
            BenchOptions options;
            try
            {
                options = BenchOptions.Parse(args);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                Console.Error.WriteLine("Run with --help for usage.");
                return 2;
            }
            if (options.ShowHelp)
            {
                Console.WriteLine(BenchOptions.Usage);
                return 0;
            }
            var harness = new Harness(options);
            return await harness.RunAsync().ConfigureAwait(false);
        }
    }
}
