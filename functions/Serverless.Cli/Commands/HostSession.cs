using System.CommandLine;
using Serverless.Cli.Hosting;
using Serverless.Cli.Http;
using Serverless.Storage.Connection;

namespace Serverless.Cli.Commands;

/// <summary>The host one command talks to: the one at <c>--url</c>, or a local one started for the command and stopped after it.</summary>
public sealed class HostSession : IAsyncDisposable
{
    private readonly LaunchedHost? launched;

    private HostSession(ApiClient api, StorageAccount? storage, LaunchedHost? launched)
    {
        this.Api = api;
        this.Storage = storage;
        this.launched = launched;
    }

    /// <summary>Gets the API client.</summary>
    public ApiClient Api { get; }

    /// <summary>Gets the storage account for output previews, or null when unknown (a remote host without <c>AzureWebJobsStorage</c> set).</summary>
    public StorageAccount? Storage { get; }

    /// <summary>Connects to the host the options name, or starts one.</summary>
    /// <param name="environment">The CLI's environment.</param>
    /// <param name="options">The host options.</param>
    /// <param name="parse">The parse result.</param>
    /// <param name="cancellationToken">Cancels a local host's start.</param>
    /// <returns>The session; dispose it to stop a started host.</returns>
    public static async Task<HostSession> OpenAsync(CliEnvironment environment, HostOptions options, ParseResult parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parse);
        var url = NullIfEmpty(parse.GetValue(options.Url)) ?? NullIfEmpty(environment.Variables(HostOptions.UrlVariable));
        if (url is null)
        {
            return FromLaunched(await environment.Launcher.StartAsync(cancellationToken).ConfigureAwait(false));
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--url '{url}' is not an http(s) address such as http://127.0.0.1:7071.");
        }

        var key = NullIfEmpty(parse.GetValue(options.Key)) ?? HostOptions.KeyVariables.Select(v => NullIfEmpty(environment.Variables(v))).FirstOrDefault(v => v is not null);
        var connection = NullIfEmpty(environment.Variables(StandaloneHostStorage.SettingName));
        return new HostSession(new ApiClient(address, key), connection is null ? null : StorageAccount.FromConnectionString(connection), null);
    }

    /// <summary>Starts a scratch host (storage of its own, the given DAG folder) for a test run; <c>--url</c> is not used.</summary>
    /// <param name="environment">The CLI's environment.</param>
    /// <param name="request">What the host serves.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The session; dispose it to stop the host and its storage.</returns>
    public static async Task<HostSession> StartScratchAsync(CliEnvironment environment, ScratchHostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return FromLaunched(await environment.Launcher.StartScratchAsync(request, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        this.Api.Dispose();
        if (this.launched is not null)
        {
            await this.launched.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static HostSession FromLaunched(LaunchedHost host)
    {
        var storage = host.StorageConnectionString is { } started ? StorageAccount.FromConnectionString(started) : null;
        return new HostSession(new ApiClient(host.Address, host.Key), storage, host);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
