import ArgumentParser
import Foundation
import Logging
import WeftServer
import WeftWire

/// `weft token create`: prints a signed, scoped, expiring token as the last line of stdout.
struct TokenCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Print a token for one document, signed with the relay's secret.",
        discussion: """
            The secret lives in DIR/secret (mode 0600), or with --store in the PostgreSQL database \
            the relays share, and is created on first use. Anyone holding \
            the token can use the document until it expires, so pass it on privately. The token is \
            the last line of standard output; a description goes to standard error.
            """
    )

    @OptionGroup var relay: RelayStoreAccess

    @Option(name: .long, help: ArgumentHelp("The document the token opens.", valueName: "NAME"))
    var doc: String

    @Flag(name: .long, help: "Allow reading only: the relay refuses every write made with this token.")
    var readOnly = false

    @Option(name: .long, help: ArgumentHelp("How long the token is valid: a number and s, m, h or d (at most 366d).", valueName: "DURATION"))
    var ttl = TimeToLive(argument: "24h")!

    @Option(name: .long, help: ArgumentHelp("The person the token is for: the relay records their edits under this name, and a replica they use cannot be used by another user.", valueName: "NAME"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("The user's colour, #rrggbb (with --user).", valueName: "COLOUR"))
    var colour: String?

    func validate() throws {
        if let user, user.isEmpty || user.utf8.count > WireLimits.maxUserNameBytes || user.contains(where: \.isNewline) {
            throw ValidationError("--user: a name of 1 to \(WireLimits.maxUserNameBytes) bytes on one line")
        }
        if colour != nil {
            guard user != nil else { throw ValidationError("--colour goes with --user") }
            guard parsedColour != nil else { throw ValidationError("--colour: #rrggbb, for example #e06c75") }
        }
        do {
            _ = try DocumentName(doc)
        } catch {
            throw ValidationError("--doc: \(error.message)")
        }
    }

    func run() async throws {
        let document = try DocumentName(doc)
        let secret: [UInt8]
        do {
            if let data = relay.data {
                // A mistyped --data would otherwise get a secret of its own, and a token no relay takes.
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw RelayStartError("\(data) is not a relay's data directory (it does not exist): give the --data of the relay that will check the token; `weft serve` makes it when it first starts")
                }
                secret = try ServerSecret.loadOrCreate(in: URL(fileURLWithPath: data))
            } else {
                secret = try await relay.withPostgres { try await $0.sharedSecret() }
            }
        } catch {
            // A problem with the files or the database, not with the command line: no usage text.
            FileHandle.standardError.write(Data("weft token create: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let now = UInt64(Date().timeIntervalSince1970)
        let claims = AccessToken(document: document, scope: readOnly ? .read : .readWrite, issuedAt: now, expiresAt: now + ttl.seconds,
                                 user: user, colour: parsedColour)
        let token = TokenSigner(secret: secret).sign(claims)
        let expiry = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(claims.expiresAt)))
        let whom = user.map { " for \($0)" } ?? ""
        FileHandle.standardError.write(Data("\(claims.scope) token for \(document)\(whom), valid until \(expiry):\n".utf8))
        print(token)
    }

    /// `--colour` as 0xRRGGBB.
    private var parsedColour: UInt32? {
        guard let colour, colour.count == 7, colour.hasPrefix("#"), colour.dropFirst().allSatisfy(\.isHexDigit) else { return nil }
        return UInt32(colour.dropFirst(), radix: 16)
    }
}
