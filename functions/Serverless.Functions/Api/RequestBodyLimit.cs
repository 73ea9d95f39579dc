namespace Serverless.Functions.Api;

/// <summary>
/// Refuses API request bodies over 1 MB with 413. Declared lengths are refused before reading; chunked bodies are
/// buffered up to the limit, so a client cannot get past it by leaving out Content-Length.
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>The largest accepted body: 1 MB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The detail of the 413 problem.</summary>
    public const string TooLargeMessage = "The request body is larger than 1 MB (1048576 bytes). Send DAG data by reference (blob paths) instead of inline.";

    /// <summary>
    /// Reads the body of a request that has one into memory, never past the limit (whether the length is declared or
    /// the body is chunked), so handlers can read it more than once.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>False when the body is over the limit.</returns>
    public static async Task<bool> BufferAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return true;
        }

        if (request.ContentLength > MaxBytes)
        {
            return false;
        }

        var buffer = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(buffer);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        return true;
    }
}
