using System;
using System.Globalization;
using System.Linq;
using System.Security;

namespace TurnstileWidgets
{
    /// <summary>
    /// One difference between a desired-state file and the account, as Compare-TurnstileWidget shows it and
    /// Sync-TurnstileWidget -PassThru reports it once applied.
    /// </summary>
    public sealed class TurnstileWidgetChange
    {
        /// <summary><c>Create</c>, <c>Update</c> or <c>Remove</c>.</summary>
        public string Action { get; set; } = "";

        /// <summary>The widget's name (its new name when the change renames it).</summary>
        public string Name { get; set; } = "";

        /// <summary>The widget's sitekey; null for a Create until Sync has created it.</summary>
        public string? Sitekey { get; set; }

        /// <summary>Each setting that differs; for a Create, each setting the widget gets; for a Remove, none.</summary>
        public TurnstileWidgetPropertyChangeList Changes { get; set; } = new TurnstileWidgetPropertyChangeList();

        /// <summary>A widget Sync-TurnstileWidget created: its secret, read-only (the API shows it only in the create answer). Null otherwise.</summary>
        public SecureString? Secret { get; set; }

        /// <summary>The account the widget is in.</summary>
        public string AccountId { get; set; } = "";

        /// <summary>For an update or removal: how the live widget was created (<c>dashboard</c>, <c>api</c>, <c>wrangler</c>, ...); null for a create or when the API did not say.</summary>
        public string? DeployedVia { get; set; }

        /// <summary>For an update or removal: how the live widget was last changed; <c>dashboard</c> here means someone changed it outside the file. Null for a create or when the API did not say.</summary>
        public string? LastModifiedVia { get; set; }

        /// <summary><c>Update shop (0x4AAA...): Mode, Domains</c>, control characters made visible; never the secret.</summary>
        public override string ToString() =>
            Action + " " + DisplayText.Visible(Name) + (Sitekey == null ? "" : " (" + DisplayText.Visible(Sitekey) + ")")
            + (Changes.Count == 0 ? "" : ": " + string.Join(", ", Changes.Select(c => c.Property)));
    }

    /// <summary>One setting of a <see cref="TurnstileWidgetChange"/>: the live value and the file's value.</summary>
    public sealed class TurnstileWidgetPropertyChange
    {
        /// <summary>The TurnstileWidget property, e.g. <c>Mode</c>.</summary>
        public string Property { get; set; } = "";

        /// <summary>The value now (null for a Create): text, a Boolean, or a string array for Domains.</summary>
        public object? Current { get; set; }

        /// <summary>The value the file asks for.</summary>
        public object? Desired { get; set; }

        /// <summary><c>Mode: managed -> invisible</c>, control characters made visible.</summary>
        public override string ToString() => Property + ": " + Show(Current) + " -> " + Show(Desired);

        internal static string Show(object? value) => value switch
        {
            null => "(none)",
            System.Collections.Generic.IEnumerable<string> list => DisplayText.Domains(list),
            bool flag => flag ? "True" : "False",
            _ => DisplayText.Visible(Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
    }
}
