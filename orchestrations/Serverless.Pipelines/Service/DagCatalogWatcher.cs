using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The DAG hot reload: re-reads the <see cref="DagCatalog"/> when its folder or container changes, so a DAG file
/// added, edited or removed is picked up within a few seconds without a restart. Every
/// <see cref="PipelineOptions.DagReloadInterval"/> it compares the files' fingerprint (one listing, no downloads) with
/// the last load's; for a folder a <see cref="FileSystemWatcher"/> also wakes it at once.
/// </summary>
/// <remarks>
/// A failed reload (storage down, a file gone mid-read) is logged and the DAGs loaded before stay; the next check
/// tries again. A host never stops over its DAG files.
/// </remarks>
public sealed partial class DagCatalogWatcher : BackgroundService
{
    // Editors write a file in several steps (truncate, write, rename); the reload waits for this much quiet first.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    // A writer that never pauses still gets its changes loaded after this many settle periods.
    private const int MaxSettleRounds = 20;

    private readonly DagCatalog catalog;
    private readonly TimeSpan interval;
    private readonly ILogger<DagCatalogWatcher> logger;

    /// <summary>Initializes a new instance of the <see cref="DagCatalogWatcher"/> class.</summary>
    /// <param name="catalog">The catalog to keep current.</param>
    /// <param name="options">The pipeline options (reload interval).</param>
    /// <param name="logger">The logger.</param>
    public DagCatalogWatcher(DagCatalog catalog, IOptions<PipelineOptions> options, ILogger<DagCatalogWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.catalog = catalog;
        this.interval = options.Value.DagReloadInterval;
        this.logger = logger;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (this.interval <= TimeSpan.Zero)
        {
            return;
        }

        using var changed = new SemaphoreSlim(0);
        using var watcher = this.Watch(changed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await changed.WaitAsync(this.interval, stoppingToken).ConfigureAwait(false))
                {
                    for (var round = 0; round < MaxSettleRounds && await changed.WaitAsync(Settle, stoppingToken).ConfigureAwait(false); round++)
                    {
                        // Waits for a burst of events to end.
                    }

                    // Whatever the burst left counted is covered by this one reload.
                    while (changed.Wait(0, CancellationToken.None))
                    {
                    }
                }

                if (await this.catalog.RefreshIfChangedAsync(stoppingToken).ConfigureAwait(false))
                {
                    var results = await this.catalog.GetAllAsync(stoppingToken).ConfigureAwait(false);
                    LogReloaded(this.logger, results.Count, results.Count(r => !r.IsValid), results.Count(r => r.PreviousVersion is not null));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A reload must never take the host down: any failure is logged and the next check retries.
            catch (Exception error)
#pragma warning restore CA1031
            {
                LogReloadFailed(this.logger, error);
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "DAG files changed: reloaded {Count} file(s), {Invalid} with problems, {Previous} kept on their last valid version")]
    private static partial void LogReloaded(ILogger logger, int count, int invalid, int previous);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Reloading the DAG files failed; the DAGs loaded before stay active and the next check retries")]
    private static partial void LogReloadFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "No file system watcher on the DAG folder {Folder} ({Reason}); changes are picked up by the periodic check")]
    private static partial void LogNoWatcher(ILogger logger, string folder, string reason);

    // Null for a container, or when the folder cannot be watched (missing, or the system's watch limit reached): the
    // periodic check covers both.
    private FileSystemWatcher? Watch(SemaphoreSlim changed)
    {
        if (this.catalog.Folder is not { } folder || !Directory.Exists(folder))
        {
            return null;
        }

        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            void Signal(object? sender, FileSystemEventArgs e)
            {
                if (DagFileLoader.IsDagFile(e.Name ?? string.Empty) || (e.Name ?? string.Empty).EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || e.ChangeType == WatcherChangeTypes.Renamed)
                {
                    changed.Release();
                }
            }

            watcher.Created += Signal;
            watcher.Changed += Signal;
            watcher.Deleted += Signal;
            watcher.Renamed += (sender, e) => Signal(sender, e);
            watcher.Error += (_, _) => changed.Release();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception error) when (error is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            LogNoWatcher(this.logger, folder, error.Message);
            return null;
        }
    }
}
