namespace Serverless.Durable.Replay;

/// <summary>
/// Runs orchestrator continuations one at a time on the thread that pumps it, in the order they were
/// posted. Replay is deterministic because no orchestrator code runs anywhere else.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> work = new();

    public override void Post(SendOrPostCallback d, object? state) => this.work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs posted work until none is left.</summary>
    /// <param name="action">Work to run first, under this context.</param>
    public void Run(Action? action = null)
    {
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            action?.Invoke();
            while (this.work.TryDequeue(out var item))
            {
                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
