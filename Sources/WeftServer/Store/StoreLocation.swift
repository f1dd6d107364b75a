/// Where a relay keeps documents.
public enum StoreLocation: Sendable, Equatable {
    /// SQLite in the relay's data directory: one relay, no other service to run.
    case embedded
    /// A PostgreSQL database that several relays share.
    case postgres(PostgresLocation)
}
