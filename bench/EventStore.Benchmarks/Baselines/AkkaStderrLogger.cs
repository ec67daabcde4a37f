using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Akka's log to stderr: Akka's own loggers write to stdout, which is the JSON lines' stream under <c>--json</c>.
/// Named by type in the baseline's HOCON (<see cref="AkkaSqliteSystem"/>).
/// </summary>
internal sealed class AkkaStderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaStderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"  (akka {e.LogLevel()}) {e.LogSource}: {e.Message}{(e.Cause is { } cause ? $" ({cause.GetBaseException().Message})" : "")}"));
    }
}
