namespace Serverless.Pipelines.Templating;

/// <summary>Thrown when a template cannot be rendered: bad syntax, a reference the context cannot resolve, or a bound exceeded.</summary>
/// <remarks>The message names the position inside the template (<c>template line 3, column 7</c>); <see cref="Line"/> and <see cref="Column"/> carry it too.</remarks>
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

    /// <summary>Initializes a new instance of the <see cref="TemplateException"/> class for a problem at a position inside the template.</summary>
    /// <param name="message">What is wrong, without the position.</param>
    /// <param name="line">The 1-based line inside the template.</param>
    /// <param name="column">The 1-based column inside the template.</param>
    public TemplateException(string message, int line, int column)
        : base(new TemplateProblem(line, column, message).ToString())
    {
        Detail = message;
        Line = line;
        Column = column;
    }

    /// <summary>Gets what is wrong without the position, or the whole message when no position is known.</summary>
    public string Detail => field ?? Message;

    /// <summary>Gets the 1-based line inside the template, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column inside the template, or 0 when unknown.</summary>
    public int Column { get; }
}
