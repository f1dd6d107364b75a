import WeftCRDT
import WeftTestSupport
import WeftWire

/// Writes a wire vector's steps from typed messages, so the generator reads like the exchange it
/// describes. Values that vary from run to run are written as sentinels and turned into the
/// patterns' placeholders (`WirePattern`).
struct WireScript {
    private(set) var steps: [WireVector.Step] = []

    /// The epoch bound to `name`, to put in a message: a sentinel the hex becomes `<epoch:NAME>` for.
    static func epoch(_ name: String) -> UInt64 {
        let index = UInt64(epochNames.firstIndex(of: name)! + 1)
        return 0xE0E0_E0E0_E0E0_E000 | index
    }
    static let epochNames = ["E", "E2", "E3"]

    /// A receipt's proof as a vector names it (becomes `<proof:NAME>`): bound where a receipt is
    /// expected, sent back in a hello's claim of lost batches.
    static func proof(_ name: String) -> [UInt8] {
        Array("\u{2}proof:\(name)".utf8) + [UInt8](repeating: 2, count: Receipt.proofBytes - 7 - name.utf8.count)
    }
    static let proofNames = ["R1", "R2"]

    /// A token of the relay under test, to put in a hello: becomes `<token:SCOPE:DOCUMENT>`, or
    /// with `user` (and `seconds`) `<token:SCOPE:DOCUMENT:USER:SECONDS>`.
    static func token(_ scope: String, for document: String = "notes", user: String? = nil, seconds: UInt64? = nil) -> String {
        var placeholder = "token:\(scope):\(document)"
        if user != nil || seconds != nil { placeholder += ":\(user ?? "")" }
        if let seconds { placeholder += ":\(seconds)" }
        return "\u{1}\(placeholder)\u{1}"
    }

    /// A hello for `replica` on `document`.
    static func hello(_ replica: ReplicaID, document: String = "notes", epoch: UInt64 = 0, lastServerSeq: UInt64 = 0,
                      readOnly: Bool = false, restoring: Bool = false, lostBatches: Receipt? = nil, receipts: Bool = false,
                      token: String = "", key: String = "", user: String = "", former: [(ReplicaID, String)] = [],
                      lastEntry: LogPosition? = nil) -> ClientMessage {
        .hello(Hello(document: try! DocumentName(document), epoch: epoch, replica: replica, lastServerSeq: lastServerSeq,
                     readOnly: readOnly, restoring: restoring, lostBatchesReceipt: lostBatches, wantsReceipts: receipts, token: token,
                     replicaKey: Array(key.utf8), userName: user,
                     formerReplicas: former.map { FormerReplica(replica: $0.0, key: Array($0.1.utf8)) }, lastEntry: lastEntry))
    }

    /// A welcome on epoch `epoch` (a name bound by the vector).
    static func welcome(_ epoch: String = "E", serverSeq: UInt64, lastClientSeq: UInt64 = 0, readOnly: Bool = false,
                        restore: Bool = false, restoreAgain: Bool = false) -> ServerMessage {
        .welcome(Welcome(epoch: Self.epoch(epoch), serverSeq: serverSeq, lastClientSeq: lastClientSeq, readOnly: readOnly, restore: restore,
                         restoreAgain: restoreAgain))
    }

    mutating func open(_ connection: String, path: String = "notes") {
        steps.append(WireVector.Step(open: connection, path: path))
    }

    mutating func send(_ connection: String, _ message: ClientMessage, _ note: String) {
        send(connection, hex: Self.pattern(message.encoded()), note)
    }

    mutating func send(_ connection: String, hex: String, _ note: String) {
        steps.append(WireVector.Step(send: connection, hex: hex, note: note))
    }

