using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace TurnstileWidgets.Module.Tests.Help
{
    /// <summary>
    /// The cmdlets of a built assembly, read with System.Reflection.Metadata. The cmdlet assembly is
    /// compiled against PowerShellStandard.Library, a reference assembly only, so its types cannot be
    /// loaded by reflection in a test process; the metadata tables can still be read, without loading.
    /// </summary>
    internal static class CmdletMetadata
    {
        internal const string AllParameterSets = "__AllParameterSets";

        private const string AutomationNamespace = "System.Management.Automation";

        /// <summary>The cmdlet assembly as built beside the test assembly (copied there by the project reference).</summary>
        internal static string DefaultAssemblyPath => Path.Combine(AppContext.BaseDirectory, "TurnstileWidgets.dll");

        /// <summary>Every non-abstract class of the assembly with a [Cmdlet] attribute, ordered by cmdlet name.</summary>
        internal static IReadOnlyList<CmdletInfo> Read(string assemblyPath)
        {
            using var peReader = OpenAssembly(assemblyPath);
            var reader = peReader.GetMetadataReader();
            var provider = new TypeNameProvider();
            var cmdlets = new List<CmdletInfo>();

            foreach (var typeHandle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(typeHandle);
                if ((type.Attributes & TypeAttributes.Abstract) != 0)
                {
                    continue;
                }

                var cmdletAttribute = FindAttribute(reader, type.GetCustomAttributes(), "CmdletAttribute");
                if (cmdletAttribute is null)
                {
                    continue;
                }

                var cmdletValue = cmdletAttribute.Value.DecodeValue(provider);
                var verb = (string?)cmdletValue.FixedArguments[0].Value ?? "";
                var noun = (string?)cmdletValue.FixedArguments[1].Value ?? "";
                var named = NamedArguments(cmdletValue);

                var outputTypes = new List<string>();
                foreach (var handle in type.GetCustomAttributes())
                {
                    var attribute = reader.GetCustomAttribute(handle);
                    if (AttributeTypeName(reader, attribute) == AutomationNamespace + ".OutputTypeAttribute")
                    {
                        var value = attribute.DecodeValue(provider);
                        foreach (var item in ArrayArgument(value))
                        {
                            if (item is string name)
                            {
                                outputTypes.Add(name);
                            }
                        }
                    }
                }

                var (parameters, nonPublicParameterMembers) = ReadParameters(reader, provider, typeHandle);
                cmdlets.Add(new CmdletInfo(
                    verb,
                    noun,
                    TypeFullName(reader, typeHandle),
                    named.TryGetValue("SupportsShouldProcess", out var shouldProcess) && shouldProcess is true,
                    named.TryGetValue("SupportsPaging", out var paging) && paging is true,
                    named.TryGetValue("DefaultParameterSetName", out var defaultSet) ? defaultSet as string : null,
                    named.TryGetValue("ConfirmImpact", out var impact) && impact is int impactValue ? ConfirmImpactName(impactValue) : null,
                    outputTypes,
                    parameters)
                {
                    NonPublicParameterMembers = nonPublicParameterMembers,
                });
            }

            return cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// Every type the assembly defines, nested and compiler-generated ones included, with the types of
        /// the fields each declares itself (static and instance, any accessibility), in metadata order.
        /// </summary>
        internal static IReadOnlyList<DeclaredTypeInfo> ReadTypes(string assemblyPath)
        {
            using var peReader = OpenAssembly(assemblyPath);
            var reader = peReader.GetMetadataReader();
            var provider = new TypeNameProvider();
            var types = new List<DeclaredTypeInfo>();
            foreach (var typeHandle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(typeHandle);
                var outermost = type;
                while (!outermost.GetDeclaringType().IsNil)
                {
                    outermost = reader.GetTypeDefinition(outermost.GetDeclaringType());
                }

                types.Add(new DeclaredTypeInfo(
                    TypeFullName(reader, typeHandle),
                    reader.GetString(outermost.Namespace),
                    !type.GetDeclaringType().IsNil,
                    type.GetFields().Select(f => reader.GetFieldDefinition(f).DecodeSignature(provider, null)).ToList()));
            }

            return types;
        }

        private static PEReader OpenAssembly(string assemblyPath)
        {
            if (!File.Exists(assemblyPath))
            {
                throw new FileNotFoundException(
                    $"The cmdlet assembly was not found at '{assemblyPath}'. Build the test project, which copies it there.",
                    assemblyPath);
            }

            // PEReader owns the stream and closes it when disposed.
            return new PEReader(File.OpenRead(assemblyPath));
        }

        private static string ConfirmImpactName(int value) => value switch
        {
            0 => "None",
            1 => "Low",
            2 => "Medium",
            3 => "High",
            _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        /// <summary>
        /// The parameters, and the names of non-public members that carry [Parameter]: PowerShell binds only
        /// public members, so such an attribute is silently ignored and the parameter is missing.
        /// </summary>
        private static (IReadOnlyList<CmdletParameterInfo> Parameters, IReadOnlyList<string> NonPublicParameterMembers) ReadParameters(
            MetadataReader reader, TypeNameProvider provider, TypeDefinitionHandle typeHandle)
        {
            // Walks from the cmdlet class to its base classes in the same assembly; a derived
            // class's property hides a base property of the same name, as PowerShell sees it.
            var parameters = new Dictionary<string, CmdletParameterInfo>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();
            var nonPublic = new List<string>();
            TypeDefinitionHandle? current = typeHandle;
            while (current is { } handle)
            {
                var type = reader.GetTypeDefinition(handle);
                foreach (var propertyHandle in type.GetProperties())
                {
                    var property = reader.GetPropertyDefinition(propertyHandle);
                    var name = reader.GetString(property.Name);
                    if (parameters.ContainsKey(name))
                    {
                        continue;
                    }

                    if (!IsPublic(reader, property))
                    {
                        if (FindAttribute(reader, property.GetCustomAttributes(), "ParameterAttribute") is not null)
                        {
                            nonPublic.Add(name);
                        }

                        continue;
                    }

                    var typeName = property.DecodeSignature(provider, null).ReturnType;
                    var parameter = ReadParameter(reader, provider, name, typeName, property.GetCustomAttributes());
                    if (parameter is not null)
                    {
                        parameters.Add(name, parameter);
                        order.Add(name);
                    }
                }

                foreach (var fieldHandle in type.GetFields())
                {
                    var field = reader.GetFieldDefinition(fieldHandle);
                    var name = reader.GetString(field.Name);
                    if (parameters.ContainsKey(name))
                    {
                        continue;
                    }

                    if ((field.Attributes & FieldAttributes.FieldAccessMask) != FieldAttributes.Public)
                    {
                        if (FindAttribute(reader, field.GetCustomAttributes(), "ParameterAttribute") is not null)
                        {
                            nonPublic.Add(name);
                        }

                        continue;
                    }

                    var typeName = field.DecodeSignature(provider, null);
                    var parameter = ReadParameter(reader, provider, name, typeName, field.GetCustomAttributes());
                    if (parameter is not null)
                    {
                        parameters.Add(name, parameter);
                        order.Add(name);
                    }
                }

                current = type.BaseType.Kind == HandleKind.TypeDefinition ? (TypeDefinitionHandle)type.BaseType : null;
            }

            return (order.Select(n => parameters[n]).ToList(), nonPublic);
        }

        private static bool IsPublic(MetadataReader reader, PropertyDefinition property)
        {
            var accessors = property.GetAccessors();
            var accessor = !accessors.Getter.IsNil ? accessors.Getter : accessors.Setter;
            if (accessor.IsNil)
            {
                return false;
            }

            var method = reader.GetMethodDefinition(accessor);
            return (method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public;
        }

        private static CmdletParameterInfo? ReadParameter(MetadataReader reader, TypeNameProvider provider, string name, string typeFullName, CustomAttributeHandleCollection attributes)
        {
            var sets = new List<ParameterSetInfo>();
            var aliases = new List<string>();
            List<string>? validateSet = null;
            var supportsWildcards = false;
            var attributeTypeNames = new List<string>();

            foreach (var handle in attributes)
            {
                var attribute = reader.GetCustomAttribute(handle);
                var attributeTypeName = AttributeTypeName(reader, attribute);
                if (attributeTypeName is not null)
                {
                    attributeTypeNames.Add(attributeTypeName);
                }

                switch (attributeTypeName)
                {
                    case AutomationNamespace + ".ParameterAttribute":
                        {
                            var named = NamedArguments(attribute.DecodeValue(provider));
                            var position = named.TryGetValue("Position", out var p) && p is int pos && pos != int.MinValue ? pos : (int?)null;
                            sets.Add(new ParameterSetInfo(
                                named.TryGetValue("ParameterSetName", out var set) && set is string setName && setName.Length > 0 ? setName : AllParameterSets,
                                named.TryGetValue("Mandatory", out var m) && m is true,
                                position,
                                named.TryGetValue("ValueFromPipeline", out var v) && v is true,
                                named.TryGetValue("ValueFromPipelineByPropertyName", out var b) && b is true)
                            {
                                ValueFromRemainingArguments = named.TryGetValue("ValueFromRemainingArguments", out var r) && r is true,
                                DontShow = named.TryGetValue("DontShow", out var d) && d is true,
                            });
                            break;
                        }

                    case AutomationNamespace + ".AliasAttribute":
                        aliases.AddRange(ArrayArgument(attribute.DecodeValue(provider)).OfType<string>());
                        break;

                    case AutomationNamespace + ".ValidateSetAttribute":
                        validateSet ??= new List<string>();
                        validateSet.AddRange(ArrayArgument(attribute.DecodeValue(provider)).OfType<string>());
                        break;

                    case AutomationNamespace + ".SupportsWildcardsAttribute":
                        supportsWildcards = true;
                        break;
                }
            }

            return sets.Count == 0
                ? null
                : new CmdletParameterInfo(name, typeFullName, sets, aliases, validateSet, supportsWildcards)
                {
                    AttributeTypeNames = attributeTypeNames,
                };
        }

        private static CustomAttribute? FindAttribute(MetadataReader reader, CustomAttributeHandleCollection attributes, string name)
        {
            foreach (var handle in attributes)
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (AttributeTypeName(reader, attribute) == AutomationNamespace + "." + name)
                {
                    return attribute;
                }
            }

            return null;
        }

        private static Dictionary<string, object?> NamedArguments(CustomAttributeValue<string> value)
        {
            var named = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var argument in value.NamedArguments)
            {
                if (argument.Name is not null)
                {
                    named[argument.Name] = argument.Value;
                }
            }

            return named;
        }

        /// <summary>The values of a <c>params T[]</c> constructor argument (or of several single ones).</summary>
        private static IEnumerable<object?> ArrayArgument(CustomAttributeValue<string> value)
        {
            foreach (var argument in value.FixedArguments)
            {
                if (argument.Value is ImmutableArray<CustomAttributeTypedArgument<string>> items)
                {
                    foreach (var item in items)
                    {
                        yield return item.Value;
                    }
                }
                else
                {
                    yield return argument.Value;
                }
            }
        }

        private static string? AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
        {
            switch (attribute.Constructor.Kind)
            {
                case HandleKind.MemberReference:
                    var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
                    return parent.Kind switch
                    {
                        HandleKind.TypeReference => TypeFullName(reader, (TypeReferenceHandle)parent),
                        HandleKind.TypeDefinition => TypeFullName(reader, (TypeDefinitionHandle)parent),
                        _ => null,
                    };
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor);
                    return TypeFullName(reader, method.GetDeclaringType());
                default:
                    return null;
            }
        }

        internal static string TypeFullName(MetadataReader reader, TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            var name = reader.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                return TypeFullName(reader, declaring) + "+" + name;
            }

            var ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        internal static string TypeFullName(MetadataReader reader, TypeReferenceHandle handle)
        {
            var type = reader.GetTypeReference(handle);
            var name = reader.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return TypeFullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
            }

            var ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        /// <summary>
        /// Names types as reflection's <see cref="Type.FullName"/> would, less assembly names:
        /// <c>System.String[]</c>, <c>System.Nullable`1[System.Int32]</c>.
        /// </summary>
        private sealed class TypeNameProvider : ICustomAttributeTypeProvider<string>, ISignatureTypeProvider<string, object?>
        {
            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode switch
            {
                PrimitiveTypeCode.IntPtr => "IntPtr",
                PrimitiveTypeCode.UIntPtr => "UIntPtr",
                _ => typeCode.ToString(),
            };

            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeFullName(reader, handle);

            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeFullName(reader, handle);

            public string GetSZArrayType(string elementType) => elementType + "[]";

            public string GetSystemType() => "System.Type";

            public bool IsSystemType(string type) => type == "System.Type";

            // A serialized name may carry its assembly ("Ns.Type, Assembly, Version=..."); only the type counts here.
            public string GetTypeFromSerializedName(string name)
            {
                var comma = name.IndexOf(',', StringComparison.Ordinal);
                var bracket = name.IndexOf('[', StringComparison.Ordinal);
                return comma >= 0 && (bracket < 0 || comma < bracket) ? name.Substring(0, comma).Trim() : name;
            }

            // Every enum that the attributes read here use (ConfirmImpact and the like) is an Int32 enum.
            public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";

            public string GetByReferenceType(string elementType) => elementType + "&";

            public string GetFunctionPointerType(MethodSignature<string> signature) => "System.IntPtr";

            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
                genericType + "[" + string.Join(",", typeArguments) + "]";

            public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

            public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

            public string GetPinnedType(string elementType) => elementType;

            public string GetPointerType(string elementType) => elementType + "*";

            public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        }
    }

    /// <summary>One cmdlet class as its attributes declare it.</summary>
    internal sealed record CmdletInfo(
        string Verb,
        string Noun,
        string ClassName,
        bool SupportsShouldProcess,
        bool SupportsPaging,
        string? DefaultParameterSetName,
        string? ConfirmImpact,
        IReadOnlyList<string> OutputTypes,
        IReadOnlyList<CmdletParameterInfo> Parameters)
    {
        internal string Name => Verb + "-" + Noun;

        /// <summary>Non-public properties and fields with [Parameter], which PowerShell ignores; a correct cmdlet has none.</summary>
        internal IReadOnlyList<string> NonPublicParameterMembers { get; init; } = Array.Empty<string>();

        /// <summary>
        /// The named parameter sets, as Get-Command lists them: every set a [Parameter] names, plus the
        /// default set even when no parameter names it. Empty when the cmdlet has only the implicit set.
        /// </summary>
        internal IReadOnlyList<string> ParameterSetNames
        {
            get
            {
                var names = Parameters
                    .SelectMany(p => p.Sets)
                    .Select(s => s.ParameterSetName)
                    .Where(s => s != CmdletMetadata.AllParameterSets)
                    .ToList();
                if (!string.IsNullOrEmpty(DefaultParameterSetName))
                {
                    names.Add(DefaultParameterSetName!);
                }

                return names.Distinct(StringComparer.Ordinal).ToList();
            }
        }

        /// <summary>The parameters that belong to a named set: those declared for it and those in all sets.</summary>
        internal IEnumerable<CmdletParameterInfo> ParametersIn(string parameterSetName) =>
            Parameters.Where(p => p.Sets.Any(s => s.ParameterSetName == parameterSetName || s.ParameterSetName == CmdletMetadata.AllParameterSets));

        public override string ToString() => Name;
    }

    /// <summary>One parameter: a public property or field with at least one [Parameter] attribute.</summary>
    internal sealed record CmdletParameterInfo(
        string Name,
        string TypeFullName,
        IReadOnlyList<ParameterSetInfo> Sets,
        IReadOnlyList<string> Aliases,
        IReadOnlyList<string>? ValidateSet,
        bool SupportsWildcards)
    {
        /// <summary>
        /// The full type names of every attribute on the property or field, in declaration order:
        /// <c>System.Management.Automation.ArgumentCompleterAttribute</c>. Empty for parameters PowerShell adds.
        /// </summary>
        internal IReadOnlyList<string> AttributeTypeNames { get; init; } = Array.Empty<string>();

        /// <summary>The type's name without its namespace, as platyPS writes it: <c>String[]</c>, <c>SwitchParameter</c>.</summary>
        internal string TypeName => ShortTypeName(TypeFullName);

        internal bool IsSwitch => TypeFullName == "System.Management.Automation.SwitchParameter";

        internal static string ShortTypeName(string fullName)
        {
            var bracket = fullName.IndexOf('[', StringComparison.Ordinal);
            var head = bracket < 0 ? fullName : fullName.Substring(0, bracket);
            var tail = bracket < 0 ? "" : fullName.Substring(bracket);
            var lastDot = head.LastIndexOfAny(new[] { '.', '+' });
            var shortHead = lastDot < 0 ? head : head.Substring(lastDot + 1);

            // Arrays keep their brackets (String[]); generic arguments are dropped (Nullable`1), as Type.Name does.
            return tail.Length > 0 && tail.Trim('[', ']', ',').Length == 0 ? shortHead + tail : shortHead;
        }

        public override string ToString() => Name;
    }

    /// <summary>One [Parameter] attribute of a parameter: its set and how it binds there.</summary>
    internal sealed record ParameterSetInfo(
        string ParameterSetName,
        bool Mandatory,
        int? Position,
        bool ValueFromPipeline,
        bool ValueFromPipelineByPropertyName)
    {
        internal bool ValueFromRemainingArguments { get; init; }

        internal bool DontShow { get; init; }

        internal bool IsAllSets => ParameterSetName == CmdletMetadata.AllParameterSets;
    }

    /// <summary>One type the assembly defines and the types of the fields it declares.</summary>
    /// <param name="FullName">As reflection names it, nested types after a <c>+</c>: <c>Ns.Outer+Inner</c>.</param>
    /// <param name="Namespace">The namespace of the outermost declaring type (metadata gives nested types none).</param>
    /// <param name="IsNested">Declared inside another type, as compiler-generated closures and iterators are.</param>
    /// <param name="FieldTypes">Full type names, generic arguments in brackets: <c>System.Nullable`1[System.Int32]</c>.</param>
    internal sealed record DeclaredTypeInfo(string FullName, string Namespace, bool IsNested, IReadOnlyList<string> FieldTypes)
    {
        public override string ToString() => FullName;
    }
}
