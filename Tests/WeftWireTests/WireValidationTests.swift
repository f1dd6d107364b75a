import Foundation
import Testing
import WeftCRDT
import WeftTestSupport
import WeftWire

/// Hostile frames get the right error code, never a crash.
@Suite struct WireValidationTests {
    func code(_ bytes: [UInt8]) -> WireErrorCode? {
        do {
            _ = try ClientMessage(decoding: bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func documentNamesRefusePathTricksAndControlCharacters() {
        for good in ["notes", "team/plan-2026", "a.b_c", String(repeating: "x", count: 128)] {
            #expect((try? DocumentName(good)) != nil, "\(good) should be valid")
        }
        for bad in ["", "../etc/passwd", "a/../b", ".hidden", "a//b", "/abs", "trail/", "tab\there", "new\nline",
                    "spaced name", "é", "a\\b", "nul\u{0}", String(repeating: "x", count: 129)] {
            do {
                _ = try DocumentName(bad)
                Issue.record("\(bad.debugDescription) should be refused")
            } catch {
                #expect(error.code == .badName)
            }
        }
    }

    @Test func wrongVersionIsUpgradeRequired() throws {
        var hello = try ProtocolExampleTests.example("hello-new")
        hello[1] = 1  // a client of the first protocol version
        #expect(code(hello) == .upgradeRequired)
    }

    @Test func limitsAreTooLarge() throws {
        #expect(code([UInt8](repeating: 0, count: WireLimits.maxFrameBytes + 1)) == .tooLarge)
        let longName = Hello(document: try DocumentName("x"), epoch: 0, replica: ReplicaID(1), lastServerSeq: 0,
                             token: String(repeating: "t", count: WireLimits.maxTokenBytes + 1))
        #expect(code(ClientMessage.hello(longName).encoded()) == .tooLarge)
        let manySelections = Presence(userName: "x", colour: 0, cursor: .start,
                                      selections: Array(repeating: ClosedAnchorRange(from: .start, to: .end), count: WireLimits.maxSelections + 1))
        #expect(code(ClientMessage.presence(manySelections).encoded()) == .tooLarge)
    }

    @Test func malformedFramesAreMalformed() throws {
        #expect(code([]) == .malformed)
        #expect(code([0x7f]) == .malformed)  // unknown type
        var batch = try ProtocolExampleTests.example("batch-hi")
        #expect(code(batch + [0]) == .malformed)  // trailing byte
        batch[1] = 0
        #expect(code(batch) == .malformed)  // clientSeq 0
        #expect(code([0x02, 0x01, 0x00]) == .malformed)  // empty op batch
        var welcome = try ProtocolExampleTests.example("welcome-42")
        welcome[welcome.count - 1] = 0x80  // unknown flag bit
        #expect(throws: WireError.self) { try ServerMessage(decoding: welcome) }
    }

    @Test(arguments: [UInt64(21), 22, 23])
    func randomAndMutatedFramesNeverCrash(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let corpus = try ["hello-new", "hello-resume", "batch-hi", "presence-ana", "welcome-42", "broadcast-hi",
                          "ack-1", "error-read-only", "snapshot-hi"].map(ProtocolExampleTests.example)
        let rounds = (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 20
        var accepted = 0
        for _ in 0..<rounds {
            var bytes = corpus.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            if (try? ClientMessage(decoding: bytes)) != nil { accepted += 1 }
            if (try? ServerMessage(decoding: bytes)) != nil { accepted += 1 }
        }
        #expect(accepted > 0, "seed \(seed): every mutation was refused; the fuzzer explores nothing")
    }
}
