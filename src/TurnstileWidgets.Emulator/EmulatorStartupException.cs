using System;

namespace TurnstileWidgets.Emulator
{
    /// <summary>The emulator refused to start; the message says why and what to do.</summary>
    public sealed class EmulatorStartupException : Exception
    {
        /// <summary>Creates the exception with a message for the user.</summary>
        public EmulatorStartupException(string message) : base(message) { }

        /// <summary>Creates the exception with a message for the user and the underlying cause.</summary>
        public EmulatorStartupException(string message, Exception innerException) : base(message, innerException) { }

        /// <summary>Creates the exception with a generic message.</summary>
        public EmulatorStartupException() : base("The TurnstileWidgets emulator could not start.") { }
    }
}
