using Serverless.Benchmarks;
using Serverless.Storage.Emulator;

// Scenarios are discovered by type, so adding one is adding a file under Scenarios/.
var scenarios = typeof(IBenchmarkScenario).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmarkScenario).IsAssignableFrom(t))
    .Select(t => (IBenchmarkScenario)Activator.CreateInstance(t, nonPublic: true)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

string? name = args.FirstOrDefault();
IBenchmarkScenario? scenario = scenarios.FirstOrDefault(s => s.Name == name);
if (scenario is null)
{
    Console.Error.WriteLine("usage: ./bench.sh <scenario>");
    foreach (IBenchmarkScenario s in scenarios)
    {
        Console.Error.WriteLine($"  {s.Name,-10} {s.Description}");
    }

    return name is null ? 0 : 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// Each run gets its own in-memory Azurite on free ports, so figures never include another run's data.
string? connection = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_STORAGE");
await using AzuriteProcess? azurite = string.IsNullOrEmpty(connection)
    ? await AzuriteProcess.StartAsync(AzuriteProcess.FindAzuriteScript(BenchmarkContext.RepositoryRoot), cancel.Token)
    : null;
await scenario.RunAsync(new BenchmarkContext(connection ?? azurite!.ConnectionString) { Args = args.Skip(1).ToList() }, cancel.Token);
return 0;
