import WeftWire

/// Tokens of one user refused from a moment on, without changing the relay's secret: every token
/// naming `user` (for `document`, or for any document when nil) issued at or before `revokedAt`
/// is refused, at hello and on the next message of connections already open. Tokens made for the
/// user afterwards work.
public struct TokenRevocation: Hashable, Sendable {
    public var user: String
    /// The document the revocation is limited to; nil for every document.
    public var document: DocumentName?
    /// Seconds since 1970 (UTC).
    public var revokedAt: UInt64

    public init(user: String, document: DocumentName?, revokedAt: UInt64) {
        self.user = user
        self.document = document
        self.revokedAt = revokedAt
    }

    /// Whether this revocation refuses `token`.
    public func refuses(_ token: AccessToken) -> Bool {
        guard let tokenUser = token.user, tokenUser == user else { return false }
        if let document, document != token.document { return false }
        return token.issuedAt <= revokedAt
    }
}
