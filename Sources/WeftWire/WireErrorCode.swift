/// Why a relay refused something, as sent in an `error` message: a short ASCII word, so new codes
/// need no new protocol version. Clients treat unknown codes as fatal.
public struct WireErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as it travels.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// No token, or a token that is invalid, expired or for another document.
    public static let unauthorized = WireErrorCode("unauthorized")
    /// A write on a read-only connection; nothing was applied.
    public static let readOnly = WireErrorCode("read-only")
    /// The client's protocol version is not spoken here.
    public static let upgradeRequired = WireErrorCode("upgrade-required")
    /// A frame, batch or field over its limit (see `WireLimits`).
    public static let tooLarge = WireErrorCode("too-large")
    /// Bytes that do not decode, an unknown message type, ops that refer to ids the document does
    /// not have, or a message out of order (anything before `hello`).
    public static let malformed = WireErrorCode("malformed")
    /// Too many messages per second on this connection.
    public static let rateLimited = WireErrorCode("rate-limited")
    /// An invalid document name.
    public static let badName = WireErrorCode("bad-name")
    /// The relay cannot commit right now (its store is unreachable); retry later.
    public static let unavailable = WireErrorCode("unavailable")
    /// A read-only hello for a document the relay does not hold: reading makes no document, its
    /// first writer does. Fatal.
    public static let noDocument = WireErrorCode("no-document")

    /// The document was deleted or renamed on purpose while the connection was open (the message
    /// says which, and the new name). Fatal. Not an answer to anything the client sent, so it is
    /// not among `refusals`.
    public static let gone = WireErrorCode("gone")

    /// Every code this version of the protocol answers a client's message with.
    public static let refusals: [WireErrorCode] = [.unauthorized, .readOnly, .upgradeRequired, .tooLarge, .malformed, .rateLimited, .badName, .unavailable,
                                                   .noDocument]

    /// Every code a relay of this version of the protocol sends: the refusals, and `gone`.
    public static let all: [WireErrorCode] = refusals + [.gone]

    public var description: String { rawValue }
}
