import Foundation

/// A terminfo entry for the user's terminal type with 24-bit colour, for terminals that say so in
/// `COLORTERM` (`truecolor`, `24bit`) while their terminfo entry has 256 colours at most (as
/// xterm-256color and tmux-256color do; the `-direct` entries come only with Debian's ncurses-term).
/// ncurses draws colours through terminfo, so the entry is the user's own with colours as
/// `ESC [ 38 ; 2 ; r ; g ; b m`, compiled once with ncurses's `tic` into a directory of Weft's.
enum DirectColourEntry {
    /// Whether `COLORTERM` says the terminal takes 24-bit colour.
    static func wanted(_ environment: [String: String]) -> Bool {
        ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "")
    }

    /// The entry's name for terminal type `term`; nil for a name terminfo could not hold.
    static func name(for term: String) -> String? {
        guard !term.isEmpty, term.count < 100, term.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+".contains($0)) }) else { return nil }
        return "weft-direct-\(term)"
    }

    /// The entry's terminfo source: `term`'s capabilities, with direct colours (values below 8 are
    /// the eight standard colours, as in ncurses's own direct entries).
    static func source(for term: String, name: String) -> String {
        """
        \(name)|\(term) with 24-bit colour (made by weft),
        \tRGB, colors#16777216, pairs#65536,
        \tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e38;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;%p1%{255}%&%d%;m,
        \tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e48;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;%p1%{255}%&%d%;m,
        \tuse=\(term),

        """
    }

    /// The entry for `term` in `directory`, compiled there first if it is not; nil when it cannot be
    /// (no `tic`, an unknown type): the terminal then gets its 256 colours.
    static func ensure(term: String, in directory: URL) -> String? {
        guard let name = name(for: term) else { return nil }
        let compiled = directory.appendingPathComponent(String(name.first!)).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: compiled.path) { return name }
        guard let tic = ["/usr/bin/tic", "/bin/tic", "/usr/local/bin/tic", "/opt/homebrew/bin/tic"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let sourceFile = directory.appendingPathComponent("\(name).ti")
            try source(for: term, name: name).write(to: sourceFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: sourceFile) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tic)
            process.arguments = ["-x", "-o", directory.path, sourceFile.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: compiled.path) ? name : nil
        } catch {
            return nil
        }
    }
}
