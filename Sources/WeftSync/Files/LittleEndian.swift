import WeftCRDT

// The `u32` of FILES.md (record lengths and checksums): four bytes, little-endian. The CRDT
// formats have no 32-bit fixed-width field, so ByteWriter and ByteReader lack it.

extension ByteWriter {
    mutating func uint32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { byte(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

extension Array where Element == UInt8 {
    /// The little-endian `u32` at `offset`; the caller checks that four bytes are there.
    func uint32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << UInt32(8 * $1) }
    }
}
