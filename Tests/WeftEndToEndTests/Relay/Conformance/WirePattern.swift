import WeftCRDT
import WeftTestSupport
import WeftWire

/// The hex of a wire vector's message, with placeholders for what varies from run to run
/// (`Conformance/README.md`, "Wire vectors"):
///
/// - `<epoch:NAME>`: 8 bytes. Where a message is expected, the first one binds NAME to the bytes
///   there (a value no other name holds), and later ones must match it; where one is sent, the
///   bytes bound to NAME.
/// - `<proof:NAME>`: 16 bytes, a receipt's proof, bound and sent as `<epoch:NAME>` is.
/// - `<text>`: where a message is expected, a `string` of any content (an error's message).
/// - `<token:SCOPE:DOCUMENT>`, `<token:SCOPE:DOCUMENT:USER>`, `<token:SCOPE:DOCUMENT:USER:SECONDS>`:
///   where one is sent, a `string` holding a token of the relay under test for DOCUMENT, with
///   SCOPE `read` or `write`, made for USER (none when empty), valid for SECONDS. The same
///   placeholder stands for the same token throughout a vector.
/// - `<fill:COUNT:XX>`: where one is sent, COUNT bytes of XX.
struct WirePattern {
    enum Piece: Equatable {
        case bytes([UInt8])
        case epoch(String)
        case proof(String)
        case text
        case token(WireTokenRequest)
        case fill(count: Int, byte: UInt8)
    }

    let pieces: [Piece]

    init(_ hex: String) throws {
        var pieces: [Piece] = []
        for word in hex.split(whereSeparator: \.isWhitespace) {
            if word.hasPrefix("<"), word.hasSuffix(">") {
                let parts = word.dropFirst().dropLast().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                switch (parts.first, parts.count) {
                case ("epoch", 2): pieces.append(.epoch(parts[1]))
                case ("proof", 2): pieces.append(.proof("proof:" + parts[1]))
                case ("text", 1): pieces.append(.text)
                case ("token", 3...5):
                    let user = parts.count > 3 && !parts[3].isEmpty ? parts[3] : nil
                    let seconds = parts.count > 4 ? UInt64(parts[4]) : nil
                    guard ["read", "write"].contains(parts[1]), parts.count < 5 || seconds != nil else { throw WirePatternError("bad placeholder \(word)") }
                    pieces.append(.token(WireTokenRequest(scope: parts[1], document: parts[2], user: user, seconds: seconds)))
                case ("fill", 3):
                    guard let count = Int(parts[1]), let byte = UInt8(parts[2], radix: 16) else { throw WirePatternError("bad placeholder \(word)") }
                    pieces.append(.fill(count: count, byte: byte))
                default: throw WirePatternError("unknown placeholder \(word)")
                }
            } else {
                guard word.count == 2, let byte = UInt8(word, radix: 16) else { throw WirePatternError("\(word) is not a hex byte") }
                if case .bytes(let before) = pieces.last {
                    pieces[pieces.count - 1] = .bytes(before + [byte])
                } else {
                    pieces.append(.bytes([byte]))
                }
            }
        }
        self.pieces = pieces
    }

    /// The bytes to send, with `epochs` bound so far and `token` making tokens.
    func bytes(epochs: [String: [UInt8]], token: (WireTokenRequest) throws -> String) throws -> [UInt8] {
        var result: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): result += bytes
            case .epoch(let name), .proof(let name):
                guard let value = epochs[name] else { throw WirePatternError("\(name) is sent before it is bound") }
                result += value
            case .token(let request):
                var writer = ByteWriter()
                writer.string(try token(request))
                result += writer.bytes
            case .fill(let count, let byte): result += [UInt8](repeating: byte, count: count)
            case .text: throw WirePatternError("<text> is only for expected messages")
            }
        }
        return result
    }

    /// Whether `message` matches, binding epochs met for the first time into `epochs`.
    func matches(_ message: [UInt8], epochs: inout [String: [UInt8]]) -> Bool {
        var reader = ByteReader(message)
        var bound = epochs
        for piece in pieces {
            switch piece {
            case .bytes(let bytes):
                guard (try? reader.raw(bytes.count)).map(Array.init) == bytes else { return false }
            case .epoch(let name), .proof(let name):
                let size = if case .proof = piece { Receipt.proofBytes } else { 8 }
                guard let value = (try? reader.raw(size)).map(Array.init) else { return false }
                if let known = bound[name] {
                    guard known == value else { return false }
                } else {
                    guard !bound.values.contains(value) else { return false }
                    bound[name] = value
                }
            case .text:
                guard (try? reader.string()) != nil else { return false }
            case .token, .fill:
                return false
            }
        }
        guard reader.isAtEnd else { return false }
        epochs = bound
        return true
    }
}

/// The token a `<token:…>` placeholder asks for.
struct WireTokenRequest: Hashable {
    /// `read` or `write`.
    var scope: String
    var document: String
    /// The user the token is made for; nil for a token that names nobody.
    var user: String?
    /// How long it is valid from when it is made; nil for long enough.
    var seconds: UInt64?
}

struct WirePatternError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
