using Akka.Actor;
using Akka.Persistence;
using EventStore.Benchmarks.Grains;

namespace EventStore.Benchmarks.Baselines;

/// <summary>The Akka baseline's command: append event <paramref name="Seq"/> (1-based); the reply is the actor's sequence number once persisted.</summary>
internal sealed record AkkaAppend(long Seq);

/// <summary>
/// The Akka baseline's aggregate: a plain <see cref="ReceivePersistentActor"/> in the shape of the bench grain. It
/// checks the command's sequence number against <see cref="Eventsourced.LastSequenceNr"/>, persists one
/// <see cref="BenchAppended"/> (about 200 bytes of data, serialized by Akka's default serializer) with
/// <c>Persist</c> (commands that arrive meanwhile are stashed, as Akka does by default) and replies after the
/// journal confirmed the write.
/// </summary>
internal sealed class AkkaBenchActor : ReceivePersistentActor
{
    public AkkaBenchActor(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<BenchAppended>(_ => { });
        Command<AkkaGetVersion>(_ => Sender.Tell(LastSequenceNr));
        Command<AkkaAppend>(append =>
        {
            if (append.Seq != LastSequenceNr + 1)
            {
                Sender.Tell(new Status.Failure(new InvalidOperationException(
                    $"{PersistenceId}: command for event {append.Seq}, but the actor is at {LastSequenceNr}")));
                return;
            }
            Persist(new BenchAppended(PersistenceId, append.Seq, Payloads.Data), _ => Sender.Tell(LastSequenceNr));
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new AkkaBenchActor(persistenceId));
}

/// <summary>Asks an <see cref="AkkaBenchActor"/> for its sequence number; answered once the actor has recovered.</summary>
internal sealed record AkkaGetVersion
{
    public static AkkaGetVersion Instance { get; } = new();
}
