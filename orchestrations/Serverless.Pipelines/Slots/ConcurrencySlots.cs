using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Slots;

/// <summary>
/// A counting semaphore in a table, safe across processes and hosts: a scope (for example one DAG's runs, or later a
/// pool of issue 15) has slots <c>0 … limit-1</c>, and a slot is held by the holder whose row exists under the
/// scope's partition with that row key. Taking a slot is an insert, which the table refuses when the row exists, so
/// two callers never hold one slot; giving it back is a delete fenced by the row's ETag, so a slow release never
/// frees a slot someone else has since taken.
/// </summary>
/// <remarks>
/// Every operation is idempotent for a holder (a holder that already has a slot gets the same one back), so callers
/// that run at least once (durable activities) may repeat them. A holder that dies without releasing keeps its slot
/// until a caller that cannot get one finds, through <c>isHolderActive</c>, that the holder has ended and takes the
/// slot over (again fenced by ETag); only slots held for a while (30 seconds by default) are asked about. Lowering the limit leaves slots above it held until their holders release them.
/// </remarks>
public sealed class ConcurrencySlots
{
    private const string HolderColumn = "Holder";
    private readonly TableClient table;
    private readonly TimeSpan takeOverAfter;
    private readonly OnDemandTable onDemand;

    /// <summary>Initializes a new instance of the <see cref="ConcurrencySlots"/> class.</summary>
    /// <param name="table">The table of slot rows (created on first use).</param>
    /// <param name="takeOverAfter">How long a slot must have been held before its holder is asked whether it lives. The default is 30 seconds.</param>
    public ConcurrencySlots(TableClient table, TimeSpan? takeOverAfter = null)
    {
        this.table = table ?? throw new ArgumentNullException(nameof(table));
        this.onDemand = new OnDemandTable(this.table);
        this.takeOverAfter = takeOverAfter ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Takes a free slot of a scope for a holder, or returns the one it already holds.</summary>
    /// <param name="scope">The scope: a valid table partition key (no <c>/ \ # ?</c>, at most 512 characters).</param>
    /// <param name="limit">The number of slots.</param>
    /// <param name="holder">Who holds it (a run id).</param>
    /// <param name="isHolderActive">Tells whether another holder is still alive, to take over its slot when it is not; null to never take over.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The slot number, or null when every slot is held.</returns>
    public Task<int?> TryAcquireAsync(string scope, int limit, string holder, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken = default) =>
        this.onDemand.RunAsync(() => this.TryAcquireCoreAsync(scope, limit, holder, isHolderActive, cancellationToken), cancellationToken);

    /// <summary>Takes a free slot of a scope for a holder, or returns the one it already holds.</summary>
    /// <param name="scope">The scope: a valid table partition key (no <c>/ \ # ?</c>, at most 512 characters).</param>
    /// <param name="limit">The number of slots.</param>
    /// <param name="holder">Who holds it (a run id).</param>
    /// <param name="isHolderActive">Tells whether another holder is still alive, to take over its slot when it is not; null to never take over.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The slot number, or null when every slot is held.</returns>
    private async Task<int?> TryAcquireCoreAsync(string scope, int limit, string holder, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken)
    {
        ValidateKey(scope, nameof(scope));
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var held = await this.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        if (held.FirstOrDefault(r => r.GetString(HolderColumn) == holder) is { } mine)
        {
            return int.Parse(mine.RowKey, CultureInfo.InvariantCulture);
        }

        var taken = held.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        for (var slot = 0; slot < limit; slot++)
        {
            if (!taken.Contains(Key(slot)) && await this.TryInsertAsync(scope, slot, holder, cancellationToken).ConfigureAwait(false))
            {
                return slot;
            }
        }

        if (isHolderActive is null)
        {
            return null;
        }

        // Asking whether a holder lives costs a request per holder, so only slots held a while are asked about: a
        // run that just took one is alive, and many waiting runs would otherwise ask about every holder each time.
        var settled = DateTimeOffset.UtcNow - this.takeOverAfter;
        foreach (var row in held.Where(r => int.TryParse(r.RowKey, CultureInfo.InvariantCulture, out var n) && n < limit && r.Timestamp < settled))
        {
            if (row.GetString(HolderColumn) is { } other && !await isHolderActive(other, cancellationToken).ConfigureAwait(false)
                && await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false)
                && await this.TryInsertAsync(scope, int.Parse(row.RowKey, CultureInfo.InvariantCulture), holder, cancellationToken).ConfigureAwait(false))
            {
                return int.Parse(row.RowKey, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Gives back every slot of a scope the holder has; does nothing when it has none.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="holder">The holder.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of slots released.</returns>
    public async Task<int> ReleaseAsync(string scope, string holder, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, nameof(scope));
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var released = 0;
        foreach (var row in (await this.ListAsync(scope, cancellationToken).ConfigureAwait(false)).Where(r => r.GetString(HolderColumn) == holder))
        {
            released += await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return released;
    }

    /// <summary>Lists the holders of a scope's slots.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Slot number → holder.</returns>
    public async Task<IReadOnlyDictionary<int, string>> HoldersAsync(string scope, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, nameof(scope));
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        return (await this.ListAsync(scope, cancellationToken).ConfigureAwait(false))
            .Where(r => int.TryParse(r.RowKey, CultureInfo.InvariantCulture, out _))
            .ToDictionary(r => int.Parse(r.RowKey, CultureInfo.InvariantCulture), r => r.GetString(HolderColumn) ?? string.Empty);
    }

    private static string Key(int slot) => slot.ToString("D5", CultureInfo.InvariantCulture);

    private static void ValidateKey(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value.Length > 512 || value.IndexOfAny(['/', '\\', '#', '?']) >= 0 || value.Any(char.IsControl))
        {
            throw new ArgumentException("not a valid table key: at most 512 characters, none of / \\ # ? or control characters", name);
        }
    }

    private async Task<List<TableEntity>> ListAsync(string scope, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in this.table.QueryAsync<TableEntity>(e => e.PartitionKey == scope, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<bool> TryInsertAsync(string scope, int slot, string holder, CancellationToken cancellationToken)
    {
        try
        {
            await this.table.AddEntityAsync(new TableEntity(scope, Key(slot)) { [HolderColumn] = holder }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (error.Status == 409)
        {
            return false;
        }
    }

    private async Task<bool> TryDeleteAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await this.table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (error.Status is 404 or 412)
        {
            // Gone already, or taken over by someone else since it was read: not ours to delete.
            return false;
        }
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken) => this.onDemand.EnsureAsync(cancellationToken);
}
