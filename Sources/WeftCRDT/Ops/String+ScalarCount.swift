extension String {
    /// The number of Unicode scalars, counted over the UTF-8 bytes (every byte but a continuation
    /// byte starts one) instead of decoding each scalar: insertions of kilobytes ask it often.
    var unicodeScalarCount: Int {
        utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count - Self.continuationBytes(in: UnsafeRawBufferPointer(bytes))
        } ?? unicodeScalars.count
    }

    /// How many of `bytes` are UTF-8 continuation bytes (`10xxxxxx`), eight at a time: a byte is
    /// one when its top bit is set and the bit below it is not.
    static func continuationBytes(in bytes: UnsafeRawBufferPointer) -> Int {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var count = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            count += (word & ~(word << 1) & highBits).nonzeroBitCount
            offset += 8
        }
        while offset < bytes.count {
            if bytes[offset] & 0xC0 == 0x80 { count += 1 }
            offset += 1
        }
        return count
    }

    /// Whether every one of `bytes` is ASCII, eight at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        var high: UInt64 = 0
        while offset + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < bytes.count {
            high |= UInt64(bytes[offset])
            offset += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
