import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// Hostile bytes: random and mutated encodings must decode or throw `DecodingError`, never crash
/// or hang, and whatever decodes must be usable. `WEFT_FUZZ_ROUNDS` scales the run.
@Suite(.ownThread) struct DecoderFuzzTests {
    static let seeds: [UInt64] = [11, 12, 13, 14]
    static let iterations = (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 20

    /// A document with history from two replicas, and the op batches that built it.
    static func corpus() throws -> (snapshot: [UInt8], batches: [[UInt8]]) {
        var alice = Replica(replicaID: ReplicaID(0xA11CE))
        var bob = Replica(replicaID: ReplicaID(0xB0B))
        var batches: [[UInt8]] = []
        let first = try alice.replace(0..<0, with: "Hello, wörld 👋\nsecond line")
        try bob.apply(first)
        let fromBob = [try bob.insert("dear ", at: 7)!, try bob.delete(0..<1)!]
        let fromAlice = [try alice.insert("!", at: 12)!, try alice.delete(3..<5)!]
        try alice.apply(fromBob)
        try bob.apply(fromAlice)
        batches = [first, fromBob, fromAlice].map(OpCodec.encode)
        // Something pending, so the snapshot carries a waiting batch too.
        var carol = Replica(replicaID: ReplicaID(0xCA201))
        try carol.apply(fromAlice)
        return (carol.encodeSnapshot(), batches)
    }

    /// The snapshot's text is checked as strictly as Swift's own UTF-8 validation: each broken
    /// form put in place of a valid character of the same length is refused.
    @Test func snapshotTextMustBeStrictUTF8() throws {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("aé日😀z", at: 0)
        let bytes = replica.encodeSnapshot()
        #expect(try Replica(snapshot: bytes, replicaID: ReplicaID(2)).text == "aé日😀z")
        let valid: [[UInt8]] = [[0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xF0, 0x9F, 0x98, 0x80]]
        let broken: [[UInt8]] = [
            [0xC0, 0xA9], [0xC3, 0x29],                            // overlong, missing continuation
            [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE6, 0x97, 0xC0],  // overlong, surrogate, bad third
            [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],  // overlong, past U+10FFFF
            [0x80, 0x80], [0xFF, 0x80],
        ]
        for form in broken {
            let original = try #require(valid.first { $0.count == form.count })
            let at = try #require(bytes.indices.first { Array(bytes[$0..<min(bytes.count, $0 + original.count)]) == original })
            var damaged = bytes
            damaged.replaceSubrange(at..<at + form.count, with: form)
            #expect(throws: DecodingError.self, "\(form.map { String($0, radix: 16) })") {
                try Replica(snapshot: damaged, replicaID: ReplicaID(2))
            }
        }
    }

    static func mutate(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1 where !bytes.isEmpty:
                bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)...)
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 3 where !bytes.isEmpty:
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            default:
                // A huge varint where a count or length goes.
                if !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes.replaceSubrange(index..<index + 1, with: [0xff, 0xff, 0xff, 0xff, 0x0f])
                }
            }
        }
        return bytes
    }

    /// Uses a decoded replica the way an editor would; none of it may trap.
    static func exercise(_ replica: inout Replica, using random: inout SeededGenerator) throws {
        _ = replica.text
        _ = replica.line(replica.lineCount - 1)
        _ = replica.encodeSnapshot()
        if replica.count > 0 {
            let position = Int.random(in: 0..<replica.count, using: &random)
            _ = replica.anchor(at: position)
            _ = try replica.delete(position..<position + 1)
        }
        _ = try replica.insert("x", at: Int.random(in: 0...replica.count, using: &random))
    }

    @Test(arguments: seeds)
    func hostileBytesNeverCrash(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let (snapshot, batches) = try Self.corpus()
        var decodedSnapshots = 0, decodedBatches = 0
        for _ in 0..<Self.iterations {
            let pick = Int.random(in: 0..<4, using: &random)
            let bytes: [UInt8]
            switch pick {
            case 0: bytes = (0..<Int.random(in: 0...48, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1: bytes = Self.mutate(snapshot, using: &random)
            default: bytes = Self.mutate(batches.randomElement(using: &random)!, using: &random)
            }
            if var replica = try? Replica(snapshot: bytes, replicaID: ReplicaID(5)) {
                decodedSnapshots += 1
                try? Self.exercise(&replica, using: &random)
            }
            if let ops = try? OpCodec.decode(bytes) {
                decodedBatches += 1
                var replica = try Replica(snapshot: snapshot, replicaID: ReplicaID(6))
                do { try replica.apply(ops) } catch {}
                try? Self.exercise(&replica, using: &random)
            }
        }
        // Not only rejections: some mutations must survive, or the fuzzer explores nothing.
        #expect(decodedSnapshots + decodedBatches > 0, "seed \(seed): nothing decoded")
    }

    @Test func truncationsAreRejectedWithTruncatedOrInvalid() throws {
        let (snapshot, batches) = try Self.corpus()
        for bytes in [snapshot] + batches {
            for length in 0..<bytes.count {
                let prefix = Array(bytes[..<length])
                #expect(throws: DecodingError.self) { try Replica(snapshot: prefix, replicaID: ReplicaID(1)) }
                #expect(throws: DecodingError.self) { try OpCodec.decode(prefix) }
            }
        }
    }

    @Test func oversizedClaimsDoNotAllocate() throws {
        // A snapshot header claiming 2^32 - 1 characters for one replica: refused before allocating.
        var writer = ByteWriter()
        writer.raw([0x57, 0x46, 0x54, 0x53, 1, 1])
        writer.uint64(1)
        writer.varint(UInt64(UInt32.max))
        #expect(throws: DecodingError.self) { try Replica(snapshot: writer.bytes, replicaID: ReplicaID(1)) }
        // An op batch claiming a billion ops in ten bytes.
        var batch = ByteWriter()
        batch.byte(1)
        batch.varint(0)
        batch.varint(1_000_000_000)
        #expect(throws: DecodingError.self) { try OpCodec.decode(batch.bytes) }
    }
}
