import Testing
import WeftCRDT
import WeftWire

/// The hello's optional user name (flag bit 3): present only when set, so hellos without one are
/// byte for byte what earlier clients send; an announced name must be there and fit its limit.
@Suite struct HelloUserNameTests {
    let hello = Hello(document: try! DocumentName("notes"), epoch: 0, replica: ReplicaID(0x0102030405060708), lastServerSeq: 0)

    @Test func theNameFollowsTheKeyOnlyWhenSet() throws {
        let plain = ClientMessage.hello(hello).encoded()
        var named = hello
        named.userName = "ana"
        let bytes = ClientMessage.hello(named).encoded()
        // Flags byte gains bit 3; `03 61 6e 61` ("ana") follows the empty key.
        var expected = plain
        expected[expected.count - 3] |= 8
        expected += [0x03, 0x61, 0x6E, 0x61]
        #expect(bytes == expected)
        #expect(try ClientMessage(decoding: bytes) == .hello(named))
        #expect(try ClientMessage(decoding: plain) == .hello(hello))
    }

    @Test func anAnnouncedNameMustBeThereAndFit() {
        var flagged = ClientMessage.hello(hello).encoded()
        flagged[flagged.count - 3] |= 8
        #expect(throws: WireError.self) { try ClientMessage(decoding: flagged) }
        #expect(throws: WireError.self) { try ClientMessage(decoding: flagged + [0x00]) }
        var long = hello
        long.userName = String(repeating: "a", count: WireLimits.maxUserNameBytes + 1)
        do {
            _ = try ClientMessage(decoding: ClientMessage.hello(long).encoded())
            Issue.record("a 65-byte user name was accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }
}
