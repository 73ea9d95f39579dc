using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.DurableTask.Worker;
using Serverless.Functions.Hosting;
using Serverless.Pipelines.Service;

// The isolated worker the Functions host starts. The local host (functions/Serverless.LocalHost) registers the same
// services and tasks and calls the same function methods.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
AppServices.Add(builder.Services, builder.Configuration, useBundledDags: false);
if (AppTelemetry.IsEnabled(builder.Configuration))
{
    // In Azure, the worker's invocation spans and the Functions resource attributes join the app's own exports.
    builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
}

builder.ConfigureDurableWorker().AddTasks(registry => registry.AddPipelineTasks());
await builder.Build().RunAsync().ConfigureAwait(false);
