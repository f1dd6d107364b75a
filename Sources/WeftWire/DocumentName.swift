/// A validated document name: segments of ASCII letters, digits, `-`, `_` and `.`, separated by
/// `/`, none empty or starting with `.`, at most `WireLimits.maxDocumentNameBytes` bytes. So a
/// name can never climb out of a directory, hide, or smuggle control characters into logs.
public struct DocumentName: Hashable, Sendable, CustomStringConvertible {
    /// The name as typed.
    public let rawValue: String

    /// Validates `rawValue`.
    /// - Throws: `WireError` with code `bad-name` and the reason.
    public init(_ rawValue: String) throws(WireError) {
        let bytes = Array(rawValue.utf8)
        guard !bytes.isEmpty, bytes.count <= WireLimits.maxDocumentNameBytes else {
            throw WireError(.badName, "a document name has 1 to \(WireLimits.maxDocumentNameBytes) bytes")
        }
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let first = segment.first else {
                throw WireError(.badName, "a document name has no empty parts (no leading, trailing or double '/')")
            }
            guard first != UInt8(ascii: ".") else {
                throw WireError(.badName, "no part of a document name starts with '.'")
            }
            for byte in segment where !Self.isAllowed(byte) {
                throw WireError(.badName, "document names use only letters, digits, '-', '_', '.' and '/'")
            }
        }
        self.rawValue = rawValue
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    public var description: String { rawValue }
}
