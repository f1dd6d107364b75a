/// How many terminal columns a scalar takes: 0 (combining, format), 1, or 2 (East Asian wide,
/// emoji). The terminal front end passes its C library's `wcwidth` instead, so that columns agree
/// with what the terminal draws; this table serves tests and is close to glibc's.
public typealias ColumnWidth = @Sendable (Unicode.Scalar) -> Int

public enum ColumnWidths {
    /// A pure approximation of `wcwidth` (Unicode 15 East Asian Width W/F, emoji presentation).
    public static let unicode: ColumnWidth = { scalar in
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return -1 }
        if value < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) || value == 0x200B { return 0 }
        for range in wide where range.contains(value) { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
