namespace TurnstileWidgets.Tests { public class Placeholder { [Fact] public void Builds() { } } }
