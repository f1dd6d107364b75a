import Foundation
import TOMLKit

/// A parsed TOML file with its text kept, so that errors found after parsing (a bad key name, an
/// unknown command) can still name the line.
struct TOMLSource {
    let path: String
    let table: TOMLTable
    private let lines: [Substring]

    init(url: URL) throws(DataFileError) {
        path = url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DataFileError(path: url.path, "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw DataFileError(path: url.path, line: error.source.begin.line, "not valid TOML: \(error.description)")
        } catch {
            throw DataFileError(path: url.path, "not valid TOML: \(error)")
        }
        lines = text.linesByLineFeed()
    }

    /// An error at the line that opens `[section]`.
    func error(_ message: String, section: String) -> DataFileError {
        let line = lines.firstIndex { Self.section(named: $0) == section }
        return DataFileError(path: path, line: line.map { $0 + 1 }, message)
    }

    /// The name `raw` opens a section of (`[normal]`, `["edit"]`), nil when it opens none.
    private static func section(named raw: Substring) -> String? {
        let line = raw.trimmingCharacters(in: .whitespaces)
        guard line.hasPrefix("[") else { return nil }
        return line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).replacingOccurrences(of: "\"", with: "")
    }

    /// The line where `key` is set inside `[section]` (or before any section when nil).
    func line(of key: String, in section: String? = nil) -> Int? {
        var current: String? = nil
        for (index, raw) in lines.enumerated() {
            if let opened = Self.section(named: raw) {
                current = opened
                continue
            }
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            var name = line[..<equals].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, let first = name.first, first == "\"" || first == "'", name.last == first {
                name = String(name.dropFirst().dropLast())
            }
            if name == key { return index + 1 }
        }
        return nil
    }

    func error(_ message: String, key: String? = nil, in section: String? = nil) -> DataFileError {
        DataFileError(path: path, line: key.flatMap { line(of: $0, in: section) }, message)
    }

    /// The file this one's `inherits` names and that name, nil without one. A user's file may
    /// inherit the shipped file of its own `name` (to change a few entries); `chain` holds the
    /// files already being loaded, so a cycle is an error rather than endless recursion.
    func inherited(name: String, library: DataFileLibrary, chain: [String]) throws(DataFileError) -> (url: URL, name: String)? {
        guard let parentName = try string("inherits") else { return nil }
        guard let url = library.url(for: parentName, shippedOnly: parentName == name) else {
            if parentName == name {
                throw error("inherits \"\(parentName)\", its own name: a file inherits its own name only to change a shipped \(library.kind), "
                    + "and no shipped \(library.kind) is named \"\(name)\" (shipped: \(library.shippedNames().joined(separator: ", ")))", key: "inherits")
            }
            throw error(library.missing(parentName), key: "inherits")
        }
        guard !chain.contains(url.path) else {
            throw error("inherits \"\(parentName)\", which inherits this file again (\(chain.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " → "))): the chain goes round in a circle", key: "inherits")
        }
        return (url, parentName)
    }

    /// A string value, or an error naming the key when it has another type.
    func string(_ key: String) throws(DataFileError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error("\(key) must be a string", key: key) }
        return string
    }

    /// An array of strings, or an error naming the key.
    /// `key`'s value as true or false; nil when absent.
    func flag(_ key: String) throws(DataFileError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw error("\(key) must be true or false", key: key) }
        return flag
    }

    func strings(_ key: String) throws(DataFileError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error("\(key) must be an array of strings", key: key) }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw error("\(key) must be an array of strings", key: key) }
            strings.append(string)
        }
        return strings
    }
}
