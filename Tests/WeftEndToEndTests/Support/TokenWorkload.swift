import Foundation
import Testing
import WeftTestSupport

/// The fault tests' workload: clients that, round after round, read their own copy offline and
/// apply a few insertions of unique `<name>` tokens (between tokens, so none is ever split) and
/// deletions of whole tokens, through `weft apply`. A ledger records every token, so the final
/// text can be checked for each edit exactly once.
struct TokenWorkload: Sendable {
    let seed: UInt64
    let url: String
    let clients: [WeftRun]
    let ledger = Ledger()

    /// Runs every client's rounds at once until `done()` says so (and at least five rounds each).
    /// `afterRound` runs after each of client 0's rounds (to inject a fault mid-run).
    func run(until done: @escaping @Sendable () -> Bool, afterRound: @escaping @Sendable () async throws -> Void = {}) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var random = SeededGenerator(seed: seed &+ UInt64(index))
                    var round = 0
                    while !done() || round < 5 {
                        round += 1
                        guard round < 2_000 else { throw FaultTestFailure(description: "seed \(seed): not done after 2,000 rounds") }
                        try await self.round(round, client: client, index: index, random: &random)
                        if index == 0 { try await afterRound() }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func round(_ round: Int, client: WeftRun, index: Int, random: inout SeededGenerator) async throws {
        let text = try await client.run(["cat", "--offline", url]).stdout
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
                let boundaries = [0] + tokens.map(\.range.upperBound)
                let position = boundaries.randomElement(using: &random)!
                let token = "<\(name)>"
                edits.append((position, 0, token))
                scalars.insert(contentsOf: token.unicodeScalars, at: position)
                await ledger.inserted(name)
            }
        }
        let result = try await client.run(["apply", "--timeout", "120", url], input: editLines(edits))
        guard result.status == 0 else {
            throw FaultTestFailure(description: "seed \(seed): client \(index) round \(round): weft apply exited \(result.status): \(result.stderr)")
        }
    }

    /// Every client catches up through `url`; their copies and each of `direct` (read straight
    /// from a relay by a fresh client) are one text, holding every token inserted and not deleted
    /// exactly once and nothing else.
    func expectConverged(direct: [String], home root: URL) async throws {
        var texts: [String] = []
        for client in clients {
            let result = try await client.run(["cat", "--timeout", "60", url])
            #expect(result.status == 0, "seed \(seed): \(result.stderr)")
            texts.append(try await client.run(["cat", "--offline", url]).stdout)
        }
        for (index, address) in direct.enumerated() {
            let result = try await WeftRun(home: root.appendingPathComponent("reader\(index)")).run(["cat", "--timeout", "60", address])
            #expect(result.status == 0, "seed \(seed): reading \(address): \(result.stderr)")
            texts.append(result.stdout)
        }
        #expect(Set(texts).count == 1, "seed \(seed): the copies differ")
        let text = texts.last ?? ""
        let found = Token.find(in: Array(text.unicodeScalars)).map(\.name)
        let (inserted, deleted) = await ledger.contents
        #expect(found.count == Set(found).count, "seed \(seed): a token appears twice")
        #expect(Set(found) == inserted.subtracting(deleted), "seed \(seed): missing \(inserted.subtracting(deleted).subtracting(found).sorted().prefix(5)), unexpected \(Set(found).subtracting(inserted.subtracting(deleted)).sorted().prefix(5))")
        #expect(text.unicodeScalars.count == found.reduce(0) { $0 + $1.count + 2 }, "seed \(seed): stray characters")
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
