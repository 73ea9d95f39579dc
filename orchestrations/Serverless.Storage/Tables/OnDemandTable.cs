using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>
/// A table a store creates on first use, and again when storage has lost it since (an emulator restarted empty, a
/// table deleted by hand): a call that meets <c>TableNotFound</c> makes the table and runs once more. One place for
/// what every table-backed store needs, so one storage reset never turns every later call into a 500.
/// </summary>
public sealed class OnDemandTable
{
    private readonly TableClient table;
    private volatile bool created;

    /// <summary>Initializes a new instance of the <see cref="OnDemandTable"/> class.</summary>
    /// <param name="table">The table.</param>
    public OnDemandTable(TableClient table) => this.table = table ?? throw new ArgumentNullException(nameof(table));

    /// <summary>Gets whether an error says the table does not exist.</summary>
    /// <param name="error">The error.</param>
    /// <returns>True for <c>TableNotFound</c>.</returns>
    public static bool IsTableNotFound(RequestFailedException error) =>
        error is { Status: 404, ErrorCode: "TableNotFound" };

    /// <summary>Creates the table unless this instance already did.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!this.created)
        {
            await this.table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            this.created = true;
        }
    }

    /// <summary>Runs <paramref name="call"/> on the table; when the table is missing, creates it and runs the call once more.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="call">The call; it must be safe to run again (every store's calls are idempotent or check first).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The call's result.</returns>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await this.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException error) when (IsTableNotFound(error))
        {
            this.created = false;
            await this.EnsureAsync(cancellationToken).ConfigureAwait(false);
            return await call().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="call"/> on the table; when the table is missing, creates it and runs the call once more.</summary>
    /// <param name="call">The call; it must be safe to run again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task RunAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return this.RunAsync(
            async () =>
            {
                await call().ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }
}
