using System.Diagnostics;
using Azure.Storage.Blobs;
using Serverless.Spark.Data;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends.Local;

/// <summary>
/// Runs a <c>pyspark</c> or <c>jar</c> job through <c>$SPARK_HOME/bin/spark-submit</c> as a child process, with the
/// script, py-files and JARs staged from the account to the job folder first.
/// </summary>
internal sealed class SparkSubmitRunner
{
    private readonly string sparkHome;
    private readonly BlobServiceClient blobs;

    /// <summary>Initializes a new instance of the <see cref="SparkSubmitRunner"/> class.</summary>
    /// <param name="sparkHome">The Spark install.</param>
    /// <param name="blobs">The account's blob service.</param>
    public SparkSubmitRunner(string sparkHome, BlobServiceClient blobs)
    {
        this.sparkHome = sparkHome;
        this.blobs = blobs;
    }

    /// <summary>Runs the job; throws when spark-submit exits with an error.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="jobDirectory">The job folder.</param>
    /// <param name="log">Receives output lines.</param>
    /// <param name="cancellationToken">Kills the process.</param>
    /// <returns>A task.</returns>
    public async Task RunAsync(SparkJobSpec spec, string jobDirectory, Action<string> log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path.Combine(this.sparkHome, "bin", "spark-submit"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--master");
        start.ArgumentList.Add("local[*]");
        start.ArgumentList.Add("--name");
        start.ArgumentList.Add(spec.Name);
        if (spec.Kind == SparkJobKind.Jar)
        {
            start.ArgumentList.Add("--class");
            start.ArgumentList.Add(spec.ClassName!);
        }

        if (spec.PyFiles.Count > 0)
        {
            start.ArgumentList.Add("--py-files");
            start.ArgumentList.Add(string.Join(',', await this.StageAllAsync(spec.PyFiles, jobDirectory, cancellationToken).ConfigureAwait(false)));
        }

        if (spec.Jars.Count > 0)
        {
            start.ArgumentList.Add("--jars");
            start.ArgumentList.Add(string.Join(',', await this.StageAllAsync(spec.Jars, jobDirectory, cancellationToken).ConfigureAwait(false)));
        }

        foreach ((string key, string value) in spec.Conf)
        {
            start.ArgumentList.Add("--conf");
            start.ArgumentList.Add($"{key}={value}");
        }

        if (spec.Resources?.DriverMemory is { } driverMemory)
        {
            start.ArgumentList.Add("--driver-memory");
            start.ArgumentList.Add(driverMemory);
        }

        start.ArgumentList.Add(await this.StageAsync(spec.File!, jobDirectory, cancellationToken).ConfigureAwait(false));
        foreach (string arg in spec.Args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"spark-submit exited with code {process.ExitCode}.");
        }
    }

    private async Task<IReadOnlyList<string>> StageAllAsync(IReadOnlyList<string> files, string jobDirectory, CancellationToken cancellationToken)
    {
        var staged = new List<string>();
        foreach (string file in files)
        {
            staged.Add(await this.StageAsync(file, jobDirectory, cancellationToken).ConfigureAwait(false));
        }

        return staged;
    }

    private async Task<string> StageAsync(string file, string jobDirectory, CancellationToken cancellationToken)
    {
        // Cluster URIs (abfss:, dbfs:) are handed to spark-submit as they are; account locations are downloaded.
        if (file.Contains(':', StringComparison.Ordinal))
        {
            return file;
        }

        DataLocation location = DataLocation.Parse(file, this.blobs.Uri);
        string target = Path.Combine(jobDirectory, "files", Path.GetFileName(location.Path));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await this.blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Path)
            .DownloadToAsync(target, cancellationToken).ConfigureAwait(false);
        return target;
    }
}
