using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using TurnstileWidgets.Engine;
using TurnstileWidgets.Errors;
using TurnstileWidgets.Session;

namespace TurnstileWidgets.Commands
{
    /// <summary>
    /// The base of every TurnstileWidgets cmdlet: cancellation on Ctrl+C, the session lookup, running engine calls
    /// while relaying their -Verbose lines on the pipeline thread, and turning engine failures into ErrorRecords.
    /// </summary>
    public abstract class TurnstileCmdlet : PSCmdlet, IDisposable, IMessageSink
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private bool rateLimitProgressShown;

        /// <summary>Cancelled when the user presses Ctrl+C.</summary>
        protected CancellationToken CancellationToken => cancellation.Token;

        /// <summary>Cancels the in-flight request.</summary>
        protected override void StopProcessing()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>
        /// Completes the progress bars this command left open, then releases the cancellation source and the leases on the
        /// connections it used. PowerShell disposes a command however it ended, and a stop (Ctrl+C, a terminating error,
        /// <c>Select-Object -First</c> downstream) skips EndProcessing: a bar left open would stay on screen.
        /// </summary>
        public void Dispose()
        {
            CompleteProgressBars();

            SessionConnection? leased = held;
            held = null;
            leased?.Release();

            cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        // The connection this command holds a lease on until it ends, so a Connect-Turnstile or Disconnect-Turnstile in
        // another runspace cannot dispose the client under it; every input of the command uses it.
        private SessionConnection? held;

        /// <summary>
        /// The connection to use (-Connection, else the default), leased until the command ends: a command that has
        /// started finishes on the connection it started with, even if it is replaced or disconnected meanwhile. With no
        /// connection at all and a credential in the CLOUDFLARE_* variables, connects from them on first use, as
        /// Cloudflare's SDKs, wrangler and Terraform do. A terminating TurnstileNotConnected (or
        /// TurnstileConnectionNotFound) error when there is none.
        /// </summary>
        internal SessionConnection RequireConnection()
        {
            if (held != null)
            {
                return held;
            }

            string? name = ConnectionName;
            string? failed = name == null ? TurnstileSession.FailedConnectName : null;
            if (failed != null)
            {
                ThrowTerminatingError(ErrorMapper.LastConnectFailed(failed));
            }

            while (true)
            {
                SessionConnection? connection = name == null ? TurnstileSession.Current : TurnstileSession.Find(name);
                if (name == null && ConnectionResolver.HasEnvironmentCredential(Environment.GetEnvironmentVariable))
                {
                    // A connection made from the variables follows them, as a new process would (and as wrangler and the SDKs
                    // do): after $env:CLOUDFLARE_ACCOUNT_ID = <another account>, acting on the first account would be wrong.
                    string fingerprint = ConnectionResolver.EnvironmentFingerprint(Environment.GetEnvironmentVariable);
                    string? reason = connection == null
                        ? "No connection yet: connecting on first use from the CLOUDFLARE_* environment variables."
                        : connection.EnvironmentFingerprint != null && connection.EnvironmentFingerprint != fingerprint
                            ? "The CLOUDFLARE_* environment variables have changed since the default connection was made from them: connecting again from them."
                            : null;
                    if (reason != null)
                    {
                        WriteVerboseLine(reason);
                        TryProcess(null, () => connection = Connect(new ConnectionParameters(), new ConnectionSettings(), TurnstileSession.DefaultName), terminating: true);
                        connection!.EnvironmentFingerprint = fingerprint;
                    }
                }

                if (connection == null)
                {
                    ThrowTerminatingError(name == null ? ErrorMapper.NotConnected() : ErrorMapper.ConnectionNotFound(name));
                }

                // False only when the connection was replaced or disconnected since it was looked up: look again.
                if (connection!.TryAcquire())
                {
                    held = connection;
                    return connection;
                }
            }
        }

        /// <summary>
        /// Runs a write to the widget <paramref name="sitekey"/> through <see cref="Invoke{T}"/>, recorded in the connection's
        /// write journal (so no earlier reading of the widget is trusted after it); <paramref name="readAt"/> is the
        /// journal position of the answer, the widget's newest reading unless <paramref name="answerIsReading"/> is false
        /// (a removal's answer describes a widget that is gone).
        /// </summary>
        internal Widget InvokeWrite(SessionConnection connection, string sitekey, Func<CancellationToken, Task<Widget>> call, out long readAt, bool answerIsReading = true)
        {
            connection.Writes.BeginWrite(sitekey);
            Widget? answer = null;
            try
            {
                answer = Invoke(connection.Client, call);
                return answer;
            }
            finally
            {
                readAt = connection.Writes.EndWrite(sitekey, answerIsReading ? answer : null, DateTimeOffset.UtcNow);
            }
        }

        /// <summary>
        /// Resolves <paramref name="parameters"/> (then the CLOUDFLARE_* variables), verifies the credential, and keeps the
        /// connection under <paramref name="name"/> as the default: Connect-Turnstile and the first use of any widget cmdlet.
        /// </summary>
        internal SessionConnection Connect(ConnectionParameters parameters, ConnectionSettings settings, string name)
        {
            ResolvedConnection resolved = ConnectionResolver.Resolve(parameters, Environment.GetEnvironmentVariable);
            WriteVerboseLine(resolved.Describe());

            TurnstileClientOptions options = resolved.ToClientOptions();
            options.RequestTimeout = settings.RequestTimeout;
            options.OperationTimeout = settings.OperationTimeout;
            options.RateLimit = settings.RateLimit;
            var client = new TurnstileClient(options);
            try
            {
                Invoke(client, client.VerifyAccessAsync);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            WriteVerboseLine("Each request may take " + DurationText.Format(settings.RequestTimeout) + " per attempt (-RequestTimeout) and " + DurationText.Format(settings.OperationTimeout) + " in all (-OperationTimeout).");
            Uri siteverifyUri = settings.SiteverifyUri ?? Engine.Siteverify.SiteverifyClient.DefaultFor(client.BaseUri);
            WriteVerboseLine("Test-TurnstileWidgetSecret sends siteverify requests to " + siteverifyUri + (settings.SiteverifyUri == null ? " (the one that goes with the API address; -SiteverifyUri names another)." : " (-SiteverifyUri)."));
            var connection = new SessionConnection(client, ConnectionDetails.ForVerifiedClient(client, DateTimeOffset.Now, siteverifyUri));
            TurnstileSession.Connect(name, connection);
            WriteVerboseLine("Connected to account " + connection.Details.AccountId + " as '" + name + "' (the default connection).");
            return connection;
        }

        /// <summary>The connection a cmdlet's -Connection names; null for the default connection.</summary>
        internal virtual string? ConnectionName => null;

        /// <summary>Runs an engine call, writing its -Verbose, -Debug and rate-limit progress from this (the pipeline) thread while it runs.</summary>
        internal T Invoke<T>(TurnstileClient client, Func<CancellationToken, Task<T>> call)
        {
            var pump = new MessagePump(this);
            try
            {
                using (client.Observe(pump))
                {
                    return pump.Run(call(CancellationToken), CancellationToken);
                }
            }
            finally
            {
                rateLimitProgressShown |= pump.WroteRateLimitProgress;
            }
        }

        /// <summary>Runs an engine call without a result; see <see cref="Invoke{T}"/>.</summary>
        internal void Invoke(TurnstileClient client, Func<CancellationToken, Task> call)
        {
            Invoke(client, async cancellationToken =>
            {
                await call(cancellationToken).ConfigureAwait(false);
                return true;
            });
        }

        /// <summary>Ends this cmdlet's progress bars, if shown: the rate-limit bar stays up between pipeline items while pacing.</summary>
        protected override void EndProcessing()
        {
            CompleteWriteProgress();
            CompleteRateLimitProgress();
            base.EndProcessing();
        }

        /// <summary>The cmdlet's own progress bar for its writes; null for a cmdlet that writes nothing.</summary>
        internal virtual WriteProgressBar? WriteProgressBar => null;

        /// <summary>Counts one widget as <paramref name="outcome"/> on this cmdlet's bar, redrawing it now and then.</summary>
        internal void CountWrite(string outcome)
        {
            ProgressRecord? record = WriteProgressBar?.Count(outcome);
            if (record != null)
            {
                WriteBar(record);
            }
        }

        /// <summary>Closes this cmdlet's own progress bar, when it was shown: its work has ended.</summary>
        internal void CompleteWriteProgress()
        {
            ProgressRecord? record = WriteProgressBar?.Completed();
            if (record != null)
            {
                WriteBar(record);
            }
        }

        // Every bar of this command goes out under one source id of its own, so that a bar can be completed after Ctrl+C:
        // the command runtime refuses every write once the pipeline is stopping, and the host, which still takes records
        // then, tells bars apart by source id and activity id. Ids above int.MaxValue stay clear of the ones PowerShell
        // numbers from 1 for other commands.
        private static long lastProgressSourceId = int.MaxValue;
        private long progressSourceId;

        /// <summary>
        /// Writes a progress record of this command. While the pipeline stops, a Completed record goes straight to the host
        /// (as the runtime would have, $ProgressPreference permitting), so no bar this command opened stays on screen.
        /// </summary>
        internal void WriteBar(ProgressRecord record)
        {
            if (progressSourceId == 0)
            {
                progressSourceId = Interlocked.Increment(ref lastProgressSourceId);
            }

            try
            {
                CommandRuntime.WriteProgress(progressSourceId, record);
            }
            catch (PipelineStoppedException) when (record.RecordType == ProgressRecordType.Completed && Host?.UI != null && ProgressShown)
            {
                Host.UI.WriteProgress(progressSourceId, record);
            }
        }

        // Whether $ProgressPreference lets bars show (the runtime writes none under SilentlyContinue or Ignore).
        private bool ProgressShown =>
            !(GetVariableValue("ProgressPreference") is ActionPreference preference)
            || (preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore);

        /// <summary>Closes every bar this command left open (its own, the rate-limit countdown); each is closed once.</summary>
        private void CompleteProgressBars()
        {
            try
            {
                CompleteWriteProgress();
                CompleteRateLimitProgress();
            }
            catch (Exception e) when (e is PipelineStoppedException || e is InvalidOperationException)
            {
                // A host that no longer takes records (its pipeline is gone) has no bar left to close.
            }
        }

        /// <summary>Ends the rate-limit progress bar, if one was shown.</summary>
        internal void CompleteRateLimitProgress()
        {
            if (rateLimitProgressShown)
            {
                rateLimitProgressShown = false;
                WriteBar(RequestText.RateLimitProgressCompleted());
            }
        }

        /// <summary>
        /// True when -Debug was given and the host could prompt: PowerShell then sets a compiled cmdlet's debug and
        /// verbose preference to Inquire, so every WriteDebug or WriteVerbose would ask "Continue with this operation?",
        /// and fail outright in a non-interactive host (CI, runbooks). Lines then go to the host without a prompt.
        /// </summary>
        private bool DebugSwitchWouldPrompt =>
            MyInvocation.BoundParameters.TryGetValue("Debug", out object? value)
            && (value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value))
            && Host?.UI != null;

        /// <summary>Writes a -Verbose line; under -Debug without prompting (see <see cref="DebugSwitchWouldPrompt"/>).</summary>
        internal void WriteVerboseLine(string text)
        {
            if (DebugSwitchWouldPrompt && !MyInvocation.BoundParameters.ContainsKey("Verbose"))
            {
                // -Debug alone: verbose lines follow $VerbosePreference, as they would for a script's -Debug.
                if (GetVariableValue("VerbosePreference") is ActionPreference preference
                    && (preference == ActionPreference.Continue || preference == ActionPreference.Inquire))
                {
                    Host!.UI.WriteVerboseLine(text);
                }

                return;
            }

            WriteVerbose(text);
        }

        /// <summary>Writes a -Debug line; under -Debug without prompting (see <see cref="DebugSwitchWouldPrompt"/>).</summary>
        internal void WriteDebugLine(string text)
        {
            if (DebugSwitchWouldPrompt)
            {
                Host!.UI.WriteDebugLine(text);
                return;
            }

            WriteDebug(text);
        }

        /// <summary>Writes a warning; under -Debug without prompting (see <see cref="DebugSwitchWouldPrompt"/>).</summary>
        internal void WriteWarningLine(string text)
        {
            if (DebugSwitchWouldPrompt && !MyInvocation.BoundParameters.ContainsKey("WarningAction"))
            {
                if (!(GetVariableValue("WarningPreference") is ActionPreference preference)
                    || (preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore))
                {
                    Host!.UI.WriteWarningLine(text);
                }

                return;
            }

            WriteWarning(text);
        }

        void IMessageSink.WriteVerboseLine(string text) => WriteVerboseLine(text);

        void IMessageSink.WriteDebugLine(string text) => WriteDebugLine(text);

        void IMessageSink.WriteProgressRecord(ProgressRecord record) => WriteBar(record);

        void IMessageSink.WriteWarningLine(string text) => WriteWarningLine(text);

        /// <summary>
        /// Runs <paramref name="action"/> for one item: a Turnstile failure becomes an error about <paramref name="target"/>
        /// (non-terminating, so the next item goes on; terminating when <paramref name="terminating"/>); Ctrl+C stops the pipeline.
        /// </summary>
        internal bool TryProcess(object? target, Action action, bool terminating = false)
        {
            try
            {
                action();
                return true;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: close the bars now, while this command still runs; Dispose would close them later, at the pipeline's end.
                CompleteProgressBars();
                throw new PipelineStoppedException();
            }
            catch (TurnstileException exception)
            {
                ErrorRecord record = ErrorMapper.Map(exception, target, GivenAs);
                string? nameAdvice = target is string typed ? NameAsSitekeyAdvice(exception, typed) : null;
                if (nameAdvice != null)
                {
                    record.ErrorDetails = new ErrorDetails(record.ErrorDetails?.Message ?? exception.Message) { RecommendedAction = nameAdvice };
                }

                if (terminating)
                {
                    ThrowTerminatingError(record);
                }

                WriteError(record);
                return false;
            }
        }

        /// <summary>
        /// When a value given as a sitekey is refused or not found, it may be a widget's name typed in the first position:
        /// the advice is then the pipeline that acts on that widget (<c>Get-TurnstileWidget -Name 'x' | Remove-TurnstileWidget</c>).
        /// Null for any other failure, and for a command that finds widgets by name itself.
        /// </summary>
        internal virtual string? NameAsSitekeyAdvice(TurnstileException exception, string value)
        {
            bool refused = exception is TurnstileValidationException validation && validation.Field == "sitekey";
            bool notFound = exception is TurnstileApiException api && api.Kind == TurnstileApiErrorKind.NotFound;
            if (!refused && !notFound)
            {
                return null;
            }

            return (refused ? "Correct -Sitekey" : "Check the sitekey") + "; Get-TurnstileWidget lists the account's widgets. If '"
                + DisplayText.Visible(value) + "' is a widget's name, pipe that widget in: Get-TurnstileWidget -Name "
                + CommandText.NameArgument(value) + " | " + MyInvocation.MyCommand.Name + ".";
        }

        /// <summary>
        /// What the user gave for the wire <paramref name="field"/>, in their words: a parameter (<c>-Domain</c>), or for a
        /// cmdlet that reads a file, the entry's field. Messages and recommended actions name it; null when nothing sets it.
        /// </summary>
        internal virtual string? GivenAs(string field) => ParameterNames.ForField(field);

        /// <summary>Confirms a change with ShouldProcess; <c>-Force</c> skips the prompt, but never under <c>-WhatIf</c> or an explicit <c>-Confirm</c>.</summary>
        internal bool ConfirmChange(string target, string action, bool force)
        {
            if (ConfirmationText.CanSkipShouldProcess(force, IsWhatIfRequested(), IsSwitchBound("Confirm")))
            {
                WriteVerboseLine(action + ": " + target);
                return true;
            }

            return ShouldProcess(target, action);
        }

        /// <summary>True when <paramref name="name"/> was given for the current input (switches count only when present).</summary>
        internal bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private bool IsWhatIfRequested()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? value))
            {
                return value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value);
            }

            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        private bool IsSwitchBound(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out object? value)
            && (value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value));
    }
}
