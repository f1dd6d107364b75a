import Foundation
import Testing
import WeftServer
import WeftTestSupport
import WeftWire

/// Access tokens: what they let through and what they refuse, and `weft token create` as run.
@Suite struct TokenTests {
    let secret = [UInt8](repeating: 7, count: 32)
    let notes = try! DocumentName("notes")
    let now: UInt64 = 1_800_000_000

    func claims(_ scope: AccessScope = .readWrite, for document: DocumentName? = nil, ttl: UInt64 = 3_600) -> AccessToken {
        AccessToken(document: document ?? notes, scope: scope, issuedAt: now, expiresAt: now + ttl)
    }

    func refusal(_ token: String, for document: DocumentName? = nil, at time: UInt64? = nil, secret other: [UInt8]? = nil) -> String? {
        do {
            _ = try TokenSigner(secret: other ?? secret).verify(token, for: document ?? notes, now: time ?? now)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aTokenOpensItsDocumentWithItsScope() throws {
        let signer = TokenSigner(secret: secret)
        #expect(try signer.verify(signer.sign(claims(.read)), for: notes, now: now + 10) == claims(.read))
        #expect(try signer.verify(signer.sign(claims()), for: notes, now: now).scope == .readWrite)
        // Two tokens with the same claims differ (random nonce).
        #expect(signer.sign(claims()) != signer.sign(claims()))
    }

    @Test func refusalsSayWhy() throws {
        let signer = TokenSigner(secret: secret)
        let token = signer.sign(claims())
        #expect(refusal(token, for: try DocumentName("other"))?.contains("not \"other\"") == true)
        #expect(refusal(token, at: now + 3_600)?.contains("expired") == true)
        #expect(refusal(token, at: now - 1_000)?.contains("future") == true)
        #expect(refusal(token, secret: [UInt8](repeating: 8, count: 32))?.contains("signature") == true)
        // One changed character in the claims, or in the signature.
        for index in [10, token.count - 3] {
            var characters = Array(token)
            characters[index] = characters[index] == "A" ? "B" : "A"
            #expect(refusal(String(characters)) != nil, "altered at \(index)")
        }
        for garbage in ["", "weft1.", "weft1..", "bearer abc", "weft1.!!!.???", String(repeating: "A", count: 10_000)] {
            #expect(refusal(garbage) != nil, "accepted \(garbage.prefix(20))")
        }
    }

    @Test func secretIsPrivateAndStable() throws {
        let directory = TemporaryDirectory.path("secret")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try ServerSecret.loadOrCreate(in: directory)
        #expect(first.count == 32)
        #expect(try ServerSecret.loadOrCreate(in: directory) == first)
        let path = directory.appendingPathComponent(ServerSecret.fileName).path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: ServerSecret.Failure.self) { try ServerSecret.loadOrCreate(in: directory) }
    }

    @Test func tokenCreatePrintsAVerifiableTokenLast() throws {
        let directory = TemporaryDirectory.path("token")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A directory that does not exist is refused (a mistyped --data would get a secret no relay has).
        let missing = try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "team/plan"])
        #expect(missing.status == 3 && missing.stdout.isEmpty && missing.stderr.contains("not a relay's data directory")
                && !missing.stderr.contains("Usage"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let before = UInt64(Date().timeIntervalSince1970)
        let result = try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "team/plan", "--read-only", "--ttl", "2h"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let token = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        let secret = try ServerSecret.loadOrCreate(in: directory)
        let claims = try TokenSigner(secret: secret).verify(token, for: try DocumentName("team/plan"), now: before)
        #expect(claims.scope == .read)
        #expect(claims.expiresAt >= before + 7_200 && claims.expiresAt <= before + 7_260)
        #expect(result.stderr.contains("read-only token for team/plan"))

        let refused = try BuiltProduct.run("weft", ["token", "create", "--data", directory.path, "--doc", "../escape"])
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("--doc"))
    }
}
