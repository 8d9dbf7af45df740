using System;
using System.Management.Automation;
using TurnstileWidgets.Commands;

namespace TurnstileWidgets.Module.Tests.Commands
{
    /// <summary>A test sink that hands each -Verbose line to a delegate and drops -Debug lines and progress; warnings come as "WARNING: " lines.</summary>
    internal sealed class VerboseLines : IMessageSink
    {
        private readonly Action<string> deliver;

        public VerboseLines(Action<string> deliver) => this.deliver = deliver;

        public void WriteVerboseLine(string text) => deliver(text);

        public void WriteDebugLine(string text)
        {
        }

        public void WriteProgressRecord(ProgressRecord record)
        {
        }

        public void WriteWarningLine(string text) => deliver("WARNING: " + text);
    }
}
