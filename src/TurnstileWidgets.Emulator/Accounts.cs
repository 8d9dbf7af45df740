using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// The accounts one emulator serves (--account-id given once or more). Each account has its own widgets and its own
    /// request counters; the one token and the one key act on every account, as a Cloudflare token scoped to several
    /// accounts does. The first account is the default the control endpoints act on when no account is named.
    /// </summary>
    internal sealed class Accounts : IDisposable
    {
        private readonly Dictionary<string, WidgetStore> stores = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, EmulatorStats> stats = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<StateFile> stateFiles = new();

        /// <summary>Opens each account's state file (and so takes ownership of it); refuses with the first that cannot be used.</summary>
        /// <exception cref="EmulatorStartupException">A state file cannot be used; none stays owned.</exception>
        public Accounts(IReadOnlyList<string> accountIds, TimeProvider clock, string? dataFile)
        {
            Ids = accountIds;
            try
            {
                for (int i = 0; i < accountIds.Count; i++)
                {
                    string id = accountIds[i];
                    string? file = dataFile is null ? null : i == 0 ? dataFile : DataFileFor(dataFile, id);
                    StateFile? stateFile = file is null ? null : new StateFile(file);
                    stores.Add(id, new WidgetStore(clock, stateFile));
                    if (stateFile is not null)
                    {
                        stateFiles.Add(stateFile);
                    }

                    stats.Add(id, new EmulatorStats());
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Every account served, in the order given; the first is the default.</summary>
        public IReadOnlyList<string> Ids { get; }

        public string DefaultId => Ids[0];

        public WidgetStore Default => stores[DefaultId];

        public int TotalCount => stores.Values.Sum(store => store.Count);

        /// <summary>The account's widgets, or null when the emulator does not serve it.</summary>
        public WidgetStore? Store(string? accountId) =>
            accountId is not null && stores.TryGetValue(accountId, out WidgetStore? store) ? store : null;

        /// <summary>The account's request counters, or null when the emulator does not serve it.</summary>
        public EmulatorStats? Stats(string? accountId) =>
            accountId is not null && this.stats.TryGetValue(accountId, out EmulatorStats? stats) ? stats : null;

        public IEnumerable<WidgetStore> AllStores => stores.Values;

        public IEnumerable<EmulatorStats> AllStats => stats.Values;

        /// <summary>Gives up every state file, so another emulator may use them; call once requests no longer arrive.</summary>
        public void Dispose()
        {
            foreach (StateFile stateFile in stateFiles)
            {
                stateFile.Dispose();
            }
        }

        /// <summary>
        /// Where an account other than the first keeps its state: next to the --data file, named after the account, so
        /// the first account's file keeps today's format and a one-account emulator reads the files it always did.
        /// </summary>
        public static string DataFileFor(string dataFile, string accountId)
        {
            string full = Path.GetFullPath(dataFile);
            string directory = Path.GetDirectoryName(full) ?? ".";
            return Path.Combine(directory, Path.GetFileNameWithoutExtension(full) + "." + accountId.ToLowerInvariant() + Path.GetExtension(full));
        }

        /// <summary>
        /// Counts, per account, the widget requests that got past the gate's injected faults, by operation and by the
        /// status the operation answered. Runs after the gate, so the path is already normalised.
        /// </summary>
        public async Task CountAsync(HttpContext context, RequestDelegate next)
        {
            EmulatorStats? stats = null;
            if (context.Request.Path.StartsWithSegments(ApiGate.ApiPrefix, StringComparison.OrdinalIgnoreCase, out PathString rest))
            {
                string[] segments = (rest.Value ?? "").Trim('/').Split('/');
                if (segments.Length >= 2 && string.Equals(segments[0], "accounts", StringComparison.OrdinalIgnoreCase))
                {
                    stats = Stats(segments[1]);
                    stats?.CountRequest(ApiGate.Classify(context.Request.Method, rest.Value ?? ""));
                }
            }

            await next(context).ConfigureAwait(false);
            if (stats is not null && !context.RequestAborted.IsCancellationRequested)
            {
                stats.CountStatus(context.Response.StatusCode);
            }
        }
    }
}
