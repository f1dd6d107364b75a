import Foundation
import WeftCRDT
import WeftTestSupport
import WeftWire

/// Where the relay's message fuzzer starts from: PROTOCOL.md's examples, every wire conformance
/// vector's client messages, and every CRDT conformance vector's op batches, each sent as batches
/// by the replica that made them. Mutations of these reach far deeper than random bytes would:
/// most of them decode, and many apply.
enum RelayFuzzSeeds {
    static func all() throws -> [RelayFuzzInput] {
        try protocolExamples() + wireVectors() + crdtVectors()
    }

    /// The examples of PROTOCOL.md, in the orders a client sends them.
    static func protocolExamples() throws -> [RelayFuzzInput] {
        func example(_ name: String) throws -> [UInt8] { try DocumentedExample.bytes(name, in: "PROTOCOL.md") }
        let hello = try example("hello-new"), batch = try example("batch-hi"), presence = try example("presence-ana")
        let resume = try example("hello-resume"), restoring = try example("hello-restoring"), restore = try example("restore-hi")
        let message = RelayFuzzInput.Message.init
        return [
            RelayFuzzInput(messages: [message(0, hello), message(0, batch), message(0, presence), message(0, batch)]),
            RelayFuzzInput(messages: [message(0, hello), message(1, hello), message(0, batch), message(1, batch)]),
            RelayFuzzInput(paths: ["team/plan", "notes", "notes", "notes"], messages: [message(0, resume), message(0, batch)]),
            RelayFuzzInput(messages: [message(0, restoring), message(0, restore), message(1, hello), message(1, batch)]),
        ]
    }

    /// Each wire vector's messages, connection by connection as the vector opens them (text
    /// messages left out: the relay refuses them before decoding). Epochs are sent as 0 and
    /// tokens empty: the fuzzed relay has no secret.
    static func wireVectors() throws -> [RelayFuzzInput] {
        var inputs: [RelayFuzzInput] = []
        for (_, file) in try WireVectorFile.committed() {
            for vector in file.vectors {
                var connections: [String: Int] = [:]
                var input = RelayFuzzInput(messages: [])
                for step in vector.steps {
                    if let name = step.open {
                        let index = connections.count % RelayFuzzInput.connections
                        connections[name] = index
                        input.paths[index] = step.path ?? "notes"
                    } else if let name = step.send, let hex = step.hex, let index = connections[name] {
                        let pattern = try WirePattern(hex)
                        let epochs = Dictionary(pattern.pieces.compactMap { piece -> (String, [UInt8])? in
                            switch piece {
                            case .epoch(let name): (name, [UInt8](repeating: 0, count: 8))
                            case .proof(let name): (name, [UInt8](repeating: 0, count: Receipt.proofBytes))
                            default: nil
                            }
                        }, uniquingKeysWith: { first, _ in first })
                        input.messages.append(.init(connection: index, bytes: try pattern.bytes(epochs: epochs, token: { _ in "" })))
                    }
                }
                input.clamp()
                if !input.messages.isEmpty { inputs.append(input) }
            }
        }
        return inputs
    }

    /// A CRDT vector as far as the fuzzer reads it: its op batches in the order delivered.
    private struct CRDTVector: Decodable {
        var deliver: [String]
    }

    private struct CRDTVectorFile: Decodable {
        var vectors: [CRDTVector]
    }

    /// Each CRDT vector's batches sent by the replicas that made them: a hello per replica (up to
    /// four connections), then each batch as that replica's next one. A batch that does not
    /// decode (the vectors of what must be refused) goes out as it is, from the first connection.
    static func crdtVectors() throws -> [RelayFuzzInput] {
        let directory = DocumentedExample.repository.appendingPathComponent("Conformance/crdt")
        var inputs: [RelayFuzzInput] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0.hasSuffix(".json") }).sorted() {
            let file = try JSONDecoder().decode(CRDTVectorFile.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
            for vector in file.vectors {
                var input = RelayFuzzInput(messages: [])
                var connectionOf: [ReplicaID: Int] = [:]
                var clientSeqs: [Int: UInt64] = [:]
                for hex in vector.deliver {
                    let bytes = hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
                    let replica = (try? OpCodec.decode(bytes))?.lazy.compactMap(\.insertedReplica).first ?? connectionOf.keys.first ?? ReplicaID(1)
                    let connection: Int
                    if let known = connectionOf[replica] {
                        connection = known
                    } else {
                        connection = connectionOf.count % RelayFuzzInput.connections
                        connectionOf[replica] = connection
                        let hello = Hello(document: try DocumentName("notes"), epoch: 0, replica: replica, lastServerSeq: 0)
                        input.messages.append(.init(connection: connection, bytes: ClientMessage.hello(hello).encoded()))
                    }
                    let clientSeq = (clientSeqs[connection] ?? 0) + 1
                    clientSeqs[connection] = clientSeq
                    var writer = ByteWriter()
                    writer.byte(0x02)  // a batch (PROTOCOL.md): the ops go as they are, decodable or not
                    writer.varint(clientSeq)
                    writer.varint(bytes.count)
                    writer.raw(bytes)
                    input.messages.append(.init(connection: connection, bytes: writer.bytes))
                }
                input.clamp()
                inputs.append(input)
            }
        }
        return inputs
    }
}

extension Op {
    /// The replica whose characters an insertion carries; nil for a deletion.
    fileprivate var insertedReplica: ReplicaID? {
        if case .insert(let insertion) = self { return insertion.id.replica }
        return nil
    }
}
