using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Slots;

/// <summary>
/// A counting semaphore in a table, safe across processes and hosts: a scope (one DAG's runs, or one pool of task
/// slots) has slots <c>0 … limit-1</c>, and a slot is held by the holder whose row exists under the scope's partition
/// with that row key. Taking a slot is an insert, which the table refuses when the row exists, so two callers never
/// hold one slot; giving it back is a delete fenced by the row's ETag, so a slow release never frees a slot someone
/// else has since taken.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is idempotent for a holder (a holder that already has its slots gets the same ones back), so
/// callers that run at least once (durable activities) may repeat them. A holder that dies without releasing keeps its
/// slots until a caller that cannot get enough finds, through <c>isHolderActive</c>, that the holder has ended and
/// takes the slot over (again fenced by ETag); only slots held for a while (30 seconds by default) are asked about.
/// Lowering the limit leaves slots above it held until their holders release them.
/// </para>
/// <para>
/// A request with a <see cref="SlotRequest.Waiter"/> also keeps a waiter row in the same partition, keyed so that rows
/// sort by descending priority, then enqueue time (<c>w{rank}{ticks}{holder hash}</c>). Such a request takes free
/// slots only when the waiters ranked ahead of it, with its own need, fit in the free count. A waiter refreshes its
/// row as it asks again; a row not refreshed for the takeover time whose holder has ended (or, with no way to ask,
/// any such row) is dropped. A live waiter that was only slow puts its row back at its next ask, in the same place,
/// because the key comes from its priority and enqueue time. Under a race two callers may both see a slot free; the
/// insert still gives it to one, so the limit holds even where the order is only nearly kept.
/// </para>
/// </remarks>
public sealed class ConcurrencySlots
{
    private const string HolderColumn = "Holder";
    private const string CountColumn = "Count";
    private const string PriorityColumn = "Priority";
    private const string SinceColumn = "Since";
    private const string WaiterPrefix = "w";
    private readonly TableClient table;
    private readonly TimeSpan takeOverAfter;
    private readonly OnDemandTable onDemand;

    /// <summary>Initializes a new instance of the <see cref="ConcurrencySlots"/> class.</summary>
    /// <param name="table">The table of slot rows (created on first use).</param>
    /// <param name="takeOverAfter">How long a slot must have been held (or a waiter row left unrefreshed) before its holder is asked whether it lives. The default is 30 seconds.</param>
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
    public async Task<int?> TryAcquireAsync(string scope, int limit, string holder, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken = default) =>
        await this.TryAcquireAsync(new SlotRequest(scope, limit, holder), isHolderActive, cancellationToken).ConfigureAwait(false) is [var slot, ..] ? slot : null;

    /// <summary>Takes <see cref="SlotRequest.Count"/> free slots of a scope for a holder at once, or returns the ones it already holds.</summary>
    /// <param name="request">The scope, limit, holder, count and place in the waiting list.</param>
    /// <param name="isHolderActive">Tells whether another holder is still alive, to take over its slots (and drop its waiter row) when it is not; null to never take over.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The slot numbers, or null when the holder must wait (it then holds none).</returns>
    public Task<IReadOnlyList<int>?> TryAcquireAsync(SlotRequest request, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateKey(request.Scope, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.Holder, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Count, 1, nameof(request));
        return this.onDemand.RunAsync(() => this.TryAcquireCoreAsync(request, isHolderActive, cancellationToken), cancellationToken);
    }

