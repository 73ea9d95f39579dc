using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>
/// Runs a table call again once after making the table, when storage has lost it since it was made (an emulator
/// restarted empty, a table deleted by hand). Stores create their table once per process; without this, one storage
/// reset would turn every later call into a 500 until the host restarts.
/// </summary>
public static class TableRecovery
{
    /// <summary>Gets whether an error says the table does not exist.</summary>
    /// <param name="error">The error.</param>
    /// <returns>True for <c>TableNotFound</c>.</returns>
    public static bool IsTableNotFound(RequestFailedException error) =>
        error is { Status: 404, ErrorCode: "TableNotFound" };

    /// <summary>Runs <paramref name="call"/>; when the table is missing, creates it and runs the call once more.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="call">The call; it must be safe to run again (every store's calls are idempotent or check first).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The call's result.</returns>
    public static async Task<T> RunAsync<T>(TableClient table, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException error) when (IsTableNotFound(error))
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            return await call().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="call"/>; when the table is missing, creates it and runs the call once more.</summary>
    /// <param name="table">The table.</param>
    /// <param name="call">The call; it must be safe to run again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public static Task RunAsync(TableClient table, Func<Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return RunAsync(
            table,
            async () =>
            {
                await call().ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }
}
