import Foundation
import WeftCRDT
import WeftTestSupport
import WeftWire

/// The blocking clients of `weft-bench crowd`: cheap enough to hold ten thousand in one process.
enum CrowdClient {
    /// Joins `document` and reads its replay up to caught-up; the connection is then left idle.
    static func join(port: Int, document: DocumentName, replica: ReplicaID) throws -> RawWebSocket {
        let socket = try RawWebSocket(port: port, path: document.rawValue)
        let hello = ClientMessage.hello(Hello(document: document, epoch: 0, replica: replica, lastServerSeq: 0)).encoded()
        guard socket.sendBinary(hello) else { throw BenchmarkFailure("the relay closed a reader before its hello") }
        while true {
            guard let frame = socket.nextFrame(timeout: .seconds(30)) else { throw BenchmarkFailure("a reader of \(document) got no caught-up") }
            guard frame.opcode == 0x2 else { continue }
            switch try ServerMessage(decoding: frame.payload) {
            case .caughtUp: return socket
            case .error(let error, _): throw BenchmarkFailure("the relay refused a reader of \(document): \(error)")
            default: continue
            }
        }
    }

    /// Writes `text` into the empty `document` as `replica`, in batches within the protocol's
    /// limit, and waits for each ack.
    static func fill(port: Int, document: DocumentName, replica: ReplicaID, text: String) throws {
        let socket = try join(port: port, document: document, replica: replica)
        defer { socket.socket.close() }
        var writer = Replica(replicaID: replica)
        let scalars = Array(text.unicodeScalars)
        var clientSeq: UInt64 = 0
        // Four bytes a scalar at most: a piece this long stays within the limit whatever the text.
        let length = WireLimits.maxBatchBytes / 4 - 1024
        for start in stride(from: 0, to: scalars.count, by: length) {
            clientSeq += 1
            let piece = String(String.UnicodeScalarView(scalars[start..<min(scalars.count, start + length)]))
            let batch = ClientMessage.batch(clientSeq: clientSeq, ops: [try writer.insert(piece, at: writer.count)!]).encoded()
            guard socket.sendBinary(batch) else { throw BenchmarkFailure("the relay closed a writer of \(document)") }
            var acknowledged = false
            while !acknowledged, let frame = socket.nextFrame(timeout: .seconds(30)) {
                guard frame.opcode == 0x2 else { continue }
                if case .ack = try ServerMessage(decoding: frame.payload) { acknowledged = true }
            }
            guard acknowledged else { throw BenchmarkFailure("no ack for the text of \(document)") }
        }
    }
}