    /// `connection` sends batch `clientSeq` of `ops` and gets it acknowledged as `serverSeq`.
    mutating func commit(_ connection: String, clientSeq: UInt64, _ ops: [Op], as serverSeq: UInt64, _ note: String) {
        send(connection, .batch(clientSeq: clientSeq, ops: ops), note)
        expect(connection, .ack(clientSeq: clientSeq, serverSeq: serverSeq), "ack: serverSeq \(serverSeq)")
    }

    mutating func sendText(_ connection: String, _ text: String, _ note: String) {
        steps.append(WireVector.Step(sendText: connection, text: text, note: note))
    }

    mutating func expect(_ connection: String, _ message: ServerMessage, _ note: String) {
        expect(connection, hex: Self.pattern(message.encoded()), note)
    }

    mutating func expect(_ connection: String, hex: String, _ note: String) {
        steps.append(WireVector.Step(hex: hex, expect: connection, note: note))
    }

    /// An error with `code` (any message); when fatal, the connection closes after it.
    mutating func expectError(_ connection: String, _ code: WireErrorCode, fatal: Bool = true, _ note: String) {
        var writer = ByteWriter()
        writer.string(code.rawValue)
        expect(connection, hex: "88 \(Hex.string(writer.bytes)) <text> \(fatal ? "01" : "00")", note)
        if fatal { steps.append(WireVector.Step(expectClosed: connection)) }
    }

    mutating func expectQuiet(_ connection: String, ms: Int = 300, _ note: String) {
        steps.append(WireVector.Step(expectQuiet: connection, ms: ms, note: note))
    }

    mutating func close(_ connection: String) {
        steps.append(WireVector.Step(close: connection))
    }

    mutating func wait(ms: Int, _ note: String) {
        steps.append(WireVector.Step(wait: ms, note: note))
    }

    mutating func failStore(_ note: String) {
        steps.append(WireVector.Step(failStore: true, note: note))
    }

    /// An HTTP request with no body to the relay's port (`method` `path`), answered with `status`.
    mutating func request(_ method: String, _ path: String, status: Int, _ note: String) {
        steps.append(WireVector.Step(path: path, request: method, status: status, note: note))
    }

    /// Revokes every token of `user` made so far (`weft token revoke --user USER`).
    mutating func revoke(_ user: String, _ note: String) {
        steps.append(WireVector.Step(revoke: user, note: note))
    }

    /// Opens `connection`, says hello as `replica` and expects a welcome of an empty document on
    /// epoch E (bound here when it is the first) and `caught-up`.
    mutating func join(_ connection: String, _ replica: ReplicaID, serverSeq: UInt64 = 0, key: String = "") {
        open(connection)
        send(connection, Self.hello(replica, key: key), "hello: replica \(replica), no epoch known")
        expect(connection, Self.welcome(serverSeq: serverSeq), "welcome: the document's epoch, serverSeq \(serverSeq)")
        expect(connection, .caughtUp(serverSeq: serverSeq), "caught-up")
    }

    /// `bytes` as a pattern: sentinels become placeholders.
    static func pattern(_ bytes: [UInt8]) -> String {
        // A token's sentinel is a `string` of under 128 bytes: one byte of length, then it.
        let marker = Array("\u{1}token:".utf8)
        var words: [String] = []
        var index = 0
        while index < bytes.count {
            if bytes[(index + 1)...].starts(with: marker), let end = bytes[(index + 2)...].firstIndex(of: 1),
               Int(bytes[index]) == end - index {
                words.append("<\(String(decoding: bytes[(index + 2)..<end], as: UTF8.self))>")
                index = end + 1
            } else {
                words.append(Hex.string([bytes[index]]))
                index += 1
            }
        }
        var hex = words.joined(separator: " ")
        for name in epochNames {
            var writer = ByteWriter()
            writer.uint64(epoch(name))
            hex = hex.replacingOccurrences(of: Hex.string(writer.bytes), with: "<epoch:\(name)>")
        }
        for name in proofNames {
            hex = hex.replacingOccurrences(of: Hex.string(proof(name)), with: "<proof:\(name)>")
        }
        return hex
    }
}
