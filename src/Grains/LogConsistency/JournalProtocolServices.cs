using Microsoft.Extensions.Logging;
using Orleans.EventSourcing;
using Orleans.Serialization;

namespace EventStore.LogConsistency;

/// <summary>
/// The per-activation services an adaptor needs (copying views, logging). Orleans registers its own
/// implementation only with its built-in providers, and it is internal, so the journal brings this one.
/// </summary>
internal sealed class JournalProtocolServices(IGrainContext grainContext, DeepCopier copier, ILocalSiloDetails silo, ILogger<JournalProtocolServices> logger)
    : ILogConsistencyProtocolServices
{
    public GrainId GrainId => grainContext.GrainId;

    public string MyClusterId => silo.ClusterId;

    public T DeepCopy<T>(T value) => copier.Copy(value)!;

    public void ProtocolError(string msg, bool throwexception)
    {
        logger.LogError("{GrainId} protocol error: {Message}", GrainId, msg);
        if (throwexception) throw new OrleansException($"{msg} (grain={GrainId})");
    }

    public void CaughtException(string where, Exception e) =>
        logger.LogError(e, "{GrainId} exception in {Where}", GrainId, where);

    public void CaughtUserCodeException(string callback, string where, Exception e) =>
        logger.LogError(e, "{GrainId} exception in grain callback {Callback} from {Where}; the view may be wrong", GrainId, callback, where);

    public void Log(LogLevel level, string format, params object[] args)
    {
        if (logger.IsEnabled(level)) logger.Log(level, "{GrainId} {Message}", GrainId, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
