import Foundation

/// Where named keymaps or themes come from: the user's directory first (`CONFIG/keymaps`,
/// `CONFIG/themes`), then the files shipped with Weft (`Keymaps/`, `Themes/`).
public struct DataFileLibrary: Sendable {
    /// `keymaps` or `themes`, for messages.
    public var kind: String
    public var userDirectory: URL?
    public var shippedDirectory: URL?

    public init(kind: String, userDirectory: URL?, shippedDirectory: URL?) {
        self.kind = kind
        self.userDirectory = userDirectory
        self.shippedDirectory = shippedDirectory
    }

    /// The keymaps: `config/keymaps` over the shipped `Keymaps/`.
    public static func keymaps(config: URL?) -> DataFileLibrary {
        DataFileLibrary(kind: "keymap", userDirectory: config?.appendingPathComponent("keymaps"), shippedDirectory: shipped("Keymaps"))
    }

    /// The themes: `config/themes` over the shipped `Themes/`.
    public static func themes(config: URL?) -> DataFileLibrary {
        DataFileLibrary(kind: "theme", userDirectory: config?.appendingPathComponent("themes"), shippedDirectory: shipped("Themes"))
    }

    /// The file for `name`: the user's, unless `shippedOnly` (a user file that inherits the
    /// shipped one of the same name), else the shipped one.
    public func url(for name: String, shippedOnly: Bool = false) -> URL? {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let candidates = (shippedOnly ? [] : [userDirectory]) + [shippedDirectory]
        for case let directory? in candidates {
            let url = directory.appendingPathComponent("\(name).toml")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// Every name available, sorted.
    public func names() -> [String] { names(in: [userDirectory, shippedDirectory]) }

    /// The names shipped with Weft, sorted.
    func shippedNames() -> [String] { names(in: [shippedDirectory]) }

    private func names(in directories: [URL?]) -> [String] {
        var names = Set<String>()
        for case let directory? in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// The shipped directory `name`: in the resource bundle beside the executable (SwiftPM copies
    /// it there), else in the source tree this was built from.
    static func shipped(_ name: String) -> URL? {
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("Weft_WeftEditor.resources").appendingPathComponent(name))
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("Weft_WeftEditor.resources").appendingPathComponent(name))
        // Installed: `PREFIX/bin/weft` with its files in `PREFIX/share/weft` (README, Install).
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("share/weft").appendingPathComponent(name))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The file for `name`, or an error listing what exists.
    func require(_ name: String) throws(DataFileError) -> URL {
        guard let url = url(for: name) else { throw DataFileError(path: name, missing(name)) }
        return url
    }

    /// A message listing what exists, for "no such keymap" errors.
    public func missing(_ name: String) -> String {
        "there is no \(kind) named \"\(name)\" (available: \(names().joined(separator: ", ")))"
    }
}
