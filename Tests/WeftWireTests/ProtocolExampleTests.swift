import Foundation
import Testing
import WeftCRDT
import WeftTestSupport
import WeftWire

/// The examples in PROTOCOL.md, read from that file, decode byte for byte to what it documents.
@Suite struct ProtocolExampleTests {
    static func example(_ name: String) throws -> [UInt8] {
        try DocumentedExample.bytes(name, in: "PROTOCOL.md")
    }

    static let replica = ReplicaID(0x0102_0304_0506_0708)
    static let hi: [Op] = [.insert(Insertion(id: CharID(replica: replica, counter: 0), originLeft: nil, originRight: nil, text: "hi"))]

    static let clientExamples: [(String, ClientMessage)] = [
        ("hello-new", .hello(Hello(document: try! DocumentName("notes"), epoch: 0, replica: replica, lastServerSeq: 0))),
        ("hello-resume", .hello(Hello(document: try! DocumentName("team/plan"), epoch: 42, replica: replica, lastServerSeq: 300,
                                      readOnly: true, token: "t0k", replicaKey: Array("key!".utf8)))),
        ("batch-hi", .batch(clientSeq: 1, ops: hi)),
        ("hello-restoring", .hello(Hello(document: try! DocumentName("notes"), epoch: 42, replica: replica, lastServerSeq: 0, restoring: true))),
        ("restore-hi", .restore(clientSeq: 1, ops: [.insert(Insertion(id: CharID(replica: ReplicaID(0xB0B), counter: 0), originLeft: nil,
                                                                      originRight: nil, text: "hi"))])),
        ("presence-ana", .presence(Presence(userName: "ana", colour: 0xFF8800, cursor: .after(CharID(replica: replica, counter: 1)),
                                            selections: [ClosedAnchorRange(from: .start, to: .after(CharID(replica: replica, counter: 0)))]))),
    ]

    static let serverExamples: [(String, ServerMessage)] = [
        ("welcome-42", .welcome(Welcome(epoch: 42, serverSeq: 7, lastClientSeq: 3, readOnly: false))),
        ("welcome-restore", .welcome(Welcome(epoch: 42, serverSeq: 7, lastClientSeq: 0, readOnly: false, restore: true))),
        ("welcome-restore-again", .welcome(Welcome(epoch: 42, serverSeq: 7, lastClientSeq: 0, readOnly: false, restore: true, restoreAgain: true))),
        ("broadcast-hi", .broadcast(serverSeq: 8, replica: replica, clientSeq: 1, ops: hi)),
        ("ack-1", .ack(clientSeq: 1, serverSeq: 8)),
        ("caught-up-8", .caughtUp(serverSeq: 8)),
        ("gone", .presenceGone(replica: replica)),
        ("error-read-only", .error(WireError(.readOnly, "read-only token"), fatal: false)),
    ]

    @Test(arguments: clientExamples.map(\.0))
    func clientExampleDecodes(_ name: String) throws {
        let expected = Self.clientExamples.first { $0.0 == name }!.1
        let bytes = try Self.example(name)
        #expect(try ClientMessage(decoding: bytes) == expected)
        #expect(expected.encoded() == bytes)
    }

    @Test(arguments: serverExamples.map(\.0))
    func serverExampleDecodes(_ name: String) throws {
        let expected = Self.serverExamples.first { $0.0 == name }!.1
        let bytes = try Self.example(name)
        #expect(try ServerMessage(decoding: bytes) == expected)
        #expect(expected.encoded() == bytes)
    }

    @Test func snapshotExampleHoldsTheDocument() throws {
        guard case .snapshot(let serverSeq, let snapshot) = try ServerMessage(decoding: Self.example("snapshot-hi")) else {
            Issue.record("not a snapshot message")
            return
        }
        #expect(serverSeq == 8)
        let document = try Replica(snapshot: snapshot, replicaID: ReplicaID(9))
        #expect(document.text == "hi")
        #expect(document.version == VersionVector([Self.replica: 2]))
    }
}
