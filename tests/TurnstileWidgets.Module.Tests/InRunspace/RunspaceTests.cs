using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using TurnstileWidgets.Module.Tests.Packaging;
using TurnstileWidgets.Module.Tests.Session;
using TurnstileWidgets.TestSupport;
using PowerShellHost = System.Management.Automation.PowerShell;

namespace TurnstileWidgets.Module.Tests.InRunspace
{
    /// <summary>
    /// The module layer in real PowerShell, in process: the staged module imported into a runspace of the PowerShell SDK,
    /// connected to an emulator on a free loopback port. For what only PowerShell itself exercises: parameter binding
    /// (transformations, delay-bind script blocks), TabExpansion2 driving the completers, and ErrorRecords as PowerShell sees them.
    /// </summary>
    [Collection(SessionCollection.Name)]
    public sealed class RunspaceTests : IAsyncLifetime
    {
        private InProcessEmulator emulator = null!;

        public async Task InitializeAsync() => emulator = await InProcessEmulator.StartAsync();

        public async Task DisposeAsync() => await emulator.DisposeAsync();

        private PowerShellHost Connected()
        {
            RepositoryLayout.RequireStagedModule();
            PowerShellHost shell = PowerShellHost.Create();
            shell.AddCommand("Import-Module").AddParameter("Name", RepositoryLayout.StagedManifestPath).AddParameter("ErrorAction", "Stop");
            shell.AddStatement().AddScript(
                "param($token, $account, $uri) Connect-Turnstile -ApiToken (ConvertTo-SecureString $token -AsPlainText -Force) -AccountId $account -ApiBaseUri $uri")
                .AddArgument(emulator.ApiToken).AddArgument(emulator.AccountId).AddArgument(emulator.BaseUri);
            shell.Invoke();
            Assert.False(shell.HadErrors, string.Join(Environment.NewLine, shell.Streams.Error.Select(e => e.ToString())));
            shell.Commands.Clear();
            return shell;
        }

        private static IReadOnlyList<PSObject> Run(PowerShellHost shell, string script)
        {
            shell.Commands.Clear();
            shell.Streams.Error.Clear();
            return shell.AddScript(script).Invoke().ToList();
        }

        [Fact]
        public async Task CompletersOfferTheAccountsNamesEscapedForWildcardsAndQuoted()
        {
            await emulator.SeedWidgetsAsync(2, "shop [eu] ");
            using PowerShellHost shell = Connected();

            IReadOnlyList<PSObject> results = Run(shell, "$line = 'Get-TurnstileWidget -Name shop'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches");

            Assert.Empty(shell.Streams.Error);
            var first = (CompletionResult)results.First().BaseObject;
            Assert.Equal(2, results.Count);
            Assert.StartsWith("'shop `[eu`] ", first.CompletionText, StringComparison.Ordinal);
            Assert.Equal(CompletionResultType.ParameterValue, first.ResultType);
        }

        [Fact]
        public async Task CsvBooleanSpellingsBindThroughTheTransformation()
        {
            using PowerShellHost shell = Connected();

            IReadOnlyList<PSObject> created = Run(shell, "[pscustomobject]@{ Name = 'csv'; Domain = 'csv.example.com'; BotFightMode = 'yes'; Offlabel = 'FALSE' } | New-TurnstileWidget -Confirm:$false");
            Assert.True((bool)created.Single().Properties["BotFightMode"].Value);
            Assert.False((bool)created.Single().Properties["Offlabel"].Value);

            Run(shell, "[pscustomobject]@{ Name = 'bad'; Domain = 'bad.example.com'; BotFightMode = 'maybe' } | New-TurnstileWidget -Confirm:$false");
            ErrorRecord error = Assert.Single(shell.Streams.Error);
            Assert.Contains("-BotFightMode accepts true or false", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, (await emulator.GetStatsAsync()).CreateRequests);
        }

        [Fact]
        public async Task DelayBindNameIsComputedPerWidgetAndNeverSentAsScriptText()
        {
            await emulator.SeedWidgetsAsync(3, "login-");
            using PowerShellHost shell = Connected();

            Run(shell, "Get-TurnstileWidget -Filter name:login- | Set-TurnstileWidget -Name { 'old-' + $_.Name } -Confirm:$false");

            Assert.Empty(shell.Streams.Error);
            string[] names = Run(shell, "Get-TurnstileWidget | ForEach-Object Name").Select(n => (string)n.BaseObject).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(3, names.Length);
            Assert.All(names, n => Assert.StartsWith("old-login-", n, StringComparison.Ordinal));
            Assert.Equal(0, (await emulator.GetStatsAsync()).GetRequests);
        }

        [Fact]
        public void NotConnectedIsATerminatingErrorRecordWithItsCategory()
        {
            using PowerShellHost shell = Connected();
            Run(shell, "Disconnect-Turnstile");

            // A terminating error stops the statement; the script's caller sees it in the error stream.
            Run(shell, "Get-TurnstileWidget; 'next statement'");

            ErrorRecord error = Assert.Single(shell.Streams.Error);
            Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
            Assert.StartsWith("TurnstileNotConnected,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("Run Connect-Turnstile", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        [Fact]
        public async Task NamePatternMatchesAsPowerShellsLikeOperatorDoes()
        {
            foreach (string name in new[] { "shop-1", "Shop-2", "shop-x", "[prod] shop", "shop*now" })
            {
                await emulator.SeedWidgetsAsync(1, name + "|");
            }

            using PowerShellHost shell = Connected();
            foreach (string pattern in new[] { "shop-[0-9]*", "SHOP-?|*", "`[prod`]*", "shop`*now*", "*o*" })
            {
                string script = "$p = '" + pattern.Replace("'", "''") + "'; "
                    + "$mine = @(Get-TurnstileWidget -Name $p | ForEach-Object Name | Sort-Object); "
                    + "$like = @(Get-TurnstileWidget | ForEach-Object Name | Where-Object { $_ -like $p } | Sort-Object); "
                    + "($mine -join ',') -eq ($like -join ',')";
                Assert.True((bool)Run(shell, script).Single().BaseObject, "Get-TurnstileWidget -Name '" + pattern + "' differs from -like");
            }
        }
    }
}
