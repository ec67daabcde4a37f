namespace EventStore.Events;

/// <summary>
/// Marker for a domain event payload. Every implementation carries an <see cref="EventTypeAttribute"/>
/// that gives it the stable type name stored in the journal's <c>type</c> column.
/// </summary>
public interface IDomainEvent;
