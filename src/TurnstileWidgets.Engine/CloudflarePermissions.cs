namespace TurnstileWidgets.Engine
{
    /// <summary>The API token permissions the widgets API needs, by the names Cloudflare's dashboard gives them.</summary>
    public static class CloudflarePermissions
    {
        /// <summary>Enough to list and read widgets.</summary>
        public const string Read = "Turnstile Sites Read";

        /// <summary>Needed to create, change, rotate and delete widgets (includes reading).</summary>
        public const string Write = "Turnstile Sites Write";
    }
}
