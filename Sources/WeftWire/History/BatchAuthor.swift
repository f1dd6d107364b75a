/// Who committed a batch, as the relay recorded it: metadata for people (blame, log), never used
/// to order anything.
public struct BatchAuthor: Hashable, Sendable, CustomStringConvertible {
    /// The user's name: a token's user, or the name a client without a token gave in its hello.
    public var name: String
    /// True when the name comes from a token the relay signed; false when the client only said so.
    public var verified: Bool

    public init(name: String, verified: Bool) {
        self.name = name
        self.verified = verified
    }

    /// The name, with `?` after an unverified one (what `weft blame` and `weft log` print).
    public var description: String { verified ? name : name + "?" }
}
