using Azure;

namespace Serverless.Durable.Storage;

/// <summary>
/// The storage failures the engine treats as outcomes rather than errors, recognised in one place.
/// Every other <see cref="RequestFailedException"/> (with its status and error code) propagates, and
/// the message that caused it is retried by the queue.
/// </summary>
internal static class StorageErrors
{
    /// <summary>409: the entity, queue or blob already exists (a duplicate delivery).</summary>
    public static bool IsConflict(RequestFailedException error) => error.Status == 409;

    /// <summary>412: someone else changed the entity since it was read (lost an optimistic-concurrency race).</summary>
    public static bool IsPreconditionFailed(RequestFailedException error) => error.Status == 412;

    /// <summary>404: the entity, message or blob is gone.</summary>
    public static bool IsNotFound(RequestFailedException error) => error.Status == 404;

    /// <summary>A table transaction failed because another writer got there first (409 or 412 on any operation).</summary>
    public static bool IsConcurrencyConflict(RequestFailedException error) =>
        error.Status is 409 or 412 ||
        error.ErrorCode is "UpdateConditionNotSatisfied" or "EntityAlreadyExists" or "ConditionNotMet";
}
