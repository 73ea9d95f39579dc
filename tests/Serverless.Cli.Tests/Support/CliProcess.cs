using System.Diagnostics;

namespace Serverless.Cli.Tests.Support;

/// <summary>Runs the CLI's build as a user does, as its own process (<c>dotnet Serverless.Cli.dll …</c>).</summary>
public static class CliProcess
{
    /// <summary>Runs the CLI and waits for it to exit.</summary>
    /// <param name="dll">The CLI's dll.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="variables">Environment variables set for it (on top of the test process's).</param>
    /// <param name="workingDirectory">Its working directory.</param>
    /// <param name="timeout">How long it may take; it is killed and the test fails after that.</param>
    /// <returns>The result.</returns>
    public static async Task<CliResult> RunAsync(string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> variables, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not end within {timeout.TotalSeconds:0} s. Output so far:\n{await output}\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
