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

    /// The user's home directory: `$HOME` when set, as shells and other programs read it (the
    /// password database's entry only when it is not), so `HOME=/tmp/x weft ...` stays in /tmp/x.
    public static func userHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        return FileManager.default.homeDirectoryForCurrentUser
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ClientHome {
        func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        let home = userHome(environment)
        if let weftHome = nonEmpty("WEFT_HOME") {
            let root = URL(fileURLWithPath: weftHome)
            return ClientHome(data: root, config: root.appendingPathComponent("config"))
        }
        let data = nonEmpty("XDG_DATA_HOME").map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".local/share")
        let config = nonEmpty("XDG_CONFIG_HOME").map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".config")
        return ClientHome(data: data.appendingPathComponent("weft"), config: config.appendingPathComponent("weft"))
    }

    /// Where one document's queue, cache and lock live: `DATA/documents/SERVER/NAME/`, the name
    /// in one path component (`team/plan` as `team%2Fplan`), so no document's directory can be
    /// inside another's, where its files would collide with the other's (`notes` and
    /// `notes/lock`). Names are validated (no `%`, no leading dots), so they are safe as paths.
    public func directory(for address: DocumentAddress) -> URL {
        data.appendingPathComponent("documents").appendingPathComponent(address.serverKey)
            .appendingPathComponent(address.name.rawValue.replacingOccurrences(of: "/", with: "%2F"))
    }

    /// Moves a document's files from where earlier versions kept them (one directory per name
    /// segment) to `directory(for:)`, when they are there and not here yet.
    public func moveNestedFiles(for address: DocumentAddress) {
        guard address.name.rawValue.contains("/") else { return }
        let old = data.appendingPathComponent("documents").appendingPathComponent(address.serverKey).appendingPathComponent(address.name.rawValue)
        let new = directory(for: address)
        let manager = FileManager.default
        guard manager.fileExists(atPath: old.appendingPathComponent(DocumentFiles.queueName).path),
              !manager.fileExists(atPath: new.appendingPathComponent(DocumentFiles.queueName).path),
              (try? manager.createDirectory(at: new, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil
        else { return }
        for name in (try? manager.contentsOfDirectory(atPath: old.path)) ?? [] where name != DocumentFiles.lockName {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: old.appendingPathComponent(name).path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try? manager.moveItem(at: old.appendingPathComponent(name), to: new.appendingPathComponent(name))
        }
    }

    /// Whether this home holds a copy of some document of `address`'s server that synced with a
    /// relay there (its cache names an epoch).
    public func holdsCopies(from address: DocumentAddress) -> Bool {
        let server = data.appendingPathComponent("documents").appendingPathComponent(address.serverKey)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: server.path)) ?? []
        return names.contains { name in
            (ReplicaCache.epoch(at: server.appendingPathComponent(name).appendingPathComponent(DocumentFiles.cacheName)) ?? 0) != 0
        }
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
            let name = relative[relative.index(after: slash)...].replacingOccurrences(of: "%2F", with: "/")
            found.append((String(relative[..<slash]), name, directory))
        }
        return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
}
