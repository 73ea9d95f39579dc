using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serverless.Pipelines.Loading;

/// <summary>Parses YAML into <see cref="SourceNode"/>s, keeping YamlDotNet's marks as lines and columns.</summary>
internal static partial class YamlSourceReader
{
    public static SourceNode? Read(string text, out (int Line, int Column, string Message)? error) =>
        Read(text, DagDocumentLimits.ParseTimeBudget, out error);

    /// <summary>Reads YAML under a given time budget; tests use a zero budget to see the budget refuse.</summary>
    public static SourceNode? Read(string text, TimeSpan timeBudget, out (int Line, int Column, string Message)? error)
    {
        // The limits are checked on the event stream first: composing (and Convert below) recurse per level and
        // repeat aliased nodes, so only a document within the limits may reach them.
        error = YamlDocumentScan.Check(text, timeBudget);
        if (error is not null)
        {
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            error = SyntaxError(ex, text);
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            error = (1, 1, "the file is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            error = ((int)second.Line, (int)second.Column, "a DAG file holds one YAML document");
            return null;
        }

        return Convert(stream.Documents[0].RootNode);
    }

    /// <summary>Words a YamlDotNet error as a problem at its mark, or for a tab at the tab itself.</summary>
    public static (int Line, int Column, string Message) SyntaxError(YamlException ex, string text)
    {
        var message = ex.InnerException is null ? ex.Message : ex.Message + " " + ex.InnerException.Message;
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabAtOrAfter(text, ex.Start.Index) is { } tab)
        {
            // YamlDotNet marks where the token before the tab ended (often the line above); the tab is what to fix.
            return (tab.Line, tab.Column, "YAML syntax error: a tab character; YAML indents with spaces only. " + message);
        }

        return ((int)ex.Start.Line, (int)ex.Start.Column, "YAML syntax error: " + message);
    }

    private static (int Line, int Column)? TabAtOrAfter(string text, long index)
    {
        var tab = text.IndexOf('\t', (int)Math.Clamp(index, 0, text.Length));
        if (tab < 0)
        {
            return null;
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < tab; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, tab - lineStart + 1);
    }

    private static SourceNode Convert(YamlNode node)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        switch (node)
        {
            case YamlMappingNode mapping:
                return new SourceMapping(
                    mapping.Children.Select(entry => new KeyValuePair<SourceScalar, SourceNode>(KeyOf(entry.Key), Convert(entry.Value))).ToList(),
                    line,
                    column);
            case YamlSequenceNode sequence:
                return new SourceSequence(sequence.Children.Select(Convert).ToList(), line, column);
            case YamlScalarNode scalar:
                return Scalar(scalar, line, column);
            default:
                return new SourceScalar(null, ScalarKind.Null, line, column);
        }
    }

    private static SourceScalar KeyOf(YamlNode key) =>
        key is YamlScalarNode scalar
            ? new SourceScalar(scalar.Value ?? string.Empty, ScalarKind.String, (int)key.Start.Line, (int)key.Start.Column)
            : new SourceScalar(key.ToString(), ScalarKind.String, (int)key.Start.Line, (int)key.Start.Column);

    private static SourceScalar Scalar(YamlScalarNode scalar, int line, int column)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any)
        {
            return new SourceScalar(value, ScalarKind.String, line, column);
        }

        // YAML 1.2 core schema: "yes"/"on" stay strings, unlike YAML 1.1.
        var kind = value is "" or "~" or "null" or "Null" or "NULL" ? ScalarKind.Null
            : value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE" ? ScalarKind.Boolean
            : NumberRegex().IsMatch(value) ? ScalarKind.Number
            : ScalarKind.String;
        return new SourceScalar(kind == ScalarKind.Boolean ? value.ToLowerInvariant() : value, kind, line, column);
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberRegex();
}
