using System.Globalization;
using Microsoft.Extensions.Options;
using Serverless.Durable.Hosting;
using Serverless.Functions.Api;
using Serverless.Functions.Invocations;

namespace Serverless.Functions.Hosting;

/// <summary>Builds the web application: the same one under the Functions host, standalone, in the CLI's embedded host and in tests.</summary>
public static class FunctionsApp
{
    /// <summary>The environment variable the Functions host sets to the port it calls the custom handler on.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>The standalone address when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="settings">Settings that override every other source (tests, embedded host, the started emulator).</param>
    /// <param name="configureServices">Extra service registrations, applied last (tests).</param>
    /// <returns>The app, not yet started.</returns>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var configuration = builder.Configuration;
        var local = LocalSettingsFile.Read(Path.Combine(Directory.GetCurrentDirectory(), LocalSettingsFile.FileName));
        if (local.Count > 0)
        {
            // Lowest priority: insert before the environment variables and command line.
            configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = local });
        }

        if (settings is not null)
        {
            configuration.AddInMemoryCollection(settings);
        }

        var mode = ModeOf(configuration);
        var handlerPort = configuration[CustomHandlerPortVariable];
        if (mode == HostingMode.CustomHandler)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{handlerPort}");
        }
        else if (string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        // Per-request framework logs are noise at Information (and slow the console); settings can still lower it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<ServerlessOptions>(configuration.GetSection(ServerlessOptions.SectionName));
        var options = configuration.GetSection(ServerlessOptions.SectionName).Get<ServerlessOptions>() ?? new ServerlessOptions();
        services.AddSingleton(new ApiKeyCheck(options.ApiKey));
        services.AddSingleton(new HostingModeInfo(mode));
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddSingleton(_ => StorageSettings.CreateAccount(configuration));
        services.AddDurableEngine(o =>
        {
            o.TaskHub = options.TaskHub;
            o.EnablePolling = mode == HostingMode.Standalone;
            o.MaxPollingInterval = options.MaxPollingInterval;
            o.MaxConcurrentActivities = options.MaxConcurrentActivities;
            o.MaxConcurrentOrchestrationMessages = options.MaxConcurrentOrchestrations;
        });
        PipelinesRegistration.Add(services, configuration, mode);
        if (mode == HostingMode.Standalone && !string.Equals(configuration["Serverless:Scheduler"], "off", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHostedService<StandaloneServices>();
        }

        configureServices?.Invoke(services);

        var app = builder.Build();
        Configure(app);
        return app;
    }

    /// <summary>Gets the hosting mode from the configuration.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>Custom handler when <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set.</returns>
    public static HostingMode ModeOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrEmpty(configuration[CustomHandlerPortVariable]) ? HostingMode.Standalone : HostingMode.CustomHandler;
    }

    private static void Configure(WebApplication app)
    {
        var mode = app.Services.GetRequiredService<HostingModeInfo>().Mode;
        var keys = app.Services.GetRequiredService<ApiKeyCheck>();
        app.UseApiProblems();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var isApi = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
            var isHealth = path.StartsWithSegments("/api/health", StringComparison.OrdinalIgnoreCase);

            // Under the host the invocation paths are only reachable by the host (it listens on loopback for it);
            // standalone they are on the public port, so they need the key like the API does.
            var isInvocation = !isApi && HttpMethods.IsPost(context.Request.Method) && mode == HostingMode.Standalone;
            if (((isApi && !isHealth) || isInvocation) && !keys.IsAuthorized(context.Request))
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Functions.Api").KeyRefused(path);
                await ProblemResponses.WriteAsync(
                    context,
                    StatusCodes.Status401Unauthorized,
                    "Unauthorized",
                    $"A valid API key is required: send it in the '{ApiKeyCheck.HeaderName}' header or the '{ApiKeyCheck.QueryName}' query parameter (setting Serverless__ApiKey; in Azure, a function key).")
                    .ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseApiBodyLimit();
        app.UseDefaultFiles();
        app.UseStaticFiles();

        var api = app.MapGroup("/api");
        api.MapGet("/health", (IOptions<ServerlessOptions> options) => Results.Json(
            new { status = "healthy", mode = mode == HostingMode.Standalone ? "standalone" : "custom-handler", taskHub = options.Value.TaskHub },
            ApiJson.Options)).WithName("Health");
        api.MapGet("/openapi.json", (HttpContext context) => Results.Json(OpenApiDocument.Build(RunLinks.BaseAddress(context.Request)))).WithName("OpenApi");
        DagEndpoints.Map(api);
        RunEndpoints.Map(api);
        ManifestEndpoints.Map(api);
        api.MapFallback((HttpContext context) => Results.Problem(
            detail: $"There is no route {context.Request.Method} {context.Request.Path}. The routes are listed in /api/openapi.json.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found"));
        InvocationEndpoints.Map(app);
    }

    /// <summary>Formats a port for messages.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The text.</returns>
    internal static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
