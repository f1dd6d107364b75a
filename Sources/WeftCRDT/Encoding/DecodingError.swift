/// Why bytes could not be decoded. Decoding never traps and never allocates more than the input
/// could describe.
public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable category.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The input ended inside a value.
        public static let truncated = Code(name: "truncated")
        /// A value broke the format (bad varint, invalid UTF-8, unknown tag, impossible count).
        public static let invalid = Code(name: "invalid")
        /// A format version this build does not read: upgrade Weft.
        public static let unsupportedVersion = Code(name: "unsupported-version")
        public var description: String { name }
    }

    public let code: Code
    /// What was wrong and where (byte offset).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