    /// <summary>Gives back every slot of a scope the holder has, and its waiter row; does nothing when it has none.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="holder">The holder.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of slots released.</returns>
    public async Task<int> ReleaseAsync(string scope, string holder, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, nameof(scope));
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var released = 0;
        foreach (var row in (await this.ListAsync(scope, cancellationToken).ConfigureAwait(false)).Where(r => Holder(r) == holder))
        {
            released += await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false) && IsSlot(row) ? 1 : 0;
        }

        return released;
    }

    /// <summary>Lists the holders of a scope's slots.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Slot number → holder.</returns>
    public async Task<IReadOnlyDictionary<int, string>> HoldersAsync(string scope, CancellationToken cancellationToken = default) =>
        (await this.ReadAsync(scope, cancellationToken).ConfigureAwait(false)).Holders.ToDictionary(h => h.Slot, h => h.Holder);

    /// <summary>Reads a scope: its held slots and its waiting list in rank order.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state.</returns>
    public async Task<SlotScopeState> ReadAsync(string scope, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, nameof(scope));
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var rows = await this.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        var holders = rows.Where(IsSlot).Select(r => new SlotHolding(SlotOf(r), Holder(r) ?? string.Empty, r.Timestamp)).OrderBy(h => h.Slot).ToList();
        var waiters = rows.Where(IsWaiter).OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .Select(r => new SlotWaiting(Holder(r) ?? string.Empty, CountOf(r), r.GetInt32(PriorityColumn) ?? 0, r.GetDateTimeOffset(SinceColumn) ?? r.Timestamp ?? default))
            .ToList();
        return new SlotScopeState(holders, waiters);
    }

    private static string Key(int slot) => slot.ToString("D5", CultureInfo.InvariantCulture);

    private static bool IsSlot(TableEntity row) => int.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static bool IsWaiter(TableEntity row) => row.RowKey.StartsWith(WaiterPrefix, StringComparison.Ordinal);

    private static int SlotOf(TableEntity row) => int.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? Holder(TableEntity row) => row.GetString(HolderColumn);

    private static int CountOf(TableEntity row) => Math.Max(1, row.GetInt32(CountColumn) ?? 1);

    /// <summary>Gets a waiter's row key: rank (the priority inverted, so higher sorts first), enqueue ticks, and a hash that keeps two holders apart.</summary>
    private static string WaiterKey(SlotWaiter waiter, string holder)
    {
        var rank = (long)int.MaxValue - waiter.Priority;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(holder)).AsSpan(0, 8));
        return string.Create(CultureInfo.InvariantCulture, $"{WaiterPrefix}{rank:D10}{waiter.EnqueuedAt.UtcTicks:D19}{hash}");
    }

    private static void ValidateKey(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value.Length > 512 || value.IndexOfAny(['/', '\\', '#', '?']) >= 0 || value.Any(char.IsControl))
        {
            throw new ArgumentException("not a valid table key: at most 512 characters, none of / \\ # ? or control characters", name);
        }
    }

    private async Task<IReadOnlyList<int>?> TryAcquireCoreAsync(SlotRequest request, Func<string, CancellationToken, Task<bool>>? isHolderActive, CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var (scope, limit, holder) = (request.Scope, Math.Max(1, request.Limit), request.Holder);
        var rows = await this.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        var slots = rows.Where(IsSlot).ToList();
        var mine = slots.Where(r => Holder(r) == holder).ToList();
        var waiterKey = request.Waiter is { } place ? WaiterKey(place, holder) : null;
        if (mine.Count >= request.Count)
        {
            await this.DropWaiterRowAsync(waiterKey, rows, cancellationToken).ConfigureAwait(false);
            return [.. mine.Select(SlotOf).Order()];
        }

        // Asking whether a holder lives costs a request per holder, so only rows left alone a while are asked about: a
        // holder that just took a slot (or a waiter that just asked) is alive.
        var settled = DateTimeOffset.UtcNow - this.takeOverAfter;
        var aheadNeed = 0;
        if (waiterKey is not null)
        {
            var holding = slots.Select(Holder).ToHashSet(StringComparer.Ordinal);
            foreach (var ahead in rows.Where(r => IsWaiter(r) && string.CompareOrdinal(r.RowKey, waiterKey) < 0 && Holder(r) is { } other && other != holder && !holding.Contains(other)))
            {
                if (ahead.Timestamp < settled && (isHolderActive is null || !await isHolderActive(Holder(ahead)!, cancellationToken).ConfigureAwait(false)))
                {
                    await this.TryDeleteAsync(ahead, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                aheadNeed += CountOf(ahead);
            }
        }

        var needed = request.Count - mine.Count;
        var taken = slots.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var free = Enumerable.Range(0, limit).Where(n => !taken.Contains(Key(n))).ToList();
        if (free.Count < aheadNeed + needed && isHolderActive is not null)
        {
            foreach (var row in slots.Where(r => SlotOf(r) < limit && Holder(r) != holder && r.Timestamp < settled))
            {
                if (free.Count >= aheadNeed + needed)
                {
                    break;
                }

                if (Holder(row) is { } other && !await isHolderActive(other, cancellationToken).ConfigureAwait(false)
                    && await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    free.Add(SlotOf(row));
                }
            }
        }

        var got = new List<TableEntity>();
        if (free.Count >= aheadNeed + needed)
        {
            foreach (var slot in free.Order())
            {
                if (got.Count == needed)
                {
                    break;
                }

                if (await this.TryInsertAsync(scope, slot, holder, cancellationToken).ConfigureAwait(false) is { } row)
                {
                    got.Add(row);
                }
            }
        }

        if (got.Count < needed)
        {
            // Not enough, or a race lost for the last ones: give back what is held, so that two holders never sit on
            // parts of what each needs.
            foreach (var row in got.Concat(mine))
            {
                await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false);
            }

            // Only a holder that waits writes its row, so a request that finds room costs one read and its inserts.
            if (waiterKey is not null)
            {
                await this.KeepWaiterRowAsync(request, waiterKey, rows.FirstOrDefault(r => r.RowKey == waiterKey), cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        await this.DropWaiterRowAsync(waiterKey, rows, cancellationToken).ConfigureAwait(false);
        return [.. mine.Concat(got).Select(SlotOf).Order()];
    }

    /// <summary>Writes the waiter row when it is missing, and rewrites it when it has not been refreshed for a third of the takeover time.</summary>
    private async Task KeepWaiterRowAsync(SlotRequest request, string key, TableEntity? existing, CancellationToken cancellationToken)
    {
        if (existing is not null && existing.Timestamp > DateTimeOffset.UtcNow - (this.takeOverAfter / 3))
        {
            return;
        }

        var row = new TableEntity(request.Scope, key)
        {
            [HolderColumn] = request.Holder,
            [CountColumn] = request.Count,
            [PriorityColumn] = request.Waiter!.Priority,
            [SinceColumn] = request.Waiter.EnqueuedAt,
        };
        await this.table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private async Task DropWaiterRowAsync(string? key, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return;
        }

        if (rows.FirstOrDefault(r => r.RowKey == key) is { } row)
        {
            await this.TryDeleteAsync(row, cancellationToken).ConfigureAwait(false);
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

    /// <returns>The row as inserted (with its ETag), or null when the slot is taken.</returns>
    private async Task<TableEntity?> TryInsertAsync(string scope, int slot, string holder, CancellationToken cancellationToken)
    {
        var row = new TableEntity(scope, Key(slot)) { [HolderColumn] = holder };
        try
        {
            var response = await this.table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            row.ETag = response.Headers.ETag ?? ETag.All;
            return row;
        }
        catch (RequestFailedException error) when (error.Status == 409)
        {
            return null;
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
