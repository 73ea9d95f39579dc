namespace Serverless.Cli.Tests.Support;

/// <summary>A captured stream that cancels a token once a given text was written to it, as a user presses Ctrl+C on seeing it.</summary>
/// <param name="text">The text to wait for.</param>
/// <param name="cancellation">What to cancel.</param>
public sealed class CancellingWriter(string text, CancellationTokenSource cancellation) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    /// <inheritdoc/>
    public override void Write(string? value)
    {
        base.Write(value);
        if (this.ToString().Contains(text, StringComparison.Ordinal))
        {
            cancellation.Cancel();
        }
    }

    /// <inheritdoc/>
    public override void Write(char value)
    {
        base.Write(value);
        if (value == '\n' && this.ToString().Contains(text, StringComparison.Ordinal))
        {
            cancellation.Cancel();
        }
    }
}
