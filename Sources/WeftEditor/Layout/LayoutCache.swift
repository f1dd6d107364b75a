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

    /// The layout of `key`, made by `make` unless it is kept.
    func layout(_ key: Key, make: () -> LineLayout) -> LineLayout {
        guard key.text.utf8.count >= Self.minimumBytes else { return make() }
        if let kept = entries.withLock({ entries in entries.first { $0.key == key }?.layout }) { return kept }
        let layout = make()
        entries.withLock { entries in
            entries.insert((key, layout), at: 0)
            if entries.count > Self.capacity { entries.removeLast() }
        }
        return layout
    }
}
