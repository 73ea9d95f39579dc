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

    /// <summary>Adds the middleware for paths under <c>/api</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The app.</returns>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > MaxBytes)
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", TooLargeMessage).ConfigureAwait(false);
            return;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                await ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", TooLargeMessage).ConfigureAwait(false);
                return;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        context.Response.RegisterForDispose(buffer);
        await next(context).ConfigureAwait(false);
    });
}
