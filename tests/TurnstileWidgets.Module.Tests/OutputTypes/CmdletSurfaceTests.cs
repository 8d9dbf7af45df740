using System;
using System.Collections.Generic;
using System.Linq;
using TurnstileWidgets.Module.Tests.Help;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    /// <summary>
    /// The cmdlet classes against surface.md, read from the assembly's metadata by <see cref="CmdletMetadata"/>: PowerShell is
    /// not installed, so the classes (which derive from PSCmdlet) cannot be loaded, but their attributes and member types can be read.
    /// </summary>
    public class CmdletSurfaceTests
    {
        private const string CommandsNamespace = "TurnstileWidgets.Commands";
        private const string Automation = "System.Management.Automation.";

        private static readonly Lazy<IReadOnlyList<CmdletInfo>> Cmdlets = new(() => CmdletMetadata.Read(CmdletMetadata.DefaultAssemblyPath));

        private static CmdletInfo Cmdlet(string name) => Assert.Single(Cmdlets.Value, c => c.Name == name);

        private static CmdletParameterInfo Parameter(string cmdlet, string parameter) => Assert.Single(Cmdlet(cmdlet).Parameters, p => p.Name == parameter);

        [Fact]
        public void ExactlyTheSurfaceCmdlets()
        {
            Assert.Equal(
                new[] { "Compare-TurnstileWidget", "Connect-Turnstile", "Disconnect-Turnstile", "Export-TurnstileWidget", "Get-TurnstileAnalytics", "Get-TurnstileConnection", "Get-TurnstileWidget", "Invoke-TurnstileSecretRotation", "New-TurnstileWidget", "Remove-TurnstileWidget", "Set-TurnstileWidget", "Sync-TurnstileWidget", "Test-TurnstileWidgetSecret" },
                Cmdlets.Value.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(Cmdlets.Value, c => Assert.StartsWith(CommandsNamespace + ".", c.ClassName, StringComparison.Ordinal));
            Assert.All(Cmdlets.Value, c => Assert.NotEmpty(c.OutputTypes));
        }

        [Theory]
        [InlineData("Connect-Turnstile", "Environment", false, null, false, "TurnstileWidgets.TurnstileConnection")]
        [InlineData("Get-TurnstileConnection", null, false, null, false, "TurnstileWidgets.TurnstileConnection")]
        [InlineData("Get-TurnstileWidget", "List", false, null, true, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("New-TurnstileWidget", null, true, "Medium", false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Set-TurnstileWidget", "ByInputObject", true, "Medium", false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Remove-TurnstileWidget", "ByInputObject", true, "High", false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Invoke-TurnstileSecretRotation", "ByInputObject", true, "High", false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Export-TurnstileWidget", null, true, "Low", false, "System.IO.FileInfo")]
        [InlineData("Compare-TurnstileWidget", "ByPath", false, null, false, "TurnstileWidgets.TurnstileWidgetChange")]
        [InlineData("Sync-TurnstileWidget", "ByPath", true, "Medium", false, "TurnstileWidgets.TurnstileWidgetChange")]
        [InlineData("Get-TurnstileAnalytics", "Account", false, null, false, "TurnstileWidgets.TurnstileWidgetAnalytics")]
        [InlineData("Test-TurnstileWidgetSecret", "ByInputObject", false, null, false, "TurnstileWidgets.TurnstileSecretCheck")]
        public void CmdletOptions(string name, string? defaultSet, bool supportsShouldProcess, string? confirmImpact, bool supportsPaging, string outputType)
        {
            CmdletInfo cmdlet = Cmdlet(name);
            Assert.Equal(defaultSet, cmdlet.DefaultParameterSetName);
            Assert.Equal(supportsShouldProcess, cmdlet.SupportsShouldProcess);
            Assert.Equal(confirmImpact, cmdlet.ConfirmImpact);
            Assert.Equal(supportsPaging, cmdlet.SupportsPaging);
            Assert.Contains(outputType, cmdlet.OutputTypes);
        }

        [Theory]
        [InlineData("Connect-Turnstile",
            "AccountId:System.String:(all)",
            "ApiBaseUri:System.Uri:(all)",
            "ApiKey:System.Security.SecureString:ApiKey,Mandatory",
            "ApiToken:System.Security.SecureString:ApiToken,Mandatory",
            "Email:System.String:ApiKey,Mandatory",
            "Name:System.String:(all)",
            "MaxBlockWait:System.TimeSpan:(all)",
            "NoPacing:System.Management.Automation.SwitchParameter:(all)",
            "OperationTimeout:System.TimeSpan:(all)",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "RequestTimeout:System.TimeSpan:(all)",
            "SiteverifyUri:System.Uri:(all)")]
        [InlineData("Get-TurnstileAnalytics",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "GroupBy:System.String:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "Since:System.DateTime:(all)",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName",
            "Until:System.DateTime:(all)")]
        [InlineData("Test-TurnstileWidgetSecret",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "Secret:System.Security.SecureString:BySitekey,Mandatory,Position=1,ValueFromPipelineByPropertyName",
            "Sitekey:System.String:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Get-TurnstileConnection",
            "Name:System.String[]:(all),Position=0")]
        [InlineData("Disconnect-Turnstile",
            "Name:System.String[]:(all),Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Get-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "AsPlainText:System.Management.Automation.SwitchParameter:BySitekey",
            "Descending:System.Management.Automation.SwitchParameter:List|ByName",
            "Filter:System.String:List",
            "Name:System.String[]:ByName,Mandatory",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipeline,ValueFromPipelineByPropertyName",
            "SortBy:System.String:List|ByName")]
        [InlineData("New-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "AsPlainText:System.Management.Automation.SwitchParameter:(all)",
            "BotFightMode:System.Management.Automation.SwitchParameter:(all),ValueFromPipelineByPropertyName",
            "ClearanceLevel:System.String:(all),ValueFromPipelineByPropertyName",
            "Domain:System.String[]:(all),Mandatory,ValueFromPipelineByPropertyName",
            "EphemeralId:System.Management.Automation.SwitchParameter:(all),ValueFromPipelineByPropertyName",
            "Mode:System.String:(all),ValueFromPipelineByPropertyName",
            "Name:System.String:(all),Mandatory,ValueFromPipelineByPropertyName",
            "Offlabel:System.Management.Automation.SwitchParameter:(all),ValueFromPipelineByPropertyName",
            "Region:System.String:(all),ValueFromPipelineByPropertyName")]
        [InlineData("Set-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "AddDomain:System.String[]:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "BotFightMode:System.Management.Automation.SwitchParameter:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "ClearanceLevel:System.String:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "Domain:System.String[]:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "EphemeralId:System.Management.Automation.SwitchParameter:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "MaxReadAge:System.TimeSpan:(all)",
            "Mode:System.String:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "Name:System.String:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "Offlabel:System.Management.Automation.SwitchParameter:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Region:System.String:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "RemoveDomain:System.String[]:BySitekey|ByInputObject,ValueFromPipelineByPropertyName",
            "Sitekey:System.String:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Remove-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "Force:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Invoke-TurnstileSecretRotation",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "AsPlainText:System.Management.Automation.SwitchParameter:(all)",
            "Force:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "InvalidateImmediately:System.Management.Automation.SwitchParameter:(all)",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Export-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "ExcludeSitekey:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget[]:(all),ValueFromPipeline",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Path:System.String:(all),Mandatory,Position=0")]
        [InlineData("Compare-TurnstileWidget",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "InputObject:System.Management.Automation.PSObject:ByInputObject,Mandatory,ValueFromPipeline",
            "Path:System.String:ByPath,Mandatory,Position=0",
            "Prune:System.Management.Automation.SwitchParameter:(all)")]
        [InlineData("Sync-TurnstileWidget",
            "AllowEmptyDesiredState:System.Management.Automation.SwitchParameter:(all)",
            "Connection:TurnstileWidgets.TurnstileConnection:(all)",
            "Force:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:System.Management.Automation.PSObject:ByInputObject,Mandatory,ValueFromPipeline",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Path:System.String:ByPath,Mandatory,Position=0",
            "Prune:System.Management.Automation.SwitchParameter:(all)")]
        public void Parameters(string name, params string[] expected)
        {
            CmdletInfo cmdlet = Cmdlet(name);
            IEnumerable<string> actual = cmdlet.Parameters.Select(Describe).OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(s => s, StringComparer.Ordinal), actual);
            Assert.Empty(cmdlet.NonPublicParameterMembers);
        }

        [Fact]
        public void ParameterTypesAreBclOrPowerShellOrTheModulesOwnOutputTypes()
        {
            foreach (CmdletInfo cmdlet in Cmdlets.Value)
            {
                foreach (CmdletParameterInfo parameter in cmdlet.Parameters)
                {
                    bool allowed = parameter.TypeFullName.StartsWith("System.", StringComparison.Ordinal) || parameter.TypeFullName.StartsWith("TurnstileWidgets.TurnstileWidget", StringComparison.Ordinal)
                        || parameter.TypeFullName == "TurnstileWidgets.TurnstileConnection";
                    Assert.True(allowed, cmdlet.Name + " -" + parameter.Name + " has type " + parameter.TypeFullName);
                }
            }
        }

        [Fact]
        public void NoCommandTypeHoldsAFieldOfAnEngineType()
        {
            // The types PowerShell reflects over (cmdlets, their base, completers, transformations); the closures
            // and state machines nested in them run only inside a command and may hold engine objects.
            List<DeclaredTypeInfo> commandTypes = CmdletMetadata.ReadTypes(CmdletMetadata.DefaultAssemblyPath)
                .Where(t => (t.Namespace == CommandsNamespace || t.Namespace == "TurnstileWidgets.Completion" || t.Namespace == "TurnstileWidgets.Parameters") && !t.IsNested)
                .ToList();
            Assert.Subset(commandTypes.Select(t => t.FullName).ToHashSet(StringComparer.Ordinal), Cmdlets.Value.Select(c => c.ClassName).ToHashSet(StringComparer.Ordinal));
            foreach (DeclaredTypeInfo type in commandTypes)
            {
                Assert.DoesNotContain(type.FieldTypes, t => t.StartsWith("TurnstileWidgets.Engine", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void WildcardsAndCompletersWhereTheSurfaceSaysSo()
        {
            CmdletParameterInfo namePattern = Parameter("Get-TurnstileWidget", "Name");
            Assert.True(namePattern.SupportsWildcards);
            Assert.Contains(Automation + "SupportsWildcardsAttribute", namePattern.AttributeTypeNames);
            foreach (string name in new[] { "Get-TurnstileWidget", "Set-TurnstileWidget", "Remove-TurnstileWidget", "Invoke-TurnstileSecretRotation", "Get-TurnstileAnalytics", "Test-TurnstileWidgetSecret" })
            {
                Assert.Contains(Automation + "ArgumentCompleterAttribute", Parameter(name, "Sitekey").AttributeTypeNames);
            }

            Assert.Contains(Automation + "ArgumentCompleterAttribute", namePattern.AttributeTypeNames);
            Assert.Contains("TurnstileWidgets.Parameters.CsvBooleanTransformationAttribute", Parameter("New-TurnstileWidget", "BotFightMode").AttributeTypeNames);
            foreach (CmdletInfo cmdlet in Cmdlets.Value.Where(c => c.Parameters.Any(p => p.Name == "Connection")))
            {
                Assert.Contains(Automation + "ArgumentCompleterAttribute", Parameter(cmdlet.Name, "Connection").AttributeTypeNames);
                Assert.Contains("TurnstileWidgets.Parameters.TurnstileConnectionTransformationAttribute", Parameter(cmdlet.Name, "Connection").AttributeTypeNames);
            }

            Assert.Equal(10, Cmdlets.Value.Count(c => c.Parameters.Any(p => p.Name == "Connection")));
            Assert.True(Parameter("Get-TurnstileConnection", "Name").SupportsWildcards);
        }

        /// <summary>
        /// <c>Name:Type:Sets,Flags</c>: the sets in declaration order joined by <c>|</c> (<c>(all)</c> for none named), then every
        /// flag that any of the parameter's [Parameter] attributes sets, sorted.
        /// </summary>
        private static string Describe(CmdletParameterInfo parameter)
        {
            string sets = string.Join("|", parameter.Sets.Select(s => s.IsAllSets ? "(all)" : s.ParameterSetName));
            var flags = new SortedSet<string>(StringComparer.Ordinal);
            foreach (ParameterSetInfo set in parameter.Sets)
            {
                if (set.Mandatory) flags.Add("Mandatory");
                if (set.Position is int position) flags.Add("Position=" + position);
                if (set.ValueFromPipeline) flags.Add("ValueFromPipeline");
                if (set.ValueFromPipelineByPropertyName) flags.Add("ValueFromPipelineByPropertyName");
                if (set.ValueFromRemainingArguments) flags.Add("ValueFromRemainingArguments");
                if (set.DontShow) flags.Add("DontShow");
            }

            return parameter.Name + ":" + parameter.TypeFullName + ":" + string.Join(",", new[] { sets }.Concat(flags));
        }
    }
}
