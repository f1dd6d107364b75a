import Foundation
import TOMLKit

extension Keymap {
    /// Loads keymap `name` from `library` (the user's file over the shipped one), following `inherits`.
    /// - Throws: `DataFileError` naming the file and line of the first problem.
    public static func load(_ name: String, from library: DataFileLibrary) throws(DataFileError) -> Keymap {
        try load(url: library.require(name), name: name, library: library, chain: [])
    }

    private static let settings: Set<String> = ["description", "inherits", "modes", "typing", "block-cursor"]

    private static func load(url: URL, name: String, library: DataFileLibrary, chain: [String]) throws(DataFileError) -> Keymap {
        let source = try TOMLSource(url: url)
        var keymap = Keymap(name: name, modes: [], typingModes: [], bindings: [:])
        if let parent = try source.inherited(name: name, library: library, chain: chain + [url.path]) {
            keymap = try load(url: parent.url, name: parent.name, library: library, chain: chain + [url.path])
            keymap.name = name
        }
        if let modes = try source.strings("modes") {
            guard !modes.isEmpty else { throw source.error("modes must name at least one mode", key: "modes") }
            keymap.modes = modes
        }
        guard !keymap.modes.isEmpty else {
            throw source.error("no modes: add modes = [\"edit\"] (the first mode is where the editor starts) or inherits = \"default\"")
        }
        if let description = try source.string("description") { keymap.description = description }
        if let typing = try source.strings("typing") { keymap.typingModes = Set(typing) }
        if let block = try source.strings("block-cursor") { keymap.blockCursorModes = Set(block) }
        for setting in ["typing", "block-cursor"] {
            for mode in (try source.strings(setting)) ?? [] where !keymap.modes.contains(mode) {
                throw source.error("\(setting) names mode \"\(mode)\", which is not in modes \(keymap.modes)", key: setting)
            }
        }
        for key in source.table.keys where !settings.contains(key) {
            guard let table = source.table[key]?.table else {
                throw source.error("unknown setting \"\(key)\" (settings: \(settings.sorted().joined(separator: ", ")); bindings go in a [MODE] table)", key: key)
            }
            guard keymap.modes.contains(key) else {
                throw source.error("[\(key)] is not one of the modes \(keymap.modes)", section: key)
            }
            var bindings = keymap.bindings[key] ?? [:]
            for keyName in table.keys {
                guard let commandName = table[keyName]?.string else {
                    throw source.error("the binding for \"\(keyName)\" must be a command name in quotes", key: keyName, in: key)
                }
                var sequence: [Key] = []
                for part in keyName.split(separator: " ") {
                    guard let parsed = Key(name: String(part)) else {
                        throw source.error("\"\(part)\" is not a key name (examples: a, Ctrl-Q, Alt-x, Shift-Left, PageDown, Enter, Esc, Space, F2)", key: keyName, in: key)
                    }
                    if let reason = parsed.whyNeverSent {
                        throw source.error("\"\(part)\" \(reason)", key: keyName, in: key)
                    }
                    sequence.append(parsed)
                }
                guard !sequence.isEmpty else { throw source.error("an empty key name", key: keyName, in: key) }
                if commandName == "none" {
                    bindings[sequence] = nil
                    continue
                }
                guard let command = EditorCommand(rawValue: commandName) else {
                    throw source.error("\"\(commandName)\" is not a command (Keymaps/README.md lists them)", key: keyName, in: key)
                }
                bindings[sequence] = command
            }
            keymap.bindings[key] = bindings
        }
        for (mode, table) in keymap.bindings {
            for sequence in table.keys where sequence.count > 1 {
                for length in 1..<sequence.count where table[Array(sequence.prefix(length))] != nil {
                    let prefix = Array(sequence.prefix(length)).keyNames
                    throw source.error("in [\(mode)], \"\(prefix)\" is bound and also starts \"\(sequence.keyNames)\": one of them could never run", key: prefix, in: mode)
                }
            }
        }
        return keymap
    }
}
