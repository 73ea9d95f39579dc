using System.Diagnostics;

namespace Serverless.Testing;

/// <summary>Polling with a deadline, in place of sleeps: tests wait for a condition, never for a time.</summary>
public static class Poll
{
    /// <summary>Evaluates <paramref name="probe"/> until it returns a value accepted by <paramref name="done"/>, or fails after <paramref name="timeout"/>.</summary>
    /// <typeparam name="T">The probed value.</typeparam>
    /// <param name="probe">Reads the current state.</param>
    /// <param name="done">Says whether the state is the awaited one.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">Describes the awaited state for the failure message.</param>
    /// <returns>The accepted value.</returns>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan delay = TimeSpan.FromMilliseconds(20);
        T last = await probe();
        while (!done(last))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}. Last value: {last}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
            last = await probe();
        }

        return last;
    }

    /// <summary>Waits until <paramref name="condition"/> is true or fails after <paramref name="timeout"/>.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">Describes the awaited state for the failure message.</param>
    /// <returns>A task.</returns>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, b => b, timeout, what);
}
