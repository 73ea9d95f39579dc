using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Durable;

/// <summary>
/// The orchestrators and activities a worker can run, by name. Classes are created per invocation from
/// the service provider (constructor injection); names are case-insensitive.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the registered orchestrator names.</summary>
    public IEnumerable<string> OrchestratorNames => this.orchestrators.Keys;

    /// <summary>Gets the registered activity names.</summary>
    public IEnumerable<string> ActivityNames => this.activities.Keys;

    /// <summary>Registers an orchestrator class under its type name.</summary>
    /// <typeparam name="T">The orchestrator type.</typeparam>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator =>
        this.AddOrchestrator(typeof(T).Name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an orchestrator under a name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the orchestrator.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!this.orchestrators.TryAdd(name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an orchestrator function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="implementation">The orchestrator code.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation) =>
        this.AddOrchestrator(name, _ => new FuncOrchestrator<TInput, TOutput>(implementation));

    /// <summary>Registers an activity class under its type name.</summary>
    /// <typeparam name="T">The activity type.</typeparam>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivity<T>()
        where T : class, ITaskActivity =>
        this.AddActivity(typeof(T).Name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an activity under a name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the activity.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!this.activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an activity function.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="implementation">The activity code.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> implementation) =>
        this.AddActivity(name, _ => new FuncActivity<TInput, TOutput>(implementation));

    /// <summary>Creates the orchestrator registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="services">The service provider.</param>
    /// <param name="orchestrator">The orchestrator, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryCreateOrchestrator(string name, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = this.orchestrators.TryGetValue(name, out var factory) ? factory(services) : null;
        return orchestrator is not null;
    }

    /// <summary>Creates the activity registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="services">The service provider.</param>
    /// <param name="activity">The activity, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = this.activities.TryGetValue(name, out var factory) ? factory(services) : null;
        return activity is not null;
    }

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation)
        : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => implementation(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> implementation)
        : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => implementation(context, input);
    }
}
