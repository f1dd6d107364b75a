import Foundation
import WeftWire

/// Where a document lives: `ws[s]://HOST:PORT/NAME`, or just `NAME` on the default server.
public struct DocumentAddress: Hashable, Sendable, CustomStringConvertible {
    public let secure: Bool
    public let host: String
    public let port: Int
    public let name: DocumentName

    /// The server used for bare names when `$WEFT_SERVER` names none.
    public static let builtInServer = "ws://127.0.0.1:7878"

    /// The server bare names are on: `$WEFT_SERVER`, else `configured` (the config file's
    /// `server`), else `builtInServer`.
    public static func defaultServer(environment: [String: String] = ProcessInfo.processInfo.environment, configured: String? = nil) -> String {
        environment["WEFT_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? configured ?? builtInServer
    }

    /// Parses `text`, a full address or a bare document name (then on `defaultServer`).
    /// - Throws: `SyncError(.configuration)` naming what is wrong.
    public init(parsing text: String, defaultServer: String) throws(SyncError) {
        let lower = text.lowercased()
        guard lower.hasPrefix("ws://") || lower.hasPrefix("wss://") else {
            let server = try Self(parsingServer: defaultServer)
            do {
                name = try DocumentName(text)
            } catch {
                throw SyncError(.configuration, "\(text.debugDescription) is not a document name or a ws:// address: \(error.message)")
            }
            (secure, host, port) = (server.secure, server.host, server.port)
            return
        }
        secure = lower.hasPrefix("wss://")
        let rest = text.dropFirst(secure ? 6 : 5)
        guard let slash = rest.firstIndex(of: "/") else {
            throw SyncError(.configuration, "\(text) names no document: add /NAME after the port")
        }
        (host, port) = try Self.hostAndPort(String(rest[..<slash]), secure: secure, in: text)
        do {
            name = try DocumentName(String(rest[rest.index(after: slash)...]))
        } catch {
            throw SyncError(.configuration, "\(text): \(error.message)")
        }
    }

    /// The relay at `text` (`ws[s]://HOST[:PORT]`) rather than one of its documents: for requests
    /// about the relay itself, such as its list of documents. `name` is a placeholder then.
    /// - Throws: `SyncError(.configuration)` naming what is wrong.
    public init(server text: String) throws(SyncError) {
        try self.init(parsingServer: text)
    }

    private init(parsingServer text: String) throws(SyncError) {
        let lower = text.lowercased()
        guard lower.hasPrefix("ws://") || lower.hasPrefix("wss://") else {
            throw SyncError(.configuration, "the server \"\(text)\" must start with ws:// or wss:// (check $WEFT_SERVER and the config file's server)")
        }
        secure = lower.hasPrefix("wss://")
        var rest = String(text.dropFirst(secure ? 6 : 5))
        while rest.hasSuffix("/") { rest.removeLast() }
        (host, port) = try Self.hostAndPort(rest, secure: secure, in: text)
        name = try! DocumentName("x")
    }

    private static func hostAndPort(_ authority: String, secure: Bool, in text: String) throws(SyncError) -> (String, Int) {
        var host = authority, port = secure ? 443 : 80
        if authority.contains("@") {
            throw SyncError(.configuration, "\(text) names a user: a relay address is ws[s]://HOST[:PORT] (a token goes in --token or $WEFT_TOKEN)")
        }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(parsed) else {
                throw SyncError(.configuration, "\(text) has an invalid port")
            }
            host = String(authority[..<colon])
            port = parsed
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) }) else {
            throw SyncError(.configuration, "\(text) has an invalid host")
        }
        return (host, port)
    }

    /// The relay's address without the document: `ws[s]://HOST:PORT`.
    public var server: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(secure ? "wss" : "ws")://\(shownHost):\(port)"
    }

    /// The WebSocket URL.
    public var url: String {
        "\(server)/\(name)"
    }

    public var description: String { url }

    /// How a command line names this document: the bare name when it is on `defaultServer`,
    /// else the whole address (a hint to run `weft apply notes` must reach the same relay).
    public func commandArgument(defaultServer: String = DocumentAddress.defaultServer()) -> String {
        isOn(server: defaultServer) ? name.rawValue : url
    }

    /// Whether this document is on `server` (`ws[s]://HOST:PORT`).
    public func isOn(server text: String) -> Bool {
        guard let server = try? Self(parsingServer: text) else { return false }
        return server.secure == secure && server.host == host && server.port == port
    }

    /// A directory-safe name for the server, so documents of different servers never share files.
    public var serverKey: String {
        "\(secure ? "wss" : "ws")-\(String(host.map { $0 == ":" ? "_" : $0 }))-\(port)"
    }

    /// Whether the host is this machine.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}
