using System;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Emulator;

namespace TurnstileWidgets.TestSupport
{
    /// <summary>
    /// The emulator started in the test's own process (<see cref="EmulatorServer"/> on a free loopback port) from typed
    /// <see cref="EmulatorOptions"/>: what the xunit fixtures use, as it starts in milliseconds and gives the emulator's
    /// own test hooks (<see cref="Server"/>: scripted faults, the clock, events). Seeding, stats and the API client are
    /// <see cref="TestEmulator"/>'s, the same HTTP path as for <see cref="EmulatorProcess"/>.
    /// </summary>
    public sealed class InProcessEmulator : TestEmulator, IAsyncDisposable
    {
        private InProcessEmulator(EmulatorServer server)
            : base(server.ApiToken, server.AccountId)
        {
            Server = server;
            SetAddress(server.BaseUri);
        }

        /// <summary>The emulator itself, for what only a test in its process can do (faults, clock, typed counters).</summary>
        public EmulatorServer Server { get; }

        /// <summary>
        /// Starts the emulator (default options when null; a port other than 0 is refused, so no test can depend on one)
        /// and completes once it listens. <see cref="EmulatorStartupException"/> when the options are refused.
        /// </summary>
        public static async Task<InProcessEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
        {
            options ??= new EmulatorOptions();
            if (options.Port != 0)
            {
                throw new ArgumentException("Tests start the emulator on a free port (Port = 0).", nameof(options));
            }

            return new InProcessEmulator(await EmulatorServer.StartAsync(options, cancellationToken).ConfigureAwait(false));
        }

        /// <summary>Stops the emulator (its port is free again) and releases the control client.</summary>
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync().ConfigureAwait(false);
            Dispose();
        }

        /// <summary>Stops the emulator, waiting for it (a second stop does nothing).</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }
    }
}
