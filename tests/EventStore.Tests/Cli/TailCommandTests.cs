using System.Text;
using System.Text.Json;
using EventStore.Cli;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary>
/// <c>tail</c>: a live subscription run as a user runs it, its output read while it runs. Each test narrows the tail to an
/// aggregate type of its own, so that events other tests append never reach it.
/// </summary>
public abstract class TailCommandTests(CliSilo silo)
{
    private Task AppendAsync(string aggregateType, params string[] texts) =>
        silo.Client.GetEventStore().Append(Ids.New("tail"), aggregateType, [.. texts.Select(t => new NewEvent(new NoteAdded(t)))]);

    private static IEnumerable<string?> Texts(IEnumerable<JsonElement> lines) => lines.Select(e => e.GetProperty("payload").GetProperty("text").GetString());

    [Fact]
    public async Task Events_appended_after_the_tail_started_arrive_in_order_and_count_ends_it()
    {
        var type = Ids.New("tail-type");
        await AppendAsync(type, "before the tail");
        await using var tail = LiveCli.Start([.. silo.Online, "tail", "--aggregate-type", type, "--count", "3"]);
        await tail.WhenOutContains("Following events after position");

        await AppendAsync(type, "one", "two");
        await AppendAsync(type, "three");

        var run = (await tail.Exited()).ExitsWith(ExitCodes.Success);
        Assert.DoesNotContain("before the tail", run.Out);
        var rows = run.Out.Split('\n').Where(l => l.Contains("test:note", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("one", rows[0]);
        Assert.Contains("two", rows[1]);
        Assert.Contains("three", rows[2]);
        Assert.Contains("3 events.", run.Out);
    }

    [Fact]
    public async Task From_start_catches_up_the_history_then_follows_live()
    {
        var type = Ids.New("tail-type");
        await AppendAsync(type, "old 1", "old 2");
        await using var tail = LiveCli.Start([.. silo.Online, "tail", "--from-start", "--aggregate-type", type, "--count", "4", "--json"]);
        await tail.WhenLines(2); // the history has arrived: what follows is appended while the tail is live

        await AppendAsync(type, "new 1", "new 2");

        var lines = (await tail.Exited()).ExitsWith(ExitCodes.Success).JsonLines;
        Assert.Equal(["old 1", "old 2", "new 1", "new 2"], Texts(lines));
        var positions = lines.Select(e => e.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task After_a_position_and_the_type_filters_deliver_only_what_they_select()
    {
        var (type, otherType) = (Ids.New("tail-type"), Ids.New("tail-type"));
        await AppendAsync(type, "before");
        var after = silo.Rows.MaxPosition();
        var store = silo.Client.GetEventStore();
        await AppendAsync(otherType, "other aggregate type");
        var memory = Ids.New("tail"); // a memory event names its own aggregate as its namespace
        await store.Append(memory, type, [new NewEvent(new MemoryDeleted("m", memory, "k", DateTimeOffset.UnixEpoch))]);
        await AppendAsync(type, "wanted");

        var run = (await LiveCli.Start([.. silo.Online, "tail", "--after", $"{after}", "--aggregate-type", type, "--aggregate-type", otherType,
            "--event-type", "test:note", "--count", "2", "--json"]).Exited()).ExitsWith(ExitCodes.Success);

        Assert.Equal(["other aggregate type", "wanted"], Texts(run.JsonLines));
    }

    [Fact]
    public async Task Ctrl_C_ends_a_tail_without_count_cleanly_with_exit_code_0()
    {
        var type = Ids.New("tail-type");
        await using var tail = LiveCli.Start([.. silo.Online, "tail", "--aggregate-type", type]);
        await tail.WhenOutContains("Following events after position");
        await AppendAsync(type, "seen");
        await tail.WhenOutContains("seen");

        tail.CtrlC();

        var run = (await tail.Exited()).ExitsWith(ExitCodes.Success);
        Assert.Contains("1 events.", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Ctrl_C_before_count_events_arrived_exits_with_code_130()
    {
        var type = Ids.New("tail-type");
        await using var tail = LiveCli.Start([.. silo.Online, "tail", "--aggregate-type", type, "--count", "5"]);
        await tail.WhenOutContains("Following events after position");

        tail.CtrlC();

        (await tail.Exited()).ExitsWith(ExitCodes.Cancelled);
    }

    [Fact]
    public async Task Tail_needs_a_running_silo_exit_code_2_offline()
    {
        var run = (await silo.RunOffline("tail", "--count", "1")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("'tail' needs a running silo", run.Error);
    }

    [Theory]
    [InlineData("--from-start", "--after", "3")]
    [InlineData("--count", "0")]
    public async Task Options_that_exclude_each_other_or_count_nothing_exit_with_code_2(params string[] options)
    {
        var run = (await silo.RunOnline(["tail", .. options])).ExitsWith(ExitCodes.BadArguments);

        Assert.NotEmpty(run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_subscription_the_store_refuses_exits_with_code_4_naming_the_field()
    {
        var beyond = silo.Rows.MaxPosition() + 1_000_000;

        var pastHead = (await silo.RunOnline("tail", "--after", $"{beyond}", "--json")).ExitsWith(ExitCodes.Refused);
        var unknownType = (await silo.RunOnline("tail", "--event-type", "no-such:type", "--json")).ExitsWith(ExitCodes.Refused);

        Assert.Contains("AfterPosition", pastHead.Error);
        Assert.Contains("no-such:type", unknownType.Error);
        Assert.Empty(pastHead.Out + unknownType.Out);
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class TailCommandTests_Sqlite(CliSilo silo) : TailCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class TailCommandTests_Postgres(PostgresCliSilo silo) : TailCommandTests(silo);

/// <summary>A run of the CLI that goes on while the test acts: its output as it is written, and Ctrl+C (the token's cancellation).</summary>
internal sealed class LiveCli : IAsyncDisposable
{
    /// <summary>How long a test waits for output before it fails (a safety net against a hang, never a timing the test asserts).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string[] _args;
    private readonly WatchedWriter _out = new();
    private readonly WatchedWriter _error = new();
    private readonly CancellationTokenSource _ctrlC = new();
    private readonly Task<int> _run;

    private LiveCli(string[] args)
    {
        _args = args;
        _run = Task.Run(() => CliApp.RunAsync(args, new CliConsole(_out, _error, interactive: false), _ctrlC.Token));
    }

    public static LiveCli Start(string[] args) => new(args);

    /// <summary>Waits until standard output holds <paramref name="text"/>; fails, showing the output, if the run ended first.</summary>
    public Task WhenOutContains(string text) => WaitFor(_out.When(s => s.Contains(text, StringComparison.Ordinal)), $"'{text}'");

    /// <summary>Waits until standard output holds <paramref name="count"/> whole lines.</summary>
    public Task WhenLines(int count) => WaitFor(_out.When(s => s.Count(c => c == '\n') >= count), $"{count} lines");

    /// <summary>Presses Ctrl+C.</summary>
    public void CtrlC() => _ctrlC.Cancel();

    /// <summary>The finished run.</summary>
    public async Task<CliRun> Exited()
    {
        var exitCode = await _run.WaitAsync(Patience);
        return new CliRun(_args, exitCode, _out.Text, _error.Text);
    }

    private async Task WaitFor(Task condition, string what)
    {
        await Task.WhenAny(condition, _run).WaitAsync(Patience);
        Assert.True(condition.IsCompleted, $"the CLI ended without writing {what}.\nstdout:\n{_out.Text}\nstderr:\n{_error.Text}");
    }

    public async ValueTask DisposeAsync()
    {
        await _ctrlC.CancelAsync();
        try
        {
            await _run.WaitAsync(Patience);
        }
        finally
        {
            _ctrlC.Dispose();
        }
    }

    /// <summary>A thread-safe text writer whose content can be awaited.</summary>
    private sealed class WatchedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly List<(Func<string, bool> Done, TaskCompletionSource Signal)> _waiters = [];

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text) return _text.ToString();
            }
        }

        public Task When(Func<string, bool> done)
        {
            lock (_text)
            {
                if (done(_text.ToString())) return Task.CompletedTask;
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((done, signal));
                return signal.Task;
            }
        }

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
                var text = _text.ToString();
                foreach (var waiter in _waiters.Where(w => w.Done(text)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Signal.SetResult();
                }
            }
        }
    }
}
