import Testing
import WeftTestSupport

/// The wire vectors' patterns match what they say and nothing else, so a vector cannot pass for a
/// relay that answers something other than it expects.
@Suite struct WirePatternTests {
    @Test func epochsBindOnceAndDistinctly() throws {
        let pattern = try WirePattern("81 02 <epoch:E> 00")
        var epochs: [String: [UInt8]] = [:]
        #expect(pattern.matches(Hex.bytes("81 02 01 02 03 04 05 06 07 08 00"), epochs: &epochs))
        #expect(epochs["E"] == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(!pattern.matches(Hex.bytes("81 02 09 02 03 04 05 06 07 08 00"), epochs: &epochs), "E is bound to another value")
        var other = epochs
        #expect(!(try WirePattern("81 02 <epoch:E2> 00")).matches(Hex.bytes("81 02 01 02 03 04 05 06 07 08 00"), epochs: &other),
                "E2 may not bind the value E holds")
        #expect(try WirePattern("<epoch:E>").bytes(epochs: epochs) { _ in "" } == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func bytesMustMatchToTheLast() throws {
        var epochs: [String: [UInt8]] = [:]
        let pattern = try WirePattern("85 01 02")
        #expect(pattern.matches([0x85, 1, 2], epochs: &epochs))
        #expect(!pattern.matches([0x85, 1, 3], epochs: &epochs))
        #expect(!pattern.matches([0x85, 1, 2, 0], epochs: &epochs))
        #expect(!pattern.matches([0x85, 1], epochs: &epochs))
    }

    @Test func textMatchesAnyStringAndOnlyAString() throws {
        var epochs: [String: [UInt8]] = [:]
        let pattern = try WirePattern("88 02 6f 6b <text> 01")
        #expect(pattern.matches(Hex.bytes("88 02 6f 6b 03 61 62 63 01"), epochs: &epochs))
        #expect(pattern.matches(Hex.bytes("88 02 6f 6b 00 01"), epochs: &epochs))
        #expect(!pattern.matches(Hex.bytes("88 02 6f 6b 05 61 62 63 01"), epochs: &epochs))
    }

    @Test func tokensAndFillsAreWrittenWhereSent() throws {
        let bytes = try WirePattern("01 <token:read:notes> <fill:3:ab>").bytes(epochs: [:]) { "\($0.scope)@\($0.document)" }
        #expect(bytes == [1, 10] + Array("read@notes".utf8) + [0xAB, 0xAB, 0xAB])
        let requests = try WirePattern("<token:write:notes:ana> <token:write:notes::3> <token:read:other:bo:60>").pieces
        #expect(requests == [.token(WireTokenRequest(scope: "write", document: "notes", user: "ana")),
                             .token(WireTokenRequest(scope: "write", document: "notes", seconds: 3)),
                             .token(WireTokenRequest(scope: "read", document: "other", user: "bo", seconds: 60))])
        #expect(throws: WirePatternError.self) { try WirePattern("<epoch:E>").bytes(epochs: [:]) { _ in "" } }
        #expect(throws: WirePatternError.self) { try WirePattern("<token:write:notes:ana:soon>") }
        #expect(throws: WirePatternError.self) { try WirePattern("<nonsense>") }
    }
}
