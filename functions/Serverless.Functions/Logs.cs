namespace Serverless.Functions;

/// <summary>The Functions app's log messages (source generated, stable event ids). Keys and tokens are never logged.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestFailed(this ILogger logger, string method, string path, Exception error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Scheduler tick started {Count} run(s)")]
    public static partial void SchedulerTick(this ILogger logger, int count);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Maintenance purged {Count} run(s) finished before {Cutoff}")]
    public static partial void MaintenancePurged(this ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Uploaded sample data {Blob} ({Bytes} bytes)")]
    public static partial void SampleUploaded(this ILogger logger, string blob, long bytes);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Sample data not found at {Folder}; run 'npm ci' to install vega-datasets")]
    public static partial void SampleDataMissing(this ILogger logger, string folder);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Runs index backfill: {Scanned} instance(s) scanned, {Recorded} run(s) added so far; done: {Done}")]
    public static partial void RunIndexBackfilled(this ILogger logger, int scanned, int recorded, bool done);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Request to {Path} refused: missing or wrong API key")]
    public static partial void KeyRefused(this ILogger logger, string path);
}
