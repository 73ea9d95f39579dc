using System.Collections.Concurrent;

namespace Serverless.Durable.Worker;

/// <summary>
/// Coalesces wake-ups for one instance inside a process: while a drain of the instance runs, later
/// requests wait for a pass that started after they arrived instead of racing it for the same rows.
/// </summary>
internal sealed class InstanceDrainGate
{
    private readonly ConcurrentDictionary<string, State> states = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="drain"/> for the instance, or waits for a running drain to cover this request.</summary>
    public async Task RunAsync(string instanceId, Func<Task> drain)
    {
        State state;
        long ticket;
        TaskCompletionSource? wait = null;
        while (true)
        {
            state = this.states.GetOrAdd(instanceId, _ => new State());
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                ticket = ++state.Requested;
                if (state.Running)
                {
                    wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    state.Waiters.Add((ticket, wait));
                }
                else
                {
                    state.Running = true;
                }
            }

            break;
        }

        if (wait is not null)
        {
            await wait.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            while (true)
            {
                long upTo;
                lock (state)
                {
                    upTo = state.Requested;
                }

                await drain().ConfigureAwait(false);
                lock (state)
                {
                    state.Waiters.RemoveAll(w =>
                    {
                        if (w.Ticket <= upTo)
                        {
                            w.Completion.TrySetResult();
                            return true;
                        }

                        return false;
                    });
                    if (state.Requested == upTo)
                    {
                        state.Running = false;
                        state.Removed = true;
                        this.states.TryRemove(new KeyValuePair<string, State>(instanceId, state));
                        return;
                    }
                }
            }
        }
        catch (Exception error)
        {
            lock (state)
            {
                foreach (var waiter in state.Waiters)
                {
                    waiter.Completion.TrySetException(error);
                }

                state.Waiters.Clear();
                state.Running = false;
                state.Removed = true;
                this.states.TryRemove(new KeyValuePair<string, State>(instanceId, state));
            }

            throw;
        }
    }

    private sealed class State
    {
        public long Requested { get; set; }

        public bool Running { get; set; }

        public bool Removed { get; set; }

        public List<(long Ticket, TaskCompletionSource Completion)> Waiters { get; } = [];
    }
}
