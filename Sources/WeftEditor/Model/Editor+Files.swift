import Foundation
import WeftCRDT

/// Editing a local file alone: `:w` (and the save key) write it back, `:w FILE` and `:saveas`
/// write elsewhere.
extension Editor {
    /// Ties the editor to `file`: saving writes the text there.
    public mutating func attach(_ file: LocalFile) {
        localFile = file
        status.connection = "file"
    }

    /// The text read from standard input, edited alone: `:w FILE` writes it and makes FILE the
    /// file edited from then on (as vim names an unnamed buffer); until then quitting with
    /// changes warns, since they are nowhere else.
    public mutating func attachStandardInput() {
        editsStandardInput = true
        status.connection = "file"
    }

    /// The file being edited, if the text is one.
    public var file: LocalFile? { localFile }

    /// Whether the text changed since it was read or last written.
    public var isModified: Bool { (localFile != nil || editsStandardInput) && savedVersion != version }

    /// What the warning about changes not written names.
    var unwrittenTextName: String { localFile == nil && editsStandardInput ? "the text from standard input" : "the file" }

    /// How to write the changes, in the warning: a file name is needed for standard input's text.
    var writeHint: String { localFile == nil && editsStandardInput ? ":w FILE writes them" : ":w writes them" }

    /// `:w`, `:w!`, `:w FILE`, `:saveas FILE` and the save key. Returns whether it wrote.
    @discardableResult
    mutating func writeFile(to path: String?, force: Bool, adopting: Bool = false) -> Bool {
        var text = replica.text
        // As vim's 'fixeol': the last line ends with a line feed in the file, as every other.
        if countsLinesAsVim, !text.isEmpty, !text.endsWithLineFeed { text += "\n" }
        let writtenLines = Self.lines(of: text) + (localFile?.lineEnding == .crlf ? ", ending in CR LF" : "")
        do {
            if let path, path != localFile?.path {
                if !force, FileManager.default.fileExists(atPath: path) {
                    show("\(path) exists, so not written: :\(adopting ? "saveas" : "w")! \(path) writes over it", isError: true)
                    return false
                }
                try LocalFile.write(text, to: path, lineEnding: localFile?.lineEnding ?? .lf)
                if adopting || (localFile == nil && editsStandardInput) {
                    localFile = try LocalFile.open(path).file
                    savedVersion = version
                    status.document = path
                }
                show("wrote \(path): \(writtenLines)")
                return true
            }
            guard var file = localFile else {
                if editsStandardInput {
                    // As vim's E32: the text has nowhere to go back to.
                    show("the text from standard input has no file name: :w FILE writes it there", isError: true)
                    return false
                }
                show(savedMessage)
                return true
            }
            try file.write(text, force: force)
            localFile = file
            savedVersion = version
            show("wrote \(file.path): \(writtenLines)")
            return true
        } catch {
            show(error.message, isError: true)
            return false
        }
    }

    /// `:e NAME|PATH` (a document or a file, as `weft edit` takes them) and `:e` (the file again,
    /// from disk): refused while the file has changes not written, unless `force` (`:e!`). A shared
    /// document has nothing to lose: its edits are queued on disk as they are typed.
    private mutating func openOther(_ argument: String?, force: Bool) -> Bool {
        guard let target = argument.flatMap({ $0.isEmpty ? nil : $0 }) ?? localFile?.path else {
            show("\(status.document) is a shared document, always the latest text: :e NAME or :e PATH opens another", isError: true)
            return true
        }
        if isModified, !force {
            show("\(unwrittenTextName) has changes not written: \(writeHint), \(argument.map { ":e! \($0)" } ?? ":e!") drops them", isError: true)
            return true
        }
        switchTarget = target
        wantsQuit = true
        return true
    }

    /// `:e` could not open what it was asked for: this text stays, and the message says why.
    public mutating func refuseSwitch(_ reason: String) {
        switchTarget = nil
        switchFileIndex = nil
        wantsQuit = false
        show(reason, isError: true)
    }

    /// The `:` commands about files; nil when `command` is not one.
    mutating func runFileCommand(_ command: String) -> Bool? {
        let parts = command.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = parts.first else { return nil }
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch verb {
        case "w", "write", "w!", "write!":
            return writeFile(to: argument, force: verb.hasSuffix("!"))
        case "saveas", "sav", "saveas!", "sav!":
            guard let argument else { show(":saveas needs a file name", isError: true); return false }
            return writeFile(to: argument, force: verb.hasSuffix("!"), adopting: true)
        case "wq", "x", "wq!", "x!", "xit", "exit":
            if verb.hasPrefix("x") || verb == "exit", !isModified, argument == nil { wantsQuit = true; return true }
            if writeFile(to: argument, force: verb.hasSuffix("!")) { wantsQuit = true }
            return true
        case "q", "quit":
            if isModified {
                show("\(unwrittenTextName) has changes not written: \(writeHint), :q! leaves without", isError: true)
                return true
            }
            wantsQuit = true
            return true
        case "e", "edit", "e!", "edit!", "e#", "e!#":
            // `:e#`: the text this one was opened from (vim's alternate file).
            guard verb.hasSuffix("#") || argument == "#" else { return openOther(argument, force: verb.hasSuffix("!")) }
            guard let alternate else {
                show("no alternate file: :e# goes back to the text :e left", isError: true)
                return true
            }
            return openOther(alternate, force: verb.contains("!"))
        default:
            return nil
        }
    }

    /// The lines of `text` as vim counts them (a final line feed ends a line, it does not start
    /// one; a last line without one is a line too), for the message after a write.
    private static func lines(of text: String) -> String {
        let feeds = text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lines = feeds + (text.isEmpty || text.endsWithLineFeed ? 0 : 1)
        return lines == 1 ? "1 line" : "\(lines) lines"
    }
}
