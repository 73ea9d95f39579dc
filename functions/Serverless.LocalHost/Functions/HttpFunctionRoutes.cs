namespace Serverless.LocalHost.Functions;

/// <summary>
/// Maps the Functions app's HTTP functions to routes taken from their own <c>[HttpTrigger]</c> attributes (route,
/// methods), with host.json's route prefix <c>""</c>, so local routes cannot drift from Azure's.
/// </summary>
internal static class HttpFunctionRoutes
{
    /// <summary>Maps every HTTP function.</summary>
    /// <param name="app">The app.</param>
    /// <param name="functions">The functions.</param>
    public static void Map(WebApplication app, IEnumerable<FunctionMethod> functions)
    {
        foreach (var function in functions)
        {
            if (function.Http is not { } trigger)
            {
                continue;
            }

            var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
            var route = "/" + (trigger.Route ?? function.Name);
            var endpoint = app.MapMethods(route, methods, async (HttpContext context) =>
            {
                var result = await function.InvokeAsync(context.RequestServices, context.Request, context.Request.RouteValues, context.RequestAborted).ConfigureAwait(false);
                if (result is IResult http)
                {
                    await http.ExecuteAsync(context).ConfigureAwait(false);
                }
            });
            endpoint.WithName(function.Name);

            // Catch-all routes ("api/{*path}", "{*path}") lose to every literal route, as under the Functions host.
            if (route.Contains("{*", StringComparison.Ordinal))
            {
                endpoint.Add(b => ((RouteEndpointBuilder)b).Order = route.StartsWith("/api/", StringComparison.Ordinal) ? 1 : 2);
            }
        }
    }
}
