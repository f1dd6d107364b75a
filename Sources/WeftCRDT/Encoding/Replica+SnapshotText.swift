extension Replica {
    /// The start of a snapshot's visible text, read without building the document (a screen can
    /// show it while the document is built): at most `limit` bytes of UTF-8, cut after the last
    /// whole scalar, and the length of the whole text in bytes and in scalars. Spans are only
    /// stepped over, and nothing is checked beyond what stepping needs.
    /// - Returns: nil when `bytes` ends before that much of the text (the start of a longer
    ///   snapshot), or is not a snapshot of this version.
    public static func visibleTextPrefix(ofSnapshot bytes: [UInt8], limit: Int) -> (text: String, totalBytes: Int, totalScalars: Int)? {
        var reader = ByteReader(bytes)
        do throws(DecodingError) {
            guard try Array(reader.raw(4)) == snapshotMagic, try reader.byte() == snapshotVersion else { return nil }
            let tableCount = try reader.count(minimumBytes: 9)
            _ = try reader.raw(tableCount * 8)
            for _ in 0..<tableCount { _ = try reader.varint32() }
            let spanCount = try reader.count(minimumBytes: 3)
            var scalars = 0
            for _ in 0..<spanCount {
                let header = try reader.varint()
                let left = header >> 4 & 3, right = header >> 2 & 3, visibility = header & 3
                switch left {
                case 3: _ = try reader.varint()  // continuation: the distance back
                case 2: try skipReference(&reader); _ = try reader.zigzag()
                default: _ = try reader.zigzag()
                }
                let pieces = visibility >= 2 ? try reader.count(minimumBytes: 1) : 1
                // Pieces alternate visible and deleted, from the first one's visibility.
                var visible = visibility == 0 || visibility == 2
                for _ in 0..<pieces {
                    let length = try reader.varint32()
                    if visible { scalars += Int(length) }
                    visible.toggle()
                }
                if right == 2 { try skipReference(&reader) }
            }
            let total = Int(try reader.varint())
            let wanted = min(total, limit)
            guard reader.remaining >= wanted else { return nil }
            var end = wanted
            // Back to the start of a scalar: a continuation byte is 10xxxxxx.
            if wanted < total { while end > 0, bytes[reader.offset + end] & 0xC0 == 0x80 { end -= 1 } }
            let text = String(decoding: bytes[reader.offset..<(reader.offset + end)], as: UTF8.self)
            return (text, total, scalars)
        } catch {
            return nil
        }
    }

    private static func skipReference(_ reader: inout ByteReader) throws(DecodingError) {
        if try reader.varint() & 1 == 1 { _ = try reader.varint32() }
    }
}
