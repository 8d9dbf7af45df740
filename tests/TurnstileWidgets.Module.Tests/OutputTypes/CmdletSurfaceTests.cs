using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace TurnstileWidgets.Module.Tests.OutputTypes
{
    /// <summary>
    /// The cmdlet classes against surface.md, read from the assembly's metadata: PowerShell is not installed, so the
    /// classes (which derive from PSCmdlet) cannot be loaded, but their attributes and property types can be read.
    /// </summary>
    public class CmdletSurfaceTests
    {
        private sealed record ParameterInfo(string Name, string Type, IReadOnlyList<string> Attributes);

        private sealed record CmdletInfo(string ClassName, string Name, IReadOnlyDictionary<string, object?> Options, IReadOnlyList<string> OutputTypes, IReadOnlyList<ParameterInfo> Parameters, IReadOnlyList<string> FieldTypes);

        private static readonly Lazy<IReadOnlyList<CmdletInfo>> Cmdlets = new Lazy<IReadOnlyList<CmdletInfo>>(Read);

        private static CmdletInfo Cmdlet(string name) => Assert.Single(Cmdlets.Value, c => c.Name == name);

        [Fact]
        public void ExactlyTheSurfaceCmdlets()
        {
            Assert.Equal(
                new[] { "Connect-Turnstile", "Disconnect-Turnstile", "Get-TurnstileConnection", "Get-TurnstileWidget", "Invoke-TurnstileSecretRotation", "New-TurnstileWidget", "Remove-TurnstileWidget", "Set-TurnstileWidget" },
                Cmdlets.Value.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(Cmdlets.Value, c => Assert.NotEmpty(c.OutputTypes));
        }

        [Theory]
        [InlineData("Connect-Turnstile", "Environment", false, null, false, "TurnstileWidgets.TurnstileConnection")]
        [InlineData("Get-TurnstileConnection", null, false, null, false, "TurnstileWidgets.TurnstileConnection")]
        [InlineData("Get-TurnstileWidget", "List", false, null, true, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("New-TurnstileWidget", null, true, 2, false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Set-TurnstileWidget", "BySitekey", true, 2, false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Remove-TurnstileWidget", "BySitekey", true, 3, false, "TurnstileWidgets.TurnstileWidget")]
        [InlineData("Invoke-TurnstileSecretRotation", "BySitekey", true, 3, false, "TurnstileWidgets.TurnstileWidget")]
        public void CmdletOptions(string name, string? defaultSet, bool supportsShouldProcess, int? confirmImpact, bool supportsPaging, string outputType)
        {
            CmdletInfo cmdlet = Cmdlet(name);
            Assert.Equal(defaultSet, cmdlet.Options.TryGetValue("DefaultParameterSetName", out object? set) ? set : null);
            Assert.Equal(supportsShouldProcess, cmdlet.Options.TryGetValue("SupportsShouldProcess", out object? should) && (bool)should!);
            Assert.Equal(confirmImpact, cmdlet.Options.TryGetValue("ConfirmImpact", out object? impact) ? (int?)impact : null);
            Assert.Equal(supportsPaging, cmdlet.Options.TryGetValue("SupportsPaging", out object? paging) && (bool)paging!);
            Assert.Contains(outputType, cmdlet.OutputTypes);
        }

        [Theory]
        [InlineData("Connect-Turnstile",
            "AccountId:System.String:(all)",
            "ApiBaseUri:System.Uri:(all)",
            "ApiKey:System.Security.SecureString:ApiKey,Mandatory",
            "ApiToken:System.Security.SecureString:ApiToken,Mandatory",
            "Email:System.String:ApiKey,Mandatory",
            "PassThru:System.Management.Automation.SwitchParameter:(all)")]
        [InlineData("Get-TurnstileConnection")]
        [InlineData("Disconnect-Turnstile")]
        [InlineData("Get-TurnstileWidget",
            "AsPlainText:System.Management.Automation.SwitchParameter:BySitekey",
            "Descending:System.Management.Automation.SwitchParameter:List|ByName",
            "Filter:System.String:List",
            "Name:System.String:ByName,Mandatory",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipeline,ValueFromPipelineByPropertyName",
            "SortBy:System.String:List|ByName")]
        [InlineData("New-TurnstileWidget",
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
            "AddDomain:System.String[]:(all)",
            "BotFightMode:System.Management.Automation.SwitchParameter:(all)",
            "ClearanceLevel:System.String:(all)",
            "Domain:System.String[]:(all)",
            "EphemeralId:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "Mode:System.String:(all)",
            "Name:System.String:(all)",
            "Offlabel:System.Management.Automation.SwitchParameter:(all)",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Region:System.String:(all)",
            "RemoveDomain:System.String[]:(all)",
            "Sitekey:System.String:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Remove-TurnstileWidget",
            "Force:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "PassThru:System.Management.Automation.SwitchParameter:(all)",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        [InlineData("Invoke-TurnstileSecretRotation",
            "AsPlainText:System.Management.Automation.SwitchParameter:(all)",
            "Force:System.Management.Automation.SwitchParameter:(all)",
            "InputObject:TurnstileWidgets.TurnstileWidget:ByInputObject,Mandatory,ValueFromPipeline",
            "InvalidateImmediately:System.Management.Automation.SwitchParameter:(all)",
            "Sitekey:System.String[]:BySitekey,Mandatory,Position=0,ValueFromPipelineByPropertyName")]
        public void Parameters(string name, params string[] expected)
        {
            CmdletInfo cmdlet = Cmdlet(name);
            IEnumerable<string> actual = cmdlet.Parameters.Select(p => p.Name + ":" + p.Type + ":" + string.Join(",", p.Attributes)).OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(s => s, StringComparer.Ordinal), actual);
        }

        [Fact]
        public void ParameterTypesAreBclOrPowerShellOrTheModulesOwnOutputTypes()
        {
            foreach (CmdletInfo cmdlet in Cmdlets.Value)
            {
                foreach (ParameterInfo parameter in cmdlet.Parameters)
                {
                    bool allowed = parameter.Type.StartsWith("System.", StringComparison.Ordinal) || parameter.Type == "TurnstileWidgets.TurnstileWidget";
                    Assert.True(allowed, cmdlet.Name + " -" + parameter.Name + " has type " + parameter.Type);
                }
            }
        }

        [Fact]
        public void NoCommandTypeHoldsAFieldOfAnEngineType()
        {
            foreach (CmdletInfo cmdlet in Cmdlets.Value)
            {
                Assert.DoesNotContain(cmdlet.FieldTypes, t => t.StartsWith("TurnstileWidgets.Engine", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void WildcardsAndCompletersWhereTheSurfaceSaysSo()
        {
            Assert.Contains("SupportsWildcards", Cmdlet("Get-TurnstileWidget").Parameters.Single(p => p.Name == "Name").Attributes.Concat(Markers("Get-TurnstileWidget", "Name")));
            foreach (string name in new[] { "Get-TurnstileWidget", "Set-TurnstileWidget", "Remove-TurnstileWidget", "Invoke-TurnstileSecretRotation" })
            {
                Assert.Contains("ArgumentCompleter", Markers(name, "Sitekey"));
            }

            Assert.Contains("ArgumentCompleter", Markers("Get-TurnstileWidget", "Name"));
            Assert.Contains("CsvBooleanTransformation", Markers("New-TurnstileWidget", "BotFightMode"));
        }

        private static IEnumerable<string> Markers(string cmdlet, string parameter) => PropertyAttributeNames.Value[(cmdlet, parameter)];

        private static readonly Lazy<Dictionary<(string, string), List<string>>> PropertyAttributeNames = new Lazy<Dictionary<(string, string), List<string>>>(() =>
        {
            var result = new Dictionary<(string, string), List<string>>();
            Walk((cmdletName, propertyName, attributeName, _) =>
            {
                if (propertyName == null) return;
                if (!result.TryGetValue((cmdletName, propertyName), out List<string>? list)) result[(cmdletName, propertyName)] = list = new List<string>();
                list.Add(attributeName.EndsWith("Attribute", StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - "Attribute".Length) : attributeName);
            });
            return result;
        });

        private static IReadOnlyList<CmdletInfo> Read()
        {
            var cmdlets = new List<CmdletInfo>();
            using var stream = File.OpenRead(typeof(TurnstileWidget).Assembly.Location);
            using var pe = new PEReader(stream);
            MetadataReader reader = pe.GetMetadataReader();
            var provider = new TypeNames();
            foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
            {
                TypeDefinition type = reader.GetTypeDefinition(handle);
                if (reader.GetString(type.Namespace) != "TurnstileWidgets.Commands") continue;
                string? name = null;
                var options = new Dictionary<string, object?>();
                var outputTypes = new List<string>();
                foreach (CustomAttributeHandle attributeHandle in type.GetCustomAttributes())
                {
                    CustomAttribute attribute = reader.GetCustomAttribute(attributeHandle);
                    string attributeName = AttributeTypeName(reader, attribute);
                    CustomAttributeValue<string> value = attribute.DecodeValue(provider);
                    if (attributeName == "CmdletAttribute")
                    {
                        name = value.FixedArguments[0].Value + "-" + value.FixedArguments[1].Value;
                        foreach (CustomAttributeNamedArgument<string> named in value.NamedArguments) options[named.Name!] = named.Value;
                    }
                    else if (attributeName == "OutputTypeAttribute")
                    {
                        foreach (CustomAttributeTypedArgument<string> argument in value.FixedArguments)
                        {
                            if (argument.Value is ImmutableArray<CustomAttributeTypedArgument<string>> many) outputTypes.AddRange(many.Select(a => (string)a.Value!));
                            else outputTypes.Add((string)argument.Value!);
                        }
                    }
                }

                if (name == null) continue;
                var parameters = new List<ParameterInfo>();
                foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
                {
                    PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
                    var sets = new List<string>();
                    var flags = new SortedSet<string>(StringComparer.Ordinal);
                    bool isParameter = false;
                    foreach (CustomAttributeHandle attributeHandle in property.GetCustomAttributes())
                    {
                        CustomAttribute attribute = reader.GetCustomAttribute(attributeHandle);
                        if (AttributeTypeName(reader, attribute) != "ParameterAttribute") continue;
                        isParameter = true;
                        string set = "(all)";
                        foreach (CustomAttributeNamedArgument<string> named in attribute.DecodeValue(provider).NamedArguments)
                        {
                            if (named.Name == "ParameterSetName") set = (string)named.Value!;
                            else if (named.Name == "Position") flags.Add("Position=" + named.Value);
                            else if (named.Value is bool on && on) flags.Add(named.Name!);
                        }

                        sets.Add(set);
                    }

                    if (!isParameter) continue;
                    string propertyType = property.DecodeSignature(provider, null).ReturnType;
                    parameters.Add(new ParameterInfo(reader.GetString(property.Name), propertyType, new[] { string.Join("|", sets) }.Concat(flags).ToList()));
                }

                var fieldTypes = new List<string>();
                foreach (TypeDefinitionHandle candidate in reader.TypeDefinitions)
                {
                    TypeDefinition commandType = reader.GetTypeDefinition(candidate);
                    if (reader.GetString(commandType.Namespace) != "TurnstileWidgets.Commands") continue;
                    foreach (FieldDefinitionHandle fieldHandle in commandType.GetFields())
                    {
                        fieldTypes.Add(reader.GetFieldDefinition(fieldHandle).DecodeSignature(provider, null));
                    }
                }

                cmdlets.Add(new CmdletInfo(reader.GetString(type.Name), name, options, outputTypes, parameters, fieldTypes));
            }

            return cmdlets;
        }

        private static void Walk(Action<string, string?, string, CustomAttribute> visit)
        {
            using var stream = File.OpenRead(typeof(TurnstileWidget).Assembly.Location);
            using var pe = new PEReader(stream);
            MetadataReader reader = pe.GetMetadataReader();
            var provider = new TypeNames();
            foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
            {
                TypeDefinition type = reader.GetTypeDefinition(handle);
                if (reader.GetString(type.Namespace) != "TurnstileWidgets.Commands") continue;
                string? cmdletName = null;
                foreach (CustomAttributeHandle attributeHandle in type.GetCustomAttributes())
                {
                    CustomAttribute attribute = reader.GetCustomAttribute(attributeHandle);
                    if (AttributeTypeName(reader, attribute) == "CmdletAttribute")
                    {
                        CustomAttributeValue<string> value = attribute.DecodeValue(provider);
                        cmdletName = value.FixedArguments[0].Value + "-" + value.FixedArguments[1].Value;
                    }
                }

                if (cmdletName == null) continue;
                foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
                {
                    PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
                    foreach (CustomAttributeHandle attributeHandle in property.GetCustomAttributes())
                    {
                        CustomAttribute attribute = reader.GetCustomAttribute(attributeHandle);
                        visit(cmdletName, reader.GetString(property.Name), AttributeTypeName(reader, attribute), attribute);
                    }
                }
            }
        }

        private static string AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
        {
            EntityHandle parent = attribute.Constructor.Kind switch
            {
                HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
                HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
                _ => default,
            };
            return parent.Kind switch
            {
                HandleKind.TypeReference => reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name),
                HandleKind.TypeDefinition => reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)parent).Name),
                _ => "",
            };
        }

        /// <summary>Decodes signatures and attribute arguments to full type names.</summary>
        private sealed class TypeNames : ISignatureTypeProvider<string, object?>, ICustomAttributeTypeProvider<string>
        {
            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
            {
                TypeDefinition definition = reader.GetTypeDefinition(handle);
                return reader.GetString(definition.Namespace) + "." + reader.GetString(definition.Name);
            }

            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                TypeReference reference = reader.GetTypeReference(handle);
                return reader.GetString(reference.Namespace) + "." + reader.GetString(reference.Name);
            }

            public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

            public string GetSZArrayType(string elementType) => elementType + "[]";
            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
            public string GetByReferenceType(string elementType) => elementType + "&";
            public string GetPointerType(string elementType) => elementType + "*";
            public string GetPinnedType(string elementType) => elementType;
            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
            public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
            public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
            public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
            public string GetSystemType() => "System.Type";
            public bool IsSystemType(string type) => type == "System.Type";
            public string GetTypeFromSerializedName(string name) => name.Split(',')[0];
            public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;
        }
    }
}
