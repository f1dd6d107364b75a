import Foundation
import WeftCRDT

/// Where someone was in a document when they left it: the cursor and the first line on screen,
/// tied to characters, so reopening starts there even after others edited the text above.
/// Kept per document on this machine (vim's last-position mark, in spirit).
public struct EditorPlace: Sendable, Equatable {
    var cursor: Anchor
    var top: Anchor

    /// Whether the screen it restores starts at the document's start.
    public var opensAtTheTop: Bool { top == .start }

    /// The file's text: a header line, then `cursor ANCHOR` and `top ANCHOR`, an anchor being
    /// `start`, `end`, or `before`/`after` a character written `REPLICA:COUNTER` in hexadecimal.
    public var text: String {
        "weft-place 1\ncursor \(Self.describe(cursor))\ntop \(Self.describe(top))\n"
    }

    /// Reads `text` as written by `text`; nil for anything else (a damaged or foreign file).
    public init?(text: String) {
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard lines.first == ["weft-place", "1"] else { return nil }
        var found: [String: Anchor] = [:]
        for fields in lines.dropFirst() where fields.count >= 2 {
            guard let anchor = Self.anchor(fields.dropFirst()) else { return nil }
            found[fields[0]] = anchor
        }
        guard let cursor = found["cursor"], let top = found["top"] else { return nil }
        self.init(cursor: cursor, top: top)
    }

    init(cursor: Anchor, top: Anchor) {
        self.cursor = cursor
        self.top = top
    }

    /// The place saved in `url`, if there is a readable one.
    public static func load(from url: URL) -> EditorPlace? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return EditorPlace(text: String(decoding: data, as: UTF8.self))
    }

    /// Writes the place to `url` (all or nothing).
    public func save(to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    private static func describe(_ anchor: Anchor) -> String {
        switch anchor {
        case .start: "start"
        case .end: "end"
        case .before(let id): "before \(String(id.replica.rawValue, radix: 16)):\(String(id.counter, radix: 16))"
        case .after(let id): "after \(String(id.replica.rawValue, radix: 16)):\(String(id.counter, radix: 16))"
        }
    }

    private static func anchor(_ fields: ArraySlice<String>) -> Anchor? {
        let words = Array(fields)
        switch words.first {
        case "start" where words.count == 1: return .start
        case "end" where words.count == 1: return .end
        case "before" where words.count == 2, "after" where words.count == 2:
            let parts = words[1].split(separator: ":")
            guard parts.count == 2, let replica = UInt64(parts[0], radix: 16), let counter = UInt32(parts[1], radix: 16) else { return nil }
            let id = CharID(replica: ReplicaID(replica), counter: counter)
            return words[0] == "before" ? .before(id) : .after(id)
        default: return nil
        }
    }
}

extension Editor {
    /// Where the cursor and the view are, to start there next time. A view at the document's
    /// start is saved as the start (not as its first character), so that it opens at the start,
    /// with whatever others put before that character meanwhile, and from the cache's text at once.
    public var place: EditorPlace { EditorPlace(cursor: cursor, top: replica.position(of: top) == 0 ? .start : top) }

    /// Starts at `place`: the cursor on its character and that view, as far as the characters are
    /// still in this copy of the document (else the start stays).
    public mutating func restore(_ place: EditorPlace) {
        guard let position = replica.position(of: place.cursor) else { return }
        moveCursor(to: position)
        if let topPosition = replica.position(of: place.top) { setTop(line: replica.line(containing: topPosition), row: 0) }
        clampToCharacter()
        ensureCursorVisible()
    }
}
