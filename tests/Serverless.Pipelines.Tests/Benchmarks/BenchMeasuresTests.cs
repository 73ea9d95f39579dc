using System.Runtime.InteropServices;
using Serverless.Benchmarks;

namespace Serverless.Pipelines.Tests.Benchmarks;

/// <summary>The measuring logic of <c>./bench.sh dag</c>: the per-phase peak RSS.</summary>
public sealed class BenchMeasuresTests
{
    [Fact]
    public void FieldMb_StatusText_ReadsTheKbFieldAsMb()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 9999999 kB\nVmHWM:\t  204800 kB\nVmRSS:\t   51712 kB\n";

        Assert.Equal(200.0, ProcessMemory.FieldMb(status, "VmHWM"));
        Assert.Equal(50.5, ProcessMemory.FieldMb(status, "VmRSS"));
        Assert.Equal(0, ProcessMemory.FieldMb(status, "VmSwap"));
    }

    [Fact]
    public void ResetPeak_AfterTouchingAndFreeing256Mb_PeakFallsBackToAboutTheCurrentSize()
    {
        Assert.True(OperatingSystem.IsLinux(), "the bench's peak reset is Linux-only; the tests run on Linux");
        const int size = 256 << 20;

        // Native memory, so the GC neither keeps nor moves it: every page touched is resident until freed.
        var block = Marshal.AllocHGlobal(size);
        for (var i = 0; i < size; i += 4096)
        {
            Marshal.WriteByte(block, i, 1);
        }

        var withBlock = ProcessMemory.PeakRssMb();
        Marshal.FreeHGlobal(block);
        Assert.True(ProcessMemory.ResetPeak());
        var afterReset = ProcessMemory.PeakRssMb();

        Assert.True(withBlock - afterReset >= 200, $"peak {withBlock} MB with the block, {afterReset} MB after the reset");
        Assert.InRange(afterReset - ProcessMemory.RssMb(), -64, 64);
    }
}
