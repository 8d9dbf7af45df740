namespace TurnstileWidgets.Module.Tests.Session
{
    /// <summary>
    /// The tests that connect or disconnect the process-wide session (TurnstileSession, which Connect-Turnstile in an
    /// in-process runspace sets too): xunit runs the classes of one collection one after another, never side by side.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class SessionCollection
    {
        public const string Name = "The process-wide TurnstileSession";
    }
}
