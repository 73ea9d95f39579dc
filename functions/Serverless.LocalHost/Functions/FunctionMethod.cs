using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Serverless.LocalHost.Functions;

/// <summary>
/// One function method of the Functions app and how the local host calls it: its parameters are bound the way the
/// Functions host binds them for the triggers this app uses (HTTP request, timer info, durable client, route values,
/// cancellation token). A parameter the local host cannot bind fails at startup, not at the first request.
/// </summary>
internal sealed class FunctionMethod
{
    private readonly MethodInfo method;

    private FunctionMethod(string name, MethodInfo method)
    {
        this.Name = name;
        this.method = method;
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            var known = type == typeof(HttpRequest) || type == typeof(TimerInfo) || type == typeof(DurableTaskClient) || type == typeof(CancellationToken) || type == typeof(string);
            if (!known)
            {
                throw new InvalidOperationException($"Function {name}: the local host cannot bind parameter '{parameter.Name}' of type {type.Name}.");
            }
        }
    }

    /// <summary>Gets the function name.</summary>
    public string Name { get; }

    /// <summary>Gets the HTTP trigger, or null.</summary>
    public HttpTriggerAttribute? Http => this.method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);

    /// <summary>Gets the timer trigger, or null.</summary>
    public TimerTriggerAttribute? Timer => this.method.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null);

    /// <summary>Finds the HTTP- and timer-triggered functions of an assembly.</summary>
    /// <param name="assembly">The Functions app's assembly.</param>
    /// <returns>The functions.</returns>
    public static IReadOnlyList<FunctionMethod> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var found = new List<FunctionMethod>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var triggers = method.GetParameters();
                if (triggers.Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null || p.GetCustomAttribute<TimerTriggerAttribute>() is not null))
                {
                    found.Add(new FunctionMethod(function.Name, method));
                }
            }
        }

        return found;
    }

    /// <summary>Invokes the function.</summary>
    /// <param name="services">The services (function classes are created per invocation, as the worker does).</param>
    /// <param name="request">The HTTP request, or null for a timer.</param>
    /// <param name="routeValues">The route values.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>What the function returned (awaited).</returns>
    public async Task<object?> InvokeAsync(IServiceProvider services, HttpRequest? request, RouteValueDictionary? routeValues, CancellationToken cancellationToken)
    {
        var target = this.method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, this.method.DeclaringType!);
        var arguments = this.method.GetParameters().Select(p => Bind(p, services, request, routeValues, cancellationToken)).ToArray();
        var result = this.method.Invoke(target, arguments);
        switch (result)
        {
            case Task<IResult> http:
                return await http.ConfigureAwait(false);
            case Task task:
                await task.ConfigureAwait(false);
                return null;
            default:
                return result;
        }
    }

    private static object? Bind(ParameterInfo parameter, IServiceProvider services, HttpRequest? request, RouteValueDictionary? routeValues, CancellationToken cancellationToken)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return request;
        }

        if (type == typeof(TimerInfo))
        {
            return new TimerInfo();
        }

        if (type == typeof(DurableTaskClient))
        {
            return services.GetRequiredService<DurableTaskClient>();
        }

        if (type == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        return routeValues?.TryGetValue(parameter.Name!, out var value) == true ? value?.ToString() : null;
    }
}
