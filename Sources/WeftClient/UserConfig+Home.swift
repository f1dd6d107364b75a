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
    public func sessionOptions(token: String, readOnly: Bool, caFile: String?, name explicit: String? = nil,
                               keepsWatching: Bool = false) -> SessionOptions {
        var options = SessionOptions(token: token, readOnly: readOnly, caFile: caFile.map { URL(fileURLWithPath: $0) })
        options.keepsWatching = keepsWatching
        if let connectTimeout { options.connectTimeout = .seconds(connectTimeout) }
        options.userName = personName(explicit: explicit).flatMap { $0.utf8.count <= 64 ? $0 : nil } ?? ""
        options.defaultServer = DocumentAddress.defaultServer(configured: server)
        return options
    }

    /// The name of the person using weft: `explicit` (`--name`), else this file's `name`, else
    /// `$USER`, else the login name from the password database (for when `$USER` is not set, as
    /// under some service managers and `env -i`); nil when none is known.
    public func personName(explicit: String? = nil) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let name, !name.isEmpty { return name }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        guard let entry = getpwuid(getuid()), let login = entry.pointee.pw_name else { return nil }
        let text = String(cString: login)
        return text.isEmpty ? nil : text
    }

    /// The server for bare document names: `$WEFT_SERVER`, else this file's `server`, else the built-in one.
    public static func defaultServer(home: ClientHome) throws(SyncError) -> String {
        DocumentAddress.defaultServer(configured: try load(home: home).server)
    }
}
