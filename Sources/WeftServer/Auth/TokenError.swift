/// Why a token was refused. Every case maps to the protocol's `unauthorized`.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    static let malformed = TokenError("the token is not a Weft token (expected weft1.<claims>.<signature>); copy it again from `weft token create`")
    static let badSignature = TokenError("the token's signature does not match this relay's secret: it was made by another relay, or altered")
    static let expired = TokenError("the token has expired; make a new one with `weft token create`")
    static let notYetValid = TokenError("the token was issued in the future; check the relay's clock")

    static func wrongDocument(_ expected: String, _ actual: String) -> TokenError {
        TokenError("the token is for document \(actual.debugDescription), not \(expected.debugDescription)")
    }

    public var description: String { message }
}
