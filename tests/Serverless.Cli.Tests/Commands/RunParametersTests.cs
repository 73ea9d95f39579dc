using Serverless.Cli.Commands;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>--param name=value</c>: JSON values keep their type, anything else is a string.</summary>
public sealed class RunParametersTests
{
    [Fact]
    public void Parse_KeepsJsonTypes_AndSplitsAtTheFirstEqualsSign()
    {
        var result = RunParameters.Parse(["n=200", "f=1.5", "b=false", "o={\"a\":1}", "s=PHL", "q=\"42\"", "e=a=b", "empty="]);

        Assert.Equal(200, result["n"]!.GetValue<int>());
        Assert.Equal(1.5, result["f"]!.GetValue<double>());
        Assert.False(result["b"]!.GetValue<bool>());
        Assert.Equal(1, result["o"]!["a"]!.GetValue<int>());
        Assert.Equal("PHL", result["s"]!.GetValue<string>());
        Assert.Equal("42", result["q"]!.GetValue<string>());
        Assert.Equal("a=b", result["e"]!.GetValue<string>());
        Assert.Equal(string.Empty, result["empty"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=x")]
    public void Parse_WithoutAName_Throws(string pair) => Assert.Throws<FormatException>(() => RunParameters.Parse([pair]));
}
