import WeftWire

/// The claims a relay signs into a token: one document, a scope, a validity window.
public struct AccessToken: Sendable, Hashable {
    public var document: DocumentName
    public var scope: AccessScope
    /// Seconds since 1970 (UTC) when the token was made.
    public var issuedAt: UInt64
    /// Seconds since 1970 (UTC) from which the token is refused.
    public var expiresAt: UInt64

    public init(document: DocumentName, scope: AccessScope, issuedAt: UInt64, expiresAt: UInt64) {
        self.document = document
        self.scope = scope
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
