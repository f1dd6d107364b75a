import Foundation
import Testing
import WeftTestSupport

/// Three client processes edit one document concurrently through a proxy that cuts their
/// connections at random moments and splits and delays what it forwards. Afterwards every
/// replica and the relay hold the same text, and every token inserted and not deleted is in it
/// exactly once. `WEFT_FAULT_CUTS` raises the number of cuts (default 100).
@Suite struct FaultTests {
    static let seed: UInt64 = 0xFA17_0001

    @Test func editsThroughCutConnectionsConvergeExactlyOnce() async throws {
        let wantedCuts = Int(ProcessInfo.processInfo.environment["WEFT_FAULT_CUTS"] ?? "") ?? 100
        let root = temporaryDirectory("fault")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let proxy = try FaultProxy(targetPort: relay.port, seed: Self.seed, cutAfter: 20...250)
        let url = "ws://127.0.0.1:\(proxy.port)/shared"
        let clients = (0..<3).map { WeftRun(home: root.appendingPathComponent("client\($0)")) }
        let ledger = Ledger()

        // Each client, in rounds: read its own copy (offline), then apply a few inserts of unique
        // tokens and deletions of whole tokens it sees, through the proxy.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var random = SeededGenerator(seed: Self.seed &+ UInt64(index))
                    var round = 0
                    while proxy.cuts < wantedCuts || round < 5 {
                        round += 1
                        guard round < 2_000 else { throw FaultTestFailure(description: "seed \(Self.seed): only \(proxy.cuts) cuts after 2,000 rounds") }
                        let text = try client(["cat", "--offline", url]).stdout
                        var scalars = Array(text.unicodeScalars)
                        var edits: [(pos: Int, del: Int, ins: String)] = []
                        for step in 0..<Int.random(in: 1...4, using: &random) {
                            let tokens = Token.find(in: scalars)
                            if !tokens.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
                                let victim = tokens.randomElement(using: &random)!
                                edits.append((victim.range.lowerBound, victim.range.count, ""))
                                scalars.removeSubrange(victim.range)
                                await ledger.deleted(victim.name)
                            } else {
                                let name = "c\(index)r\(round)s\(step)"
                                // Only between tokens, so no token is ever split.
                                let boundaries = [0] + tokens.map(\.range.upperBound)
                                let position = boundaries.randomElement(using: &random)!
                                let token = "<\(name)>"
                                edits.append((position, 0, token))
                                scalars.insert(contentsOf: token.unicodeScalars, at: position)
                                await ledger.inserted(name)
                            }
                        }
                        let result = try client(["apply", "--timeout", "120", url], input: editLines(edits))
                        guard result.status == 0 else {
                            throw FaultTestFailure(description: "seed \(Self.seed): client \(index) round \(round): weft apply exited \(result.status): \(result.stderr)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        proxy.setCutting(false)
        #expect(proxy.cuts >= wantedCuts)

        // Every client catches up (through the proxy, no more cuts); all copies and the relay agree.
        var texts: [String] = []
        for client in clients {
            let result = try client(["cat", "--timeout", "60", url])
            #expect(result.status == 0, "seed \(Self.seed): \(result.stderr)")
            texts.append(try client(["cat", "--offline", url]).stdout)
        }
        let direct = try WeftRun(home: root.appendingPathComponent("reader"))(["cat", "ws://127.0.0.1:\(relay.port)/shared"]).stdout
        #expect(Set(texts + [direct]).count == 1, "seed \(Self.seed): the copies differ")

        let found = Token.find(in: Array(direct.unicodeScalars)).map(\.name)
        let (inserted, deleted) = await ledger.contents
        #expect(found.count == Set(found).count, "seed \(Self.seed): a token appears twice")
        #expect(Set(found) == inserted.subtracting(deleted), "seed \(Self.seed): missing \(inserted.subtracting(deleted).subtracting(found).sorted().prefix(5)), unexpected \(Set(found).subtracting(inserted.subtracting(deleted)).sorted().prefix(5))")
        #expect(direct.unicodeScalars.count == found.reduce(0) { $0 + $1.count + 2 }, "seed \(Self.seed): stray characters")
    }

    actor Ledger {
        var inserted = Set<String>(), deleted = Set<String>()
        func inserted(_ name: String) { inserted.insert(name) }
        func deleted(_ name: String) { deleted.insert(name) }
        var contents: (Set<String>, Set<String>) { (inserted, deleted) }
    }

    /// A `<name>` token and where it sits, in Unicode scalars.
    struct Token {
        var name: String
        var range: Range<Int>

        static func find(in scalars: [Unicode.Scalar]) -> [Token] {
            var tokens: [Token] = []
            var start: Int?
            for (index, scalar) in scalars.enumerated() {
                if scalar == "<" { start = index }
                if scalar == ">", let open = start {
                    var name = String.UnicodeScalarView()
                    name.append(contentsOf: scalars[(open + 1)..<index])
                    tokens.append(Token(name: String(name), range: open..<(index + 1)))
                    start = nil
                }
            }
            return tokens
        }
    }
}
