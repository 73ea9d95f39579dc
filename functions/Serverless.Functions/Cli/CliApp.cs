using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Functions.Hosting;
using Serverless.Storage.Connection;
using Spectre.Console;

namespace Serverless.Functions.Cli;

/// <summary>
/// The command-line interface: talks to a running host over the HTTP API (<c>--url</c>, <c>--key</c>, or the
/// <c>SERVERLESS_URL</c>/<c>SERVERLESS_KEY</c> variables), or starts an embedded host on a free port when none is given.
/// </summary>
public static class CliApp
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "dags", "run", "status", "terminate", "rerun", "backfill", "help", "--help", "-h" };

    /// <summary>Gets a value indicating whether the arguments are a CLI command (else the server runs).</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>True for a command.</returns>
    public static bool IsCommand(string[] args) => args is { Length: > 0 } && Commands.Contains(args[0]);

    /// <summary>Runs a command.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code: 0 success, 1 failure (or a failed run with --follow).</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new CliArguments(args);
        if (parsed.Positional[0] is "help" or "--help" or "-h" || parsed.Flag("help"))
        {
            AnsiConsole.WriteLine(Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var url = parsed.Option("url") ?? Environment.GetEnvironmentVariable("SERVERLESS_URL");
        var key = parsed.Option("key") ?? Environment.GetEnvironmentVariable("SERVERLESS_KEY");
        EmbeddedHost? embedded = null;
        try
        {
            StorageAccount? storage = null;
            if (string.IsNullOrEmpty(url))
            {
                embedded = await EmbeddedHost.StartAsync(cancel.Token).ConfigureAwait(false);
                url = embedded.Address;
                key = embedded.Key;
                storage = embedded.Storage;
            }
            else if (Environment.GetEnvironmentVariable(StorageSettings.SettingName) is { Length: > 0 } connection)
            {
                storage = StorageAccount.FromConnectionString(connection);
            }

            using var api = new ApiClient(new Uri(url), key);
            var commands = new CliCommands(api, storage, parsed, Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive);
            return await commands.RunAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] cannot reach {url}: {e.Message}. Is the host running? (omit --url to start an embedded one)");
            return 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Gets the usage text.</summary>
    public static string Usage => """
        Serverless.Functions — DAG runs on Azure Functions, locally or remote.

        Usage:
          Serverless.Functions                             run the host (standalone, or as a custom handler under the Functions host)
          Serverless.Functions dags list                   list DAGs and their problems
          Serverless.Functions dags validate <file>        validate a YAML or JSON DAG file (exit 1 with every problem)
          Serverless.Functions dags show <dagId>           definition summary, next schedule times, Mermaid graph
          Serverless.Functions run <dagId> [--param k=v]... [--run-id id] [--logical-date iso] [--follow] [--rows n]
          Serverless.Functions status <runId>
          Serverless.Functions terminate <runId> [--reason text]
          Serverless.Functions rerun <runId> [--task id]... [--all] [--follow]
          Serverless.Functions backfill <dagId> --from iso --to iso [--max-active-runs n]

        Options:
          --url <http://host:port>   a running host (or SERVERLESS_URL); without it an embedded host starts on a free port
          --key <key>                its API key (or SERVERLESS_KEY)
        """;

    /// <summary>Parses <c>k=v</c> params; values that are JSON (numbers, true/false, objects) keep their type.</summary>
    /// <param name="pairs">The pairs.</param>
    /// <returns>The params object.</returns>
    public static JsonObject ParseParams(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new JsonObject();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException($"--param '{pair}' must look like name=value.");
            }

            var value = pair[(eq + 1)..];
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                node = JsonValue.Create(value);
            }

            result[pair[..eq]] = node;
        }

        return result;
    }

    /// <summary>An in-process host on a free loopback port, with its own key, for commands given without <c>--url</c>.</summary>
    private sealed class EmbeddedHost : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly Storage.Emulator.AzuriteProcess? azurite;

        private EmbeddedHost(WebApplication app, Storage.Emulator.AzuriteProcess? azurite, string address, string key)
        {
            this.app = app;
            this.azurite = azurite;
            this.Address = address;
            this.Key = key;
        }

        public string Address { get; }

        public string Key { get; }

        public StorageAccount Storage => this.app.Services.GetRequiredService<StorageAccount>();

        public static async Task<EmbeddedHost> StartAsync(CancellationToken cancellationToken)
        {
            var (settings, azurite, _) = await HostCommand.PrepareAsync([], writeKeyFile: false).ConfigureAwait(false);
            settings[WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0";
            settings["Serverless:Scheduler"] = "off";
            settings["Logging:LogLevel:Default"] = "Warning";
            var key = settings.TryGetValue("Serverless:ApiKey", out var generated) && generated is not null
                ? generated
                : new ConfigurationBuilder().AddEnvironmentVariables().Build()["Serverless:ApiKey"] ?? string.Empty;
            var app = FunctionsApp.Build([], settings);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            if (azurite is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]Embedded host on {address}; Azurite in memory on blob port {azurite.BlobPort}.[/]");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]Embedded host on {address}.[/]");
            }

            return new EmbeddedHost(app, azurite, address, key);
        }

        public async ValueTask DisposeAsync()
        {
            await this.app.StopAsync().ConfigureAwait(false);
            await this.app.DisposeAsync().ConfigureAwait(false);
            if (this.azurite is not null)
            {
                await this.azurite.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    internal static bool IsFinished(HttpStatusCode status) => status == HttpStatusCode.OK;
}
