import Foundation
import Testing
import WeftServer
import WeftTestSupport
import WeftWire

/// Tokens that name a user: their claims round-trip, tokens without a user still verify, a
/// revocation refuses exactly the user's tokens issued until it, and `weft token create --user`.
@Suite struct TokenUserTests {
    let signer = TokenSigner(secret: [UInt8](repeating: 7, count: 32))
    let notes = try! DocumentName("notes")
    let now: UInt64 = 1_800_000_000

    @Test func userAndColourRoundTripAndRevocationsPickTheirTokens() throws {
        let ana = AccessToken(document: notes, scope: .readWrite, issuedAt: now, expiresAt: now + 60, user: "ana", colour: 0xE06C75)
        #expect(try signer.verify(signer.sign(ana), for: notes, now: now) == ana)
        let nobody = AccessToken(document: notes, scope: .read, issuedAt: now, expiresAt: now + 60)
        #expect(try signer.verify(signer.sign(nobody), for: notes, now: now).user == nil)

        #expect(TokenRevocation(user: "ana", document: nil, revokedAt: now).refuses(ana))
        #expect(TokenRevocation(user: "ana", document: notes, revokedAt: now + 5).refuses(ana))
        #expect(!TokenRevocation(user: "ana", document: nil, revokedAt: now - 1).refuses(ana), "made after the revocation")
        #expect(!TokenRevocation(user: "ana", document: try DocumentName("other"), revokedAt: now).refuses(ana))
        #expect(!TokenRevocation(user: "bo", document: nil, revokedAt: now).refuses(ana))
        #expect(!TokenRevocation(user: "ana", document: nil, revokedAt: now).refuses(nobody))
    }

    @Test func tokenCreateNamesTheUser() throws {
        let directory = TemporaryDirectory.path("token-user")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "notes", "--user", "ana", "--colour", "#e06c75"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("token for notes for ana"))
        let token = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        let claims = try TokenSigner(secret: try ServerSecret.loadOrCreate(in: directory)).verify(token, for: notes, now: UInt64(Date().timeIntervalSince1970))
        #expect(claims.user == "ana" && claims.colour == 0xE06C75)
        #expect(try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "notes", "--colour", "#e06c75"]).status != 0)
        #expect(try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "notes", "--user", "ana", "--colour", "red"]).status != 0)
    }
}
