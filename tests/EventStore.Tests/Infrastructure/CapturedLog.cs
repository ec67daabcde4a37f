using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventStore.Tests.Infrastructure;

/// <summary>One log entry as a silo wrote it: its category, level, formatted message and exception message.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, string? Exception);

/// <summary>
/// A logger provider that keeps every entry a silo logs (from <see cref="LogLevel.Debug"/> up, whatever the
/// silo's minimum level), so that a test can count entries by category, level and message.
/// Register it with <see cref="AddTo"/> in a test cluster's silo configuration.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every entry so far, in the order logged.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The entries of a category (its full name, or its last segment, e.g. a grain class name) at a level whose message contains <paramref name="text"/>.</summary>
    public IReadOnlyList<LogEntry> Find(string category, LogLevel level, string text) =>
        [.. _entries.Where(e => (e.Category == category || e.Category.EndsWith("." + category, StringComparison.Ordinal))
                                && e.Level == level && e.Message.Contains(text, StringComparison.Ordinal))];

    /// <summary>Adds this provider to a silo's logging, at <see cref="LogLevel.Debug"/> and above for this provider only.</summary>
    public ISiloBuilder AddTo(ISiloBuilder silo)
    {
        silo.Services.AddLogging(logging => logging
            .AddProvider(this)
            .AddFilter<CapturedLog>(null, LogLevel.Debug));
        return silo;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception?.Message));
    }
}
