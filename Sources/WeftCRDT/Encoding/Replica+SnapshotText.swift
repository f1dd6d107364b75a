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
                // Two bits each: every value names a mode.
                let left = LeftMode(rawValue: UInt8(header >> 4 & 3))!, right = RightMode(rawValue: UInt8(header >> 2 & 3))!
                let visibility = VisibilityMode(rawValue: UInt8(header & 3))!
                switch left {
                case .continuation: _ = try reader.varint()  // the distance back
                case .backReference: _ = try readReference(from: &reader); _ = try reader.zigzag()
                case .none, .adjacent: _ = try reader.zigzag()
                }
                let mixed = visibility == .mixedFromVisible || visibility == .mixedFromDeleted
                let pieces = mixed ? try reader.count(minimumBytes: 1) : 1
                // Pieces alternate visible and deleted, from the first one's visibility.
                var visible = visibility == .visible || visibility == .mixedFromVisible
                for _ in 0..<pieces {
                    let length = try reader.varint32()
                    if visible { scalars += Int(length) }
                    visible.toggle()
                }
                if right == .forwardReference { _ = try readReference(from: &reader) }
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
}
