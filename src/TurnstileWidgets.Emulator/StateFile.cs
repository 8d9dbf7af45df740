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
    /// A file that cannot be read or understood stops start-up and is never overwritten. One emulator at a time owns a
    /// file: it holds an exclusive lock on a lock file beside it (<c>.&lt;name&gt;.lock</c>) until it stops. The lock cannot
    /// be on the state file itself, because each save renames a new file over it and a lock stays with the old one.
    /// A hard link gives the same file another name, and so another lock file beside it; on Unix the emulator therefore
    /// also holds a shared lock on the state file itself (the saved file after each save), and refuses a file it cannot
    /// lock exclusively at start. Shared, so readers (a test, Get-Content) still read it. Not on Windows, where an open
    /// handle would stop the save's rename.
    /// The state, temporary and lock files are created readable and writable by their owner only: they hold widget secrets.
    /// </summary>
    internal sealed class StateFile : IDisposable
    {
        private const int FormatVersion = 1;
        private const string TemporarySuffix = ".tmp";

        private readonly Lock writeLock = new();
        private readonly string givenPath;
        private long writtenVersion = -1;
        private string? fullPath;
        private FileStream? ownership;
        private FileStream? heldState;

        public StateFile(string path)
        {
            givenPath = path;
        }

        /// <summary>The full path once <see cref="Open"/> has checked it; until then the path as given (--data).</summary>
        public string FullPath => fullPath ?? givenPath;

        /// <summary>
        /// Checks the path, takes ownership of the file (the lock), removes temporary files an emulator killed mid-save
        /// left behind, and reads the state. Each refusal is one line that names the file; the file is left untouched.
        /// </summary>
        /// <exception cref="EmulatorStartupException">The path cannot hold a state file, another emulator owns it, or it cannot be read.</exception>
        public (IReadOnlyList<Widget> Widgets, long NextSequence) Open()
        {
            CheckPath();
            TakeOwnership();
            try
            {
                RemoveLeftoverTemporaries();
                return Load();
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Gives up ownership: another emulator may use the file from now on.</summary>
        public void Dispose()
        {
            Interlocked.Exchange(ref heldState, null)?.Dispose();
            FileStream? ownership = Interlocked.Exchange(ref this.ownership, null);
            ownership?.Dispose();
        }

        /// <summary>The refusal for a state that could not be written at start-up (disk full, read-only file system).</summary>
        public EmulatorStartupException CannotWrite(Exception e) =>
            new($"The emulator state file '{FullPath}' cannot be written ({OneLine(e.Message)}). Free space or fix the permissions, or pass another --data path.", e);

        private string LockPath => Path.Combine(Path.GetDirectoryName(FullPath)!, "." + Path.GetFileName(FullPath) + ".lock");

        /// <summary>Temporary files are named this, a GUID ("N" format) and <see cref="TemporarySuffix"/>, in the state file's folder.</summary>
        private string TemporaryPrefix => "." + Path.GetFileName(FullPath) + ".";

        private void CheckPath()
        {
            if (givenPath.Length == 0)
            {
                throw new EmulatorStartupException("The --data path is empty. Name a file, e.g. --data ./emulator-state.json.");
            }

            string full;
            try
            {
                full = Path.GetFullPath(givenPath);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new EmulatorStartupException($"The --data path '{OneLine(givenPath)}' is not a valid path ({OneLine(e.Message)}). Name a file, e.g. --data ./emulator-state.json.", e);
            }

            bool isFolder = Directory.Exists(full);
            if (isFolder || EndsInSeparator(givenPath))
            {
                string folder = Path.TrimEndingDirectorySeparator(full);
                string what = isFolder ? "is a folder, not a file" : $"names a folder (it ends in '{givenPath[^1]}'), not a file";
                throw new EmulatorStartupException(
                    $"The emulator state file '{folder}' {what}. Name a file in it, e.g. --data {Path.Combine(folder, "emulator-state.json")}.");
            }

            // A symbolic link to a state file is that file: the lock and the saves go beside the file it names, so two
            // emulators given the link and the file are still one owner, and a save does not replace the link.
            if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is FileSystemInfo target)
            {
                full = target.FullName;
            }

            fullPath = full;
            string? directory = Path.GetDirectoryName(full);
            if (directory is null || !Directory.Exists(directory))
            {
                throw new EmulatorStartupException(
                    $"The emulator state file '{full}' cannot be created: its folder does not exist. Create the folder or pass another --data path.");
            }

            static bool EndsInSeparator(string path) =>
                path[^1] == Path.DirectorySeparatorChar || path[^1] == Path.AltDirectorySeparatorChar;
        }

        private void TakeOwnership()
        {
            try
            {
                ownership = new FileStream(LockPath, OwnerOnly(new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                }));
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                throw new EmulatorStartupException(
                    $"The emulator state file '{FullPath}' is in use by another emulator (it holds '{LockPath}'). Stop that emulator, or pass another --data path.", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // One that is there (a folder, a read-only file, another user's) is its own problem, not the folder's.
                throw new EmulatorStartupException(
                    Path.Exists(LockPath)
                        ? $"The emulator state file '{FullPath}' cannot be used: its lock file '{LockPath}' exists but cannot be opened ({OneLine(e.Message)}). Fix its permissions or delete it if no emulator is running on this file, or pass another --data path."
                        : $"The emulator state file '{FullPath}' cannot be used: its lock file '{LockPath}' cannot be created ({OneLine(e.Message)}). Fix the folder's permissions or pass another --data path.",
                    e);
            }
        }

        /// <summary>
        /// Whether opening failed because another process holds the lock. .NET has no exception type for it, only the
        /// platform's code: Windows' sharing or lock violation, or the EWOULDBLOCK of flock on Linux (11) and macOS/BSD (35).
        /// </summary>
        private static bool IsHeldByAnother(IOException e)
        {
            const int SharingViolation = unchecked((int)0x80070020);
            const int LockViolation = unchecked((int)0x80070021);
            return OperatingSystem.IsWindows()
                ? e.HResult is SharingViolation or LockViolation
                : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
        }

        /// <summary>
        /// Deletes the temporary files of earlier saves of this file that never got renamed (the emulator was killed
        /// mid-save). Only names this class writes are touched, and only while holding the lock, so no other emulator
        /// can be writing one.
        /// </summary>
        private void RemoveLeftoverTemporaries()
        {
            string directory = Path.GetDirectoryName(FullPath)!;
            string prefix = TemporaryPrefix;
            try
            {
                foreach (string path in Directory.EnumerateFiles(directory, prefix + "*" + TemporarySuffix))
                {
                    string name = Path.GetFileName(path);
                    string middle = name.Substring(prefix.Length, name.Length - prefix.Length - TemporarySuffix.Length);
                    if (Guid.TryParseExact(middle, "N", out _))
                    {
                        TryDelete(path);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder that can be written but not listed: the leftovers stay, the state is still good.
            }
        }

        private (IReadOnlyList<Widget> Widgets, long NextSequence) Load()
        {
            if (!File.Exists(FullPath))
            {
                return (Array.Empty<Widget>(), 1);
            }

            PersistedState? state;
            try
            {
                // Exclusive while reading: another emulator holding this file under another name (a hard link) holds it shared.
                using (FileStream stream = new(FullPath, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    state = JsonSerializer.Deserialize(stream, EmulatorJsonContext.Wire.PersistedState);
                }

                HoldState(new FileStream(FullPath, FileMode.Open, FileAccess.Read, FileShare.Read));
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                throw new EmulatorStartupException(
                    $"The emulator state file '{FullPath}' is in use by another emulator under another name (a hard link to the same file). Stop that emulator, or pass another --data path.", e);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw Refuse(e is JsonException ? "it is not valid JSON (" + OneLine(e.Message) + ")" : "it cannot be read (" + OneLine(e.Message) + ")", e);
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
                    // No upper bound: the file may come from an emulator started with a larger --max-domains.
                    : w.Domains is null || w.Domains.Length < 1 ? $"widget {w.Sitekey} has no domains"
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
            lock (writeLock)
            {
                if (version <= writtenVersion)
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
                string temporary = Path.Combine(directory, TemporaryPrefix + Guid.NewGuid().ToString("N") + TemporarySuffix);
                FileStream? stream = null;
                try
                {
                    // The rename carries the temporary file's owner-only mode over to the state file. Shared (not None) so
                    // the stream can stay open as the held lock on the file the rename makes the state file.
                    stream = new FileStream(temporary, OwnerOnly(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read }));
                    JsonSerializer.Serialize(stream, state, EmulatorJsonContext.Wire.PersistedState);
                    stream.Flush(flushToDisk: true);
                    if (OperatingSystem.IsWindows())
                    {
                        stream.Dispose();
                    }

                    File.Move(temporary, FullPath, overwrite: true);
                    HoldState(stream);
                }
                catch
                {
                    stream?.Dispose();
                    TryDelete(temporary);
                    throw;
                }

                writtenVersion = version;
            }
        }

        /// <summary>Keeps the stream open as the shared lock on the state file (Unix only, see the class summary); releases the previous one.</summary>
        private void HoldState(FileStream stream)
        {
            // A save after Dispose (no longer the owner) must not leave a lock behind that stops the next emulator.
            if (OperatingSystem.IsWindows() || Volatile.Read(ref ownership) is null)
            {
                stream.Dispose();
                return;
            }

            Interlocked.Exchange(ref heldState, stream)?.Dispose();
        }

        private EmulatorStartupException Refuse(string reason, Exception? inner)
        {
            string message = $"The emulator state file '{FullPath}' is not usable: {reason}. The file was left untouched. " +
                "Move or delete it to start with an empty store, restore a good copy, or pass another --data path.";
            return inner is null ? new EmulatorStartupException(message) : new EmulatorStartupException(message, inner);
        }

        /// <summary>Creates files with mode 0600 on Unix (Windows files inherit their folder's access list instead).</summary>
        private static FileStreamOptions OwnerOnly(FileStreamOptions options)
        {
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return options;
        }

        /// <summary>Messages from the platform may span lines; a refusal is printed as one.</summary>
        private static string OneLine(string text) => text.ReplaceLineEndings(" ");

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
