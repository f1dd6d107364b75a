/// Turns bytes read in arbitrary chunks (a pipe, a file) into text: a character cut between
/// two chunks is held back until the rest arrives; bytes that are not UTF-8 become U+FFFD, as
/// they would in any `String(decoding:)`.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The text of `bytes` (after what was held back), holding back an incomplete last character.
    public mutating func decode(_ bytes: some Collection<UInt8>) -> String {
        var all = pending
        all.append(contentsOf: bytes)
        let cut = Self.completePrefixLength(all)
        pending = Array(all[cut...])
        return UndecodableByte.text(of: all[..<cut])
    }

    /// What is left at the end of the input (the bytes of an incomplete character, each kept as
    /// an `UndecodableByte`).
    public mutating func finish() -> String {
        defer { pending = [] }
        return UndecodableByte.text(of: pending)
    }

    /// The length of `bytes` without a trailing lead byte whose continuation bytes have not
    /// all arrived yet.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, continuations < 3, bytes[index] & 0xC0 == 0x80 {
            continuations += 1
            index -= 1
        }
        guard index >= 0 else { return bytes.count }
        let lead = bytes[index]
        let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        return needed > continuations && lead >= 0xC0 && lead < 0xF8 ? index : bytes.count
    }
}
