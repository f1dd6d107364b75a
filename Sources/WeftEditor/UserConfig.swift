import Foundation
import TOMLKit

/// The user's settings file, `CONFIG/config.toml` (`~/.config/weft/config.toml`). Every key is
/// optional; command-line options and environment variables win over it.
public struct UserConfig: Sendable, Equatable {
    /// The server bare document names are on (`$WEFT_SERVER` wins).
    public var server: String?
    /// The name others see (else `$USER`).
    public var name: String?
    /// Your colour as others see it, 0xRRGGBB.
    public var colour: UInt32?
    public var keymap: String?
    public var theme: String?
    public var wrap: Bool?
    public var tabWidth: Int?
    /// Seconds a connection may take to be welcomed before it is dropped and tried again.
    public var connectTimeout: Int?
    /// The editor takes the mouse (clicks, drags, the wheel); false leaves it to the terminal.
    public var mouse: Bool?
    /// Copies also go to the terminal's clipboard (OSC 52).
    public var clipboard: Bool?

    public init() {}

    /// The keys a config file may set.
    public static let keys = ["server", "name", "colour", "keymap", "theme", "wrap", "tab-width", "connect-timeout", "mouse", "clipboard"]

    /// Reads `url`; a missing file is an empty config.
    /// - Throws: `DataFileError` with the line of an unknown key or a value of the wrong type.
    public static func load(from url: URL) throws(DataFileError) -> UserConfig {
        guard FileManager.default.fileExists(atPath: url.path) else { return UserConfig() }
        let source = try TOMLSource(url: url)
        var config = UserConfig()
        for key in source.table.keys where !keys.contains(key) {
            throw source.error("unknown setting \"\(key)\" (settings: \(keys.joined(separator: ", ")))", key: key)
        }
        config.server = try source.string("server")
        if let server = config.server, !(server.hasPrefix("ws://") || server.hasPrefix("wss://")) {
            throw source.error("server must start with ws:// or wss://, for example \"ws://relay.example.org:7878\"", key: "server")
        }
        config.name = try source.string("name")
        if let name = config.name, name.isEmpty || name.count > 64 || name.contains(where: \.isNewline) {
            throw source.error("name must be 1 to 64 characters on one line", key: "name")
        }
        if let text = try source.string("colour") {
            guard case .rgb(let value)? = Colour(parsing: text) else { throw source.error("colour must be \"#rrggbb\"", key: "colour") }
            config.colour = value
        }
        config.keymap = try source.string("keymap")
        config.theme = try source.string("theme")
        config.wrap = try source.flag("wrap")
        config.mouse = try source.flag("mouse")
        config.clipboard = try source.flag("clipboard")
        if let value = source.table["tab-width"] {
            guard let width = value.int, (1...32).contains(width) else { throw source.error("tab-width must be a number from 1 to 32", key: "tab-width") }
            config.tabWidth = width
        }
        if let value = source.table["connect-timeout"] {
            guard let seconds = value.int, (1...600).contains(seconds) else {
                throw source.error("connect-timeout must be a number of seconds from 1 to 600", key: "connect-timeout")
            }
            config.connectTimeout = seconds
        }
        return config
    }
}
