import Foundation
import WeftEditor
import WeftTerminal

/// Keys and pastes the terminal sent after `:e`, `:n` or `:p` that the screen left had read but
/// not handled: the next screen (the same program started again) handles them first, as if
/// typed to it. Without this, `:n` then `j` typed fast enough to arrive in one read lost the `j`.
///
/// They travel in an unlinked temporary file left open across `exec`, so any amount fits, no
/// other process sees them in an argument list, and nothing is left behind if the next screen
/// never starts. Mouse events are not carried: they name places on the screen that was left.
enum TypedAhead {
    /// One event as written: a key by its parts (exactly, whatever the keymap files can name),
    /// or pasted text.
    private struct Record: Codable {
        var character: String?
        var named: String?
        var control = false
        var alt = false
        var shift = false
        var paste: String?
        /// A part of a long paste that more follows (`InputEvent.pastePart`).
        var part = false
    }

    /// `events` as bytes for `decode`.
    static func encode(_ events: [InputEvent]) -> [UInt8] {
        let records = events.compactMap { event -> Record? in
            switch event {
            case .key(let key):
                var record = Record(control: key.control, alt: key.alt, shift: key.shift)
                switch key.base {
                case .character(let character): record.character = String(character)
                case .named(let named): record.named = named.rawValue
                }
                return record
            case .paste(let text): return Record(paste: text)
            case .pastePart(let text): return Record(paste: text, part: true)
            case .mouse: return nil
            }
        }
        return Array((try? JSONEncoder().encode(records)) ?? Data("[]".utf8))
    }

    /// The events `encode` wrote; what cannot be read is left out.
    static func decode(_ bytes: [UInt8]) -> [InputEvent] {
        guard let records = try? JSONDecoder().decode([Record].self, from: Data(bytes)) else { return [] }
        return records.compactMap { record in
            if let text = record.paste { return record.part ? .pastePart(text) : .paste(text) }
            let base: Key.Base
            if let named = record.named.flatMap(NamedKey.init(rawValue:)) {
                base = .named(named)
            } else if let text = record.character, text.count == 1, let character = text.first {
                base = .character(character)
            } else {
                return nil
            }
            return .key(Key(base, control: record.control, alt: record.alt, shift: record.shift))
        }
    }

    /// Writes `events` to an unlinked temporary file and returns its descriptor, open and
    /// inherited by a program this process becomes; nil when there is nothing to carry or no
    /// file could be made (the keys are then lost, as before `exec` they always were).
    static func handOver(_ events: [InputEvent]) -> Int32? {
        let carried = events.filter { if case .mouse = $0 { false } else { true } }
        guard !carried.isEmpty else { return nil }
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("weft-typed-ahead-XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        let file = FileHandle(fileDescriptor: descriptor)
        do {
            try file.write(contentsOf: encode(carried))
            try file.seek(toOffset: 0)
        } catch {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// The events handed over in `descriptor` by the screen this process was, which it closes.
    /// Only an unlinked regular file is read: a number that names anything else (a terminal, a
    /// file someone else has open) is not taken for typed keys.
    static func take(from descriptor: Int32) -> [InputEvent] {
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 0,
              status.st_size <= Int(maxBytes),
              let bytes = try? FileHandle(fileDescriptor: descriptor).readToEnd() else { return [] }
        return decode(Array(bytes))
    }

    /// More than anyone types ahead of a screen; a paste arriving as keys may be this long.
    static let maxBytes: off_t = 1 << 30
}
