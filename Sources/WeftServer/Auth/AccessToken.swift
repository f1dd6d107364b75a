import WeftWire

/// The claims a relay signs into a token: one document, a scope, a validity window, and the
/// person it was made for.
public struct AccessToken: Sendable, Hashable {
    public var document: DocumentName
    public var scope: AccessScope
    /// Seconds since 1970 (UTC) when the token was made.
    public var issuedAt: UInt64
    /// Seconds since 1970 (UTC) from which the token is refused.
    public var expiresAt: UInt64
    /// The person the token was made for: the relay records the batches of its connections under
    /// this name, and binds their replicas to it. Nil for tokens that name nobody.
    public var user: String?
    /// The user's display colour, 0xRRGGBB, when one was chosen.
    public var colour: UInt32?

    public init(document: DocumentName, scope: AccessScope, issuedAt: UInt64, expiresAt: UInt64,
                user: String? = nil, colour: UInt32? = nil) {
        self.user = user
        self.colour = colour
        self.document = document
        self.scope = scope
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
