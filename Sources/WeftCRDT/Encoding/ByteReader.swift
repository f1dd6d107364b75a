/// Reads what `ByteWriter` writes, checking every bound.
public struct ByteReader {
    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func byte() throws(DecodingError) -> UInt8 {
        guard offset < bytes.count else { throw DecodingError(.truncated, "input ends at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func varint() throws(DecodingError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try byte()
            if shift == 63, byte > 1 { throw DecodingError(.invalid, "varint at byte \(start) overflows 64 bits") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0, shift > 0 { throw DecodingError(.invalid, "varint at byte \(start) is not minimal") }
                return result
            }
            shift += 7
        }
    }

    /// A signed number `ByteWriter.zigzag` wrote.
    public mutating func zigzag() throws(DecodingError) -> Int64 {
        let value = try varint()
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// A varint that must fit in 32 bits.
    public mutating func varint32() throws(DecodingError) -> UInt32 {
        let start = offset
        let value = try varint()
        guard value <= UInt64(UInt32.max) else { throw DecodingError(.invalid, "value at byte \(start) exceeds 32 bits") }
        return UInt32(value)
    }

    /// A count of items each at least `minimumBytes` long: rejected when the rest of the input
    /// could not hold that many, so a hostile count cannot make us allocate.
    public mutating func count(minimumBytes: Int) throws(DecodingError) -> Int {
        let start = offset
        let value = try varint()
        guard value <= UInt64(remaining / max(1, minimumBytes)) else {
            throw DecodingError(.invalid, "count \(value) at byte \(start) exceeds what the remaining \(remaining) bytes can hold")
        }
        return Int(value)
    }

    public mutating func uint64() throws(DecodingError) -> UInt64 {
        guard remaining >= 8 else { throw DecodingError(.truncated, "input ends inside a 64-bit word at byte \(offset)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
        offset += 8
        return value
    }

    public mutating func raw(_ length: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        guard length >= 0, length <= remaining else {
            throw DecodingError(.truncated, "\(length) bytes wanted at byte \(offset), \(remaining) left")
        }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }

    /// A length-prefixed UTF-8 string; invalid UTF-8 is an error, never repaired.
    public mutating func string() throws(DecodingError) -> String {
        try string(byteCount: count(minimumBytes: 1))
    }

    /// The next `byteCount` bytes as UTF-8; invalid UTF-8 is an error, never repaired.
    public mutating func string(byteCount: Int) throws(DecodingError) -> String {
        let start = offset
        let slice = try raw(byteCount)
        // ASCII needs no validating, and validating (a generic call that looks up type metadata
        // each time) was most of the time decoding a long history took.
        let decoded = slice.withUnsafeBufferPointer { buffer in
            String.isASCII(UnsafeRawBufferPointer(buffer)) ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        }
        guard let value = decoded else {
            throw DecodingError(.invalid, "string at byte \(start) is not valid UTF-8")
        }
        return value
    }

    /// Fails unless every byte was read.
    public func expectEnd() throws(DecodingError) {
        guard isAtEnd else { throw DecodingError(.invalid, "\(remaining) unexpected bytes after the end at byte \(offset)") }
    }
}
