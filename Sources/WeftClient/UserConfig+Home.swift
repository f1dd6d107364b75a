import Foundation
import WeftEditor
import WeftSync

extension UserConfig {
    /// The config file: `CONFIG/config.toml` in the client's config directory.
    public static func url(in home: ClientHome) -> URL { home.config.appendingPathComponent("config.toml") }

    /// Loads the user's config file, as a `SyncError(.configuration)` when it is broken.
    public static func load(home: ClientHome) throws(SyncError) -> UserConfig {
        do {
            return try load(from: url(in: home))
        } catch {
            throw SyncError(.configuration, "\(error)")
        }
    }

    /// How this user's sessions connect: the command's token, mode and CA file, with this file's
    /// `connect-timeout` when it sets one (else the session's default), and this file's `name`
    /// (else `$USER`) for the relay to record as the author when there is no token.
    public func sessionOptions(token: String, readOnly: Bool, caFile: String?) -> SessionOptions {
        var options = SessionOptions(token: token, readOnly: readOnly, caFile: caFile.map { URL(fileURLWithPath: $0) })
        if let connectTimeout { options.connectTimeout = .seconds(connectTimeout) }
        options.userName = name ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.utf8.count <= 64 ? $0 : nil } ?? ""
        options.defaultServer = DocumentAddress.defaultServer(configured: server)
        return options
    }

    /// The server for bare document names: `$WEFT_SERVER`, else this file's `server`, else the built-in one.
    public static func defaultServer(home: ClientHome) throws(SyncError) -> String {
        DocumentAddress.defaultServer(configured: try load(home: home).server)
    }
}
