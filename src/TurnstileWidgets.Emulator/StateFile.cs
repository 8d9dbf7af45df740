using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace TurnstileWidgets.Emulator
{
    /// <summary>
    /// The optional durable state (--data). Every change rewrites the whole file atomically: write a temporary file in the
    /// same directory, flush it to disk, then rename it over the old one, so a crash leaves either the old or the new state.
    /// A file that cannot be read or understood stops start-up and is never overwritten.
    /// </summary>
    internal sealed class StateFile
    {
        private const int FormatVersion = 1;

        private readonly Lock _writeLock = new();
        private long _writtenVersion = -1;

        public StateFile(string path)
        {
            FullPath = Path.GetFullPath(path);
        }

        public string FullPath { get; }

        public (IReadOnlyList<Widget> Widgets, long NextSequence) Load()
        {
            string? directory = Path.GetDirectoryName(FullPath);
            if (directory is null || !Directory.Exists(directory))
            {
                throw new EmulatorStartupException(
                    $"The emulator state file '{FullPath}' cannot be created: its folder does not exist. Create the folder or pass another --data path.");
            }

            if (!File.Exists(FullPath))
            {
                return (Array.Empty<Widget>(), 1);
            }

            PersistedState? state;
            try
            {
                using FileStream stream = File.OpenRead(FullPath);
                state = JsonSerializer.Deserialize(stream, EmulatorJsonContext.Wire.PersistedState);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw Refuse(e is JsonException ? "it is not valid JSON (" + e.Message + ")" : "it cannot be read (" + e.Message + ")", e);
            }

            if (state is null || state.Widgets is null)
            {
                throw Refuse("it holds no widget list", null);
            }

            if (state.FormatVersion != FormatVersion)
            {
                throw Refuse($"its format_version is {state.FormatVersion}, this emulator reads {FormatVersion}", null);
            }

            var widgets = new List<Widget>(state.Widgets.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long lastSequence = 0;
            foreach (PersistedWidget? w in state.Widgets)
            {
                string? problem = w is null ? "a widget entry is null"
                    : string.IsNullOrEmpty(w.Sitekey) ? "a widget has no sitekey"
                    : !seen.Add(w.Sitekey) ? $"sitekey {w.Sitekey} appears twice"
                    : string.IsNullOrEmpty(w.Secret) ? $"widget {w.Sitekey} has no secret"
                    : w.Name is null || w.Name.Length is < 1 or > WidgetInput.MaxNameLength ? $"widget {w.Sitekey} has no valid name"
                    : w.Domains is null || w.Domains.Length is < 1 or > WidgetInput.MaxDomains ? $"widget {w.Sitekey} has no valid domains"
                    : Array.IndexOf(WidgetInput.Modes, w.Mode) < 0 ? $"widget {w.Sitekey} has an unknown mode"
                    : Array.IndexOf(WidgetInput.Regions, w.Region) < 0 ? $"widget {w.Sitekey} has an unknown region"
                    : Array.IndexOf(WidgetInput.ClearanceLevels, w.ClearanceLevel) < 0 ? $"widget {w.Sitekey} has an unknown clearance_level"
                    : w.Sequence <= lastSequence ? $"widget {w.Sitekey} is out of order (sequence {w.Sequence})"
                    : null;
                if (problem is not null)
                {
                    throw Refuse(problem, null);
                }

                lastSequence = w!.Sequence;
                widgets.Add(new Widget
                {
                    Sequence = w.Sequence,
                    Sitekey = w.Sitekey!,
                    Secret = w.Secret!,
                    Name = w.Name!,
                    Domains = w.Domains!,
                    Mode = w.Mode!,
                    Region = w.Region!,
                    ClearanceLevel = w.ClearanceLevel!,
                    BotFightMode = w.BotFightMode,
                    EphemeralId = w.EphemeralId,
                    Offlabel = w.Offlabel,
                    CreatedOn = Timestamps.Truncate(w.CreatedOn),
                    ModifiedOn = Timestamps.Truncate(w.ModifiedOn),
                    PreviousSecret = w.PreviousSecret,
                    PreviousSecretExpiresOn = w.PreviousSecretExpiresOn,
                });
            }

            return (widgets, Math.Max(state.NextSequence, lastSequence + 1));
        }

        /// <summary>Writes the snapshot unless a newer one has already been written.</summary>
        public void Save(Widget[] widgets, long nextSequence, long version)
        {
            lock (_writeLock)
            {
                if (version <= _writtenVersion)
                {
                    return;
                }

                var state = new PersistedState { FormatVersion = FormatVersion, NextSequence = nextSequence, Widgets = new List<PersistedWidget>(widgets.Length) };
                foreach (Widget w in widgets)
                {
                    state.Widgets.Add(new PersistedWidget
                    {
                        Sequence = w.Sequence,
                        Sitekey = w.Sitekey,
                        Secret = w.Secret,
                        Name = w.Name,
                        Domains = w.Domains,
                        Mode = w.Mode,
                        Region = w.Region,
                        ClearanceLevel = w.ClearanceLevel,
                        BotFightMode = w.BotFightMode,
                        EphemeralId = w.EphemeralId,
                        Offlabel = w.Offlabel,
                        CreatedOn = w.CreatedOn,
                        ModifiedOn = w.ModifiedOn,
                        PreviousSecret = w.PreviousSecret,
                        PreviousSecretExpiresOn = w.PreviousSecretExpiresOn,
                    });
                }

                string directory = Path.GetDirectoryName(FullPath)!;
                string temporary = Path.Combine(directory, "." + Path.GetFileName(FullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
                try
                {
                    using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        JsonSerializer.Serialize(stream, state, EmulatorJsonContext.Wire.PersistedState);
                        stream.Flush(flushToDisk: true);
                    }

                    File.Move(temporary, FullPath, overwrite: true);
                }
                catch
                {
                    TryDelete(temporary);
                    throw;
                }

                _writtenVersion = version;
            }
        }

        private EmulatorStartupException Refuse(string reason, Exception? inner)
        {
            string message = $"The emulator state file '{FullPath}' is not usable: {reason}. The file was left untouched. " +
                "Move or delete it to start with an empty store, restore a good copy, or pass another --data path.";
            return inner is null ? new EmulatorStartupException(message) : new EmulatorStartupException(message, inner);
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
