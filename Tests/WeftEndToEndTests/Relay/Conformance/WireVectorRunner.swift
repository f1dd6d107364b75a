import Foundation
import NIOCore
import Testing
import WeftServer
import WeftTestSupport
import WeftWire

/// Runs one wire vector against a fresh `weft serve` on 127.0.0.1 (its own data directory, and a
/// PostgreSQL cluster of its own when the vector asks for one), step by step. The first step that
/// does not go as the vector says is recorded, with what came instead, and ends the run.
struct WireVectorRunner {
    let vector: WireVector
    /// How long an expected message or close may take.
    static let patience: Duration = .seconds(20)

    func run() async throws {
        let directory = TemporaryDirectory.path("wire-vector")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cluster = vector.store == "postgres" ? try await offCooperativePool { try PostgresCluster() } : nil
        let arguments = (cluster.map { ["--store", $0.url()] } ?? []) + (vector.relay ?? [])
        let relay = try await offCooperativePool { try RelayProcess(dataDirectory: directory, extraArguments: arguments) }
        // Both live until the vector is done: releasing either stops its process.
        defer { withExtendedLifetime((relay, cluster)) {} }
        var connections: [String: RelayTestClient] = [:]
        defer { for connection in connections.values { Task { await connection.close() } } }
        var epochs: [String: [UInt8]] = [:]
        // Each token is made when it is first sent, and sent the same afterwards (so a token can
        // expire, or be revoked, between two hellos).
        var tokens: [WireTokenRequest: String] = [:]
        let token = { (request: WireTokenRequest) throws -> String in
            if let made = tokens[request] { return made }
            let signer = TokenSigner(secret: try ServerSecret.loadOrCreate(in: directory))
            let now = UInt64(Date().timeIntervalSince1970)
            let made = signer.sign(AccessToken(document: try DocumentName(request.document), scope: request.scope == "read" ? .read : .readWrite,
                                               issuedAt: now, expiresAt: now + (request.seconds ?? 600), user: request.user))
            tokens[request] = made
            return made
        }
        let storeArguments = cluster.map { ["--store", $0.url()] } ?? ["--data", directory.path]
        for (index, step) in vector.steps.enumerated() {
            let at = "\(vector.name), step \(index + 1)\(step.note.map { " (\($0))" } ?? "")"
            if let name = step.open {
                connections[name] = try await RelayTestClient(port: relay.port, path: step.path ?? "notes", decoding: false)
            } else if let name = step.send, let hex = step.hex {
                let bytes = try WirePattern(hex).bytes(epochs: epochs, token: token)
                // The relay may close first (a refusal): what matters is what it sends.
                try? await connections[name]?.sendRaw(.binary(ByteBuffer(bytes: bytes)))
            } else if let name = step.sendText, let text = step.text {
                try? await connections[name]?.sendRaw(.text(text))
            } else if let name = step.expect, let hex = step.hex {
                let event = await connections[name]?.next(timeout: Self.patience)
                guard case .frame(let bytes)? = event, try WirePattern(hex).matches(bytes, epochs: &epochs) else {
                    Issue.record("\(at): expected \(hex); got \(Self.describe(event))")
                    return
                }
            } else if let name = step.expectClosed {
                let event = await connections[name]?.next(timeout: Self.patience)
                guard case .closed? = event else {
                    Issue.record("\(at): expected the connection to close; got \(Self.describe(event))")
                    return
                }
                connections[name] = nil
            } else if let name = step.expectQuiet {
                if let event = await connections[name]?.next(timeout: .milliseconds(step.ms ?? 300)) {
                    Issue.record("\(at): expected nothing; got \(Self.describe(event))")
                    return
                }
            } else if let name = step.close {
                await connections.removeValue(forKey: name)?.close()
            } else if let milliseconds = step.wait {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } else if step.failStore == true, let cluster {
                _ = try await offCooperativePool { try cluster.query("DROP TABLE weft_documents, weft_log, weft_replicas, weft_replica_keys CASCADE") }
            } else if let method = step.request, let path = step.path, let status = step.status {
                let answer = try await offCooperativePool { relay.request(method, path) }
                guard answer?.status == status else {
                    Issue.record("\(at): expected \(status); got \(answer.map { "\($0.status) \($0.body)" } ?? "no answer")")
                    return
                }
            } else if let user = step.revoke {
                let revoked = try await offCooperativePool { try BuiltProduct.run("weft", ["token", "revoke", "--user", user] + storeArguments) }
                guard revoked.status == 0 else {
                    Issue.record("\(at): weft token revoke failed: \(revoked.stderr)")
                    return
                }
            } else {
                Issue.record("\(at): a step the runner does not know")
                return
            }
        }
    }

    static func describe(_ event: RelayTestClient.Event?) -> String {
        switch event {
        case .frame(let bytes)?: Hex.string(bytes)
        case .closed?: "the connection closed"
        case nil: "nothing"
        case let other?: "\(other)"
        }
    }
}
