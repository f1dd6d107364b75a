import Foundation
import Synchronization

/// The last layouts of long lines, by their text and how they were laid out. One keystroke
/// lays out the cursor's line several times (to move, keep it on screen, draw it), and a line
/// of a megabyte (minified code, a log line) takes milliseconds each time; short lines are laid
/// out again, as that costs less than looking them up.
final class LayoutCache: Sendable {
    struct Key: Equatable {
        var text: String
        var wrapWidth: Int?
        var tabWidth: Int

        /// Byte for byte: String's `==` calls "é" and "e" with a combining accent equal, and
        /// those lay out differently.
        static func == (left: Key, right: Key) -> Bool {
            guard left.wrapWidth == right.wrapWidth, left.tabWidth == right.tabWidth, left.text.utf8.count == right.text.utf8.count else { return false }
            var (leftText, rightText) = (left.text, right.text)
            return leftText.withUTF8 { leftBytes in
                rightText.withUTF8 { rightBytes in
                    leftBytes.count == 0 || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
                }
            }
        }
    }

    /// Lines shorter than this many UTF-8 bytes are not kept.
    static let minimumBytes = 2_048
    /// Layouts kept; a line's wrapped and unwrapped layouts are two.
    static let capacity = 4

    private let entries = Mutex<[(key: Key, layout: LineLayout)]>([])

    /// The layout of `key`, made by `make` unless it is kept. `make` is given the kept layout
    /// that shares the longest start with `key`'s text (laid out the same way), and how many
    /// UTF-8 bytes they share: a key typed into a long line changes it from there on only.
    func layout(_ key: Key, make: (_ earlier: LineLayout?, _ unchangedBytes: Int) -> LineLayout) -> LineLayout {
        guard key.text.utf8.count >= Self.minimumBytes else { return make(nil, 0) }
        let kept = entries.withLock { entries in entries.filter { $0.key.wrapWidth == key.wrapWidth && $0.key.tabWidth == key.tabWidth } }
        if let same = kept.first(where: { $0.key == key }) { return same.layout }
        var earlier: (layout: LineLayout, bytes: Int)?
        for entry in kept {
            let bytes = Self.sharedPrefixBytes(entry.key.text, key.text)
            if bytes > earlier?.bytes ?? 0 { earlier = (entry.layout, bytes) }
        }
        let layout = make(earlier?.layout, earlier?.bytes ?? 0)
        entries.withLock { entries in
            entries.insert((key, layout), at: 0)
            if entries.count > Self.capacity { entries.removeLast() }
        }
        return layout
    }

    /// How many UTF-8 bytes `left` and `right` begin with alike: compared a page at a time by
    /// `memcmp`, then byte by byte in the first page that differs.
    static func sharedPrefixBytes(_ left: String, _ right: String) -> Int {
        var (left, right) = (left, right)
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                let count = min(leftBytes.count, rightBytes.count)
                guard count > 0 else { return 0 }
                let page = 4_096
                var start = 0
                while start + page <= count, memcmp(leftBytes.baseAddress! + start, rightBytes.baseAddress! + start, page) == 0 { start += page }
                while start < count, leftBytes[start] == rightBytes[start] { start += 1 }
                return start
            }
        }
    }
}
