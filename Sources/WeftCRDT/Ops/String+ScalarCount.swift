extension String {
    /// The number of Unicode scalars, counted over the UTF-8 bytes (every byte but a continuation
    /// byte starts one) instead of decoding each scalar: insertions of kilobytes ask it often.
    var unicodeScalarCount: Int {
        utf8.withContiguousStorageIfAvailable { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
            return count
        } ?? unicodeScalars.count
    }
}
