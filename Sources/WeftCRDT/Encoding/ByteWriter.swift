/// Appends the primitives of Weft's binary formats: LEB128 varints, little-endian fixed words,
/// length-prefixed UTF-8.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Makes room for `count` more bytes at once (a large output is not grown and copied over
    /// and over).
    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Unsigned LEB128: 7 bits a byte, low bits first, high bit set on all bytes but the last.
    public mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// How many bytes `varint(value)` writes.
    public static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    public mutating func varint(_ value: Int) {
        precondition(value >= 0, "varint of a negative number")
        varint(UInt64(value))
    }

    public mutating func varint(_ value: UInt32) { varint(UInt64(value)) }

    /// A signed number as a varint, small magnitudes short: `(n << 1) ^ (n >> 63)` (0, −1, 1, −2 …
    /// become 0, 1, 2, 3 …).
    public mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Eight bytes, least significant first.
    public mutating func uint64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func raw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// The UTF-8 byte count as a varint, then the bytes.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }
}
