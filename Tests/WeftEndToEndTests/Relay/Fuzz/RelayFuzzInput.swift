/// What the relay's message fuzzer feeds a relay: the path of each connection and the binary
/// messages sent on them, in order. Written as text (one line a message: `CONNECTION: HEX`) so a
/// failing input can be kept as a regression test.
struct RelayFuzzInput: Sendable, Equatable, CustomStringConvertible {
    /// Connections an input may use.
    static let connections = 4
    /// Messages an input may hold, and bytes a message may hold: a mutated input is cut back to
    /// these, so one run tries many small inputs rather than a few large ones.
    static let maxMessages = 48
    static let maxMessageBytes = 64 << 10

    struct Message: Sendable, Equatable {
        var connection: Int
        var bytes: [UInt8]
    }

    /// The path each connection was opened on (a document name, unchecked: the relay checks it).
    var paths: [String]
    var messages: [Message]

    init(paths: [String] = Array(repeating: "notes", count: RelayFuzzInput.connections), messages: [Message]) {
        self.paths = paths
        self.messages = messages
    }

    /// Reads what `description` writes: `path N NAME` lines, then `N: HEX` lines.
    init(_ text: String) {
        var paths = Array(repeating: "notes", count: Self.connections)
        var messages: [Message] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.first == "path", words.count == 3, let index = Int(words[1]), paths.indices.contains(index) {
                paths[index] = String(words[2])
            } else if let first = words.first, first.hasSuffix(":"), let index = Int(first.dropLast()) {
                messages.append(Message(connection: index, bytes: words.dropFirst().compactMap { UInt8($0, radix: 16) }))
            }
        }
        self.init(paths: paths, messages: messages)
    }

    var description: String {
        let hex = "0123456789abcdef".map { $0 }
        func word(_ byte: UInt8) -> String { String([hex[Int(byte >> 4)], hex[Int(byte & 15)]]) }
        let pathLines = paths.enumerated().map { "path \($0.offset) \($0.element)" }
        let messageLines = messages.map { "\($0.connection): " + $0.bytes.map(word).joined(separator: " ") }
        return (pathLines + messageLines).joined(separator: "\n")
    }

    /// Cut back to the limits.
    mutating func clamp() {
        if messages.count > Self.maxMessages { messages.removeLast(messages.count - Self.maxMessages) }
        for index in messages.indices where messages[index].bytes.count > Self.maxMessageBytes {
            messages[index].bytes.removeLast(messages[index].bytes.count - Self.maxMessageBytes)
        }
    }
}
