import Foundation

/// The client's directories: data (queues and caches) and config (credentials).
public struct ClientHome: Sendable {
    /// `$WEFT_HOME`, else `$XDG_DATA_HOME/weft`, else `~/.local/share/weft`.
    public let data: URL
    /// `$WEFT_HOME/config` when `$WEFT_HOME` is set, else `$XDG_CONFIG_HOME/weft`, else `~/.config/weft`.
    public let config: URL

    public init(data: URL, config: URL) {
        self.data = data
        self.config = config
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ClientHome {
        func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        let home = FileManager.default.homeDirectoryForCurrentUser
        if let weftHome = nonEmpty("WEFT_HOME") {
            let root = URL(fileURLWithPath: weftHome)
            return ClientHome(data: root, config: root.appendingPathComponent("config"))
        }
        let data = nonEmpty("XDG_DATA_HOME").map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".local/share")
        let config = nonEmpty("XDG_CONFIG_HOME").map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".config")
        return ClientHome(data: data.appendingPathComponent("weft"), config: config.appendingPathComponent("weft"))
    }

    /// Where one document's queue, cache and lock live: `DATA/documents/SERVER/NAME/`. Names are
    /// validated (no `..`, no leading dots), so they are safe as paths.
    public func directory(for address: DocumentAddress) -> URL {
        data.appendingPathComponent("documents").appendingPathComponent(address.serverKey).appendingPathComponent(address.name.rawValue)
    }

    /// Every document directory under this home (for `weft status`), with its server key and name.
    public func documentDirectories() -> [(server: String, name: String, directory: URL)] {
        let root = data.appendingPathComponent("documents")
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String, URL)] = []
        for case let url as URL in enumerator where url.lastPathComponent == DocumentFiles.queueName {
            let directory = url.deletingLastPathComponent()
            let relative = directory.path.dropFirst(root.path.count + 1)
            guard let slash = relative.firstIndex(of: "/") else { continue }
            found.append((String(relative[..<slash]), String(relative[relative.index(after: slash)...]), directory))
        }
        return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
}
