import Foundation
import Testing
import WeftTestSupport

/// Relays that lose what they had, at random, with the real binary: two or three people type
/// online and offline, the relay's data is wiped, put back from an older backup, or a stand-in
/// relay (another data directory) answers on the address for a while before the real one comes
/// back; then everyone connects again, in a random order, as often as it takes. Whatever
/// happened, every word anyone typed ends up in the document exactly once, for everyone (a
/// reader from before the loss too), and no copy is set aside. The seed and the steps print on
/// failure.
@Suite(.serialized, .ownThread) struct HealingPropertyTests {
    enum Loss: CaseIterable { case wiped, oldBackup, standIn }

    /// Six seeds; `WEFT_HEALING_SEEDS=N` runs N (a longer soak), `WEFT_HEALING_STEPS=1` prints
    /// every seed's steps.
    static let seeds: [UInt64] = (0..<UInt64(ProcessInfo.processInfo.environment["WEFT_HEALING_SEEDS"].flatMap(Int.init) ?? 6)).map { 11 + $0 }

    @Test(arguments: seeds)
    func everyWordTypedSurvivesWhateverTheRelayLost(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let root = TemporaryDirectory.path("healing-\(seed)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("relay"), aside = root.appendingPathComponent("aside")
        var relay = try RelayProcess(dataDirectory: data)
        let port = relay.port
        let url = "ws://127.0.0.1:\(port)/notes"
        let people = (0..<Int.random(in: 2...3, using: &random)).map { WeftRun(home: root.appendingPathComponent("person-\($0)")) }
        let loss = Loss.allCases.randomElement(using: &random)!
        var steps: [String] = ["seed \(seed): \(people.count) people, \(loss)"]
        var typed: [String] = []
        func fail(_ what: String) -> Comment { Comment(rawValue: "\(what)\n" + steps.joined(separator: "\n")) }

        /// `person` types a new word at the start of a word of their copy, online or not.
        func type(_ person: Int, offline: Bool) throws {
            let copy = try people[person](["cat", "--offline", url]).stdout
            var starts = [0]
            for (offset, scalar) in copy.unicodeScalars.enumerated() where scalar == " " { starts.append(offset + 1) }
            let word = "w\(typed.count)p\(person) "
            let position = starts.randomElement(using: &random)!
            let result = try people[person](["apply", "--timeout", "30"] + (offline ? ["--offline"] : []) + [url],
                                            input: DataPathTests.insertion(word, at: position))
            steps.append("person \(person) types \(word.debugDescription) at \(position)\(offline ? " offline" : "") → \(result.status)")
            #expect(result.status == 0, fail("typing failed: \(result.stderr)"))
            typed.append(word)
        }
        func sync(_ person: Int) throws {
            let result = try people[person](["apply", "--timeout", "5", url], input: "")
            steps.append("person \(person) syncs → \(result.status)")
        }
        func restart(with directory: URL) throws {
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil, fail("the relay did not stop"))
            relay = try RelayProcess(dataDirectory: directory, port: port)
        }

        for person in people.indices { try type(person, offline: false) }
        for person in people.indices { try sync(person) }
        // Someone who only reads, from before the loss: they cannot give their copy back, and
        // read the relay's once it holds all of theirs.
        let reader = WeftRun(home: root.appendingPathComponent("reader-before"))
        #expect(try reader(["cat", url]).status == 0)
        switch loss {
        case .wiped:
            for _ in 0..<Int.random(in: 1...3, using: &random) { try type(Int.random(in: people.indices, using: &random), offline: false) }
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
            try FileManager.default.removeItem(at: data)
            steps.append("the relay's data is wiped")
            for _ in 0..<Int.random(in: 1...3, using: &random) { try type(Int.random(in: people.indices, using: &random), offline: true) }
            relay = try RelayProcess(dataDirectory: data, port: port)
        case .oldBackup:
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
            try FileManager.default.copyItem(at: data, to: aside)
            relay = try RelayProcess(dataDirectory: data, port: port)
            steps.append("the relay's data is backed up")
            for _ in 0..<Int.random(in: 1...4, using: &random) { try type(Int.random(in: people.indices, using: &random), offline: false) }
            if Bool.random(using: &random) { try sync(Int.random(in: people.indices, using: &random)) }
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
            try FileManager.default.removeItem(at: data)
            try FileManager.default.moveItem(at: aside, to: data)
            steps.append("the backup is put back")
            for _ in 0..<Int.random(in: 0...2, using: &random) { try type(Int.random(in: people.indices, using: &random), offline: true) }
            relay = try RelayProcess(dataDirectory: data, port: port)
        case .standIn:
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
            steps.append("the relay stops")
            for person in people.indices where Bool.random(using: &random) { try type(person, offline: true) }
            relay = try RelayProcess(dataDirectory: aside, port: port)
            steps.append("a stand-in relay with no data answers on the address")
            for person in people.indices.shuffled(using: &random) where Bool.random(using: &random) {
                try sync(person)
                if Bool.random(using: &random) { try type(person, offline: false) }
            }
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
            steps.append("the stand-in stops")
            for _ in 0..<Int.random(in: 0...2, using: &random) { try type(Int.random(in: people.indices, using: &random), offline: true) }
            relay = try RelayProcess(dataDirectory: data, port: port)
            steps.append("the real relay is back")
        }

        // Everyone connects again, in a random order, round after round, until a whole round
        // finds everyone in sync: a copy that holds another's words waits for that one's copy,
        // and a copy in sync before someone proved a loss is asked for again after it.
        var settled = false
        for round in 0..<(people.count + 3) where !settled {
            settled = true
            for person in people.indices.shuffled(using: &random) {
                let result = try people[person](["apply", "--timeout", "15", url], input: "")
                steps.append("round \(round): person \(person) connects → \(result.status)\(result.status == 0 ? "" : ": \(result.stderr.prefix(300))")")
                if result.status != 0 || result.stderr.contains("giving it this copy back") { settled = false }
            }
        }
        if ProcessInfo.processInfo.environment["WEFT_HEALING_STEPS"] != nil { print(steps.joined(separator: "\n")) }
        #expect(settled, fail("not everyone got in sync"))
        let text = try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout
        let words = text.split(separator: " ").map { "\($0) " }
        #expect(words.sorted() == typed.sorted(), fail("the document holds \(text.debugDescription); typed \(typed)"))
        let read = try reader(["cat", "--timeout", "30", url])
        #expect(read.status == 0 && read.stdout == text, fail("the reader from before reads \(read.stdout.debugDescription): \(read.stderr)"))
        for person in people.indices {
            #expect(try people[person](["cat", url]).stdout == text, fail("person \(person)'s copy differs"))
            let files = try FileManager.default.subpathsOfDirectory(atPath: people[person].home.path)
            #expect(!files.contains { $0.contains("recovered-") }, fail("person \(person) had a copy set aside"))
        }
    }
}
