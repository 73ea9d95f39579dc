namespace Serverless.Pipelines.Templating;

/// <summary>Thrown when a template cannot be rendered: bad syntax or a reference the context cannot resolve.</summary>
public sealed class TemplateException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TemplateException"/> class.</summary>
    public TemplateException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TemplateException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TemplateException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
