import WeftTestSupport

/// Changes a fuzz input the ways that find bugs in a message path: single bits and bytes, bytes
/// inserted and removed, messages cut short, varints made longer, shorter or huge, two inputs
/// spliced, messages repeated, dropped, swapped or moved to another connection.
struct RelayFuzzMutator {
    var random: SeededGenerator

    /// `input` with one to four mutations; `other` is a second input to splice from.
    mutating func mutate(_ input: RelayFuzzInput, splicingFrom other: RelayFuzzInput) -> RelayFuzzInput {
        var result = input
        for _ in 0..<Int.random(in: 1...4, using: &random) { mutateOnce(&result, other: other) }
        result.clamp()
        return result
    }

    private mutating func mutateOnce(_ input: inout RelayFuzzInput, other: RelayFuzzInput) {
        guard !input.messages.isEmpty else {
            input.messages = other.messages
            return
        }
        let index = Int.random(in: input.messages.indices, using: &random)
        var bytes = input.messages[index].bytes
        switch Int.random(in: 0..<12, using: &random) {
        case 0:  // flip a bit
            guard !bytes.isEmpty else { break }
            bytes[Int.random(in: bytes.indices, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1:  // set a byte to an interesting value
            guard !bytes.isEmpty else { break }
            bytes[Int.random(in: bytes.indices, using: &random)] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x02, 0x04][Int.random(in: 0..<7, using: &random)]
        case 2:  // insert bytes
            let at = Int.random(in: 0...bytes.count, using: &random)
            bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
        case 3:  // delete bytes
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: bytes.indices, using: &random)
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
        case 4:  // cut the message short
            bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
        case 5:  // a varint made longer (same value, another continuation byte), or huge
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: bytes.indices, using: &random)
            if Bool.random(using: &random) {
                bytes[at] |= 0x80
                bytes.insert(0x00, at: at + 1)
            } else {
                bytes.replaceSubrange(at..<at + 1, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
            }
        case 6:  // a small number changed by one (counters, lengths, sequences)
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: bytes.indices, using: &random)
            bytes[at] = Bool.random(using: &random) ? bytes[at] &+ 1 : bytes[at] &- 1
        case 7:  // splice: this message's head and another input's message's tail
            guard let donor = other.messages.randomElement(using: &random)?.bytes else { break }
            let cut = Int.random(in: 0...bytes.count, using: &random), from = Int.random(in: 0...donor.count, using: &random)
            bytes = Array(bytes[..<cut] + donor[from...])
        case 8:  // repeat a message
            input.messages.insert(input.messages[index], at: Int.random(in: index...input.messages.count, using: &random))
            return
        case 9:  // drop a message
            input.messages.remove(at: index)
            return
        case 10:  // send it on another connection, or swap it with the next
            if Bool.random(using: &random) || index + 1 == input.messages.count {
                input.messages[index].connection = Int.random(in: 0..<RelayFuzzInput.connections, using: &random)
            } else {
                input.messages.swapAt(index, index + 1)
            }
            return
        default:  // take messages from the other input, in place
            let taken = other.messages.prefix(Int.random(in: 1...max(1, other.messages.count), using: &random))
            input.messages.insert(contentsOf: taken, at: Int.random(in: 0...input.messages.count, using: &random))
            return
        }
        input.messages[index].bytes = bytes
    }
}
