/// Why a sync operation failed, worded for the person at the terminal: what happened and what to do.
public struct SyncError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Another process holds the document's offline queue.
        case locked
        /// A local file could not be read or written.
        case io
        /// The address, token or credentials file is unusable.
        case configuration
        /// The relay refused (unauthorized, read-only, upgrade-required, …).
        case refused
        /// Gave up waiting (the relay did not become reachable in time).
        case timeout
        /// The relay said the token may not do this (a read-only token, one for another document).
        case forbidden
        /// The relay has no document of that name.
        case missing
        /// The relay has a document of that name already (renaming onto it).
        case exists
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
