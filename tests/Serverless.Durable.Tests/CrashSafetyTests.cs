using System.Diagnostics;
using System.Reflection;
using Serverless.Durable.History;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CrashSafetyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task FiftyOrchestrations_WorkerKilledRepeatedly_AllCompleteWithConsistentHistories()
    {
        const int instances = 50;
        const int fanOut = 8;
        await using TestEngine client = await TestEngine.StartAsync(azurite, _ => { }, start: false);
        using var stable = WorkerProcess.Start(azurite.ConnectionString, client.TaskHub);
        var victim = WorkerProcess.Start(azurite.ConnectionString, client.TaskHub);
        try
        {
            var ids = new List<string>();
            for (int i = 0; i < instances; i++)
            {
                ids.Add(await client.Client.ScheduleNewOrchestrationInstanceAsync("FanOutThenNap", fanOut));
            }

            int kills = 0;
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                int done = 0;
                foreach (string id in ids)
                {
                    if ((await client.Client.GetInstanceAsync(id))?.IsCompleted == true)
                    {
                        done++;
                    }
                }

                if (done == instances)
                {
                    break;
                }

                if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                {
                    var stuck = new List<string>();
                    foreach (string id in ids)
                    {
                        var status = await client.Client.GetInstanceAsync(id);
                        if (status?.IsCompleted != true)
                        {
                            var history = await client.Client.GetHistoryAsync(id);
                            stuck.Add($"{id}: {status?.RuntimeStatus} history [{string.Join(", ", history.Select(e => e.GetType().Name.Replace("Event", string.Empty, StringComparison.Ordinal)))}]");
                        }
                    }

                    Assert.Fail($"Only {done} of {instances} completed after {kills} kills. Stuck:\n{string.Join("\n", stuck)}");
                }

                // SIGKILL mid-work, then bring the worker back, as a host restart would.
                await victim.WaitUntilStartedAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(700 + (kills % 3 * 300)));
                victim.Kill();
                kills++;
                victim.Dispose();
                victim = WorkerProcess.Start(azurite.ConnectionString, client.TaskHub);
            }

            Assert.True(kills >= 2, $"The test should kill the worker more than once (killed {kills} times).");
            long expected = Enumerable.Range(1, fanOut).Sum(i => (long)i * i);
            foreach (string id in ids)
            {
                var result = (await client.Client.GetInstanceAsync(id, true))!;
                Assert.True(result.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id} ended {result.RuntimeStatus}: {result.FailureDetails}");
                Assert.Equal(expected, result.ReadOutputAs<long>());

                IReadOnlyList<HistoryEvent> history = await client.Client.GetHistoryAsync(id);
                var scheduled = history.OfType<TaskScheduledEvent>().Select(e => e.TaskId).ToList();
                var completed = history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).ToList();
                Assert.Equal(fanOut, scheduled.Count);
                Assert.Equal(scheduled.Order(), completed.Order());
                Assert.Single(history.OfType<TimerCreatedEvent>());
                Assert.Single(history.OfType<TimerFiredEvent>());
                Assert.Single(history.OfType<ExecutionStartedEvent>());
                Assert.IsType<ExecutionCompletedEvent>(history[^1]);
            }
        }
        finally
        {
            victim.Dispose();
        }
    }

    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process process;
        private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private WorkerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == "worker started")
                {
                    this.started.TrySetResult();
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static WorkerProcess Start(string connectionString, string taskHub)
        {
            string path = typeof(CrashSafetyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestWorkerPath").Value!;
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(path);
            info.ArgumentList.Add(connectionString);
            info.ArgumentList.Add(taskHub);
            return new WorkerProcess(Process.Start(info)!);
        }

        public Task WaitUntilStartedAsync() => this.started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        public void Kill()
        {
            if (!this.process.HasExited)
            {
                this.process.Kill(entireProcessTree: true);
                this.process.WaitForExit(10_000);
            }
        }

        public void Dispose()
        {
            this.Kill();
            this.process.Dispose();
        }
    }
}
