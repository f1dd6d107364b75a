import Foundation

/// Where a client's token comes from: `--token`, else `$WEFT_TOKEN`, else the credentials file
/// `CONFIG/credentials`, which must be readable by its owner only.
public enum Credentials {
    public static let fileName = "credentials"

    /// The token for `address`, or "" when none is configured.
    /// - Throws: `SyncError(.configuration)` when the credentials file is readable by others or malformed.
    public static func token(for address: DocumentAddress, explicit: String?, home: ClientHome,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(SyncError) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["WEFT_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        let url = home.config.appendingPathComponent(fileName)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return "" }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        guard mode & 0o077 == 0 else {
            throw SyncError(.configuration, "\(url.path) can be read by other users (mode \(String(mode, radix: 8))); "
                                + "it holds access tokens: run `chmod 600 \(url.path)`")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SyncError(.configuration, "cannot read \(url.path) as UTF-8 text")
        }
        // Lines "ADDRESS TOKEN": a document URL, or a server (ws://HOST:PORT) for all its documents.
        var best: (length: Int, token: String)?
        // Cut at line feeds, not characters: a file written with CR LF ends its lines in "\r\n".
        for (number, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else {
                throw SyncError(.configuration, "\(url.path):\(number + 1): expected \"ADDRESS TOKEN\"")
            }
            var prefix = String(parts[0])
            while prefix.hasSuffix("/") { prefix.removeLast() }
            let target = address.url
            if target == prefix || target.hasPrefix(prefix + "/"), prefix.count > (best?.length ?? -1) {
                best = (prefix.count, String(parts[1]))
            }
        }
        return best?.token ?? ""
    }
}
