import Foundation
import Testing
import WeftSync
import WeftTestSupport
import WeftTestTraits

/// `weft ls`, `rm` and `mv`, and reading documents that do not exist, as processes against a
/// real relay on 127.0.0.1.
@Suite(.serialized, .ownThread) struct DocumentCommandTests {
    /// The token `weft token create` prints last, for `document` on the relay in `relay`.
    func token(_ relay: URL, _ document: String, readOnly: Bool = false) throws -> String {
        let made = try BuiltProduct.run("weft", ["token", "create", "--data", relay.path, "--doc", document] + (readOnly ? ["--read-only"] : []))
        #expect(made.status == 0, "\(made.stderr)")
        return made.stdout.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Every file and directory under `home`, as paths.
    func paths(under home: URL) -> [String] {
        FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil)?.compactMap { ($0 as? URL)?.path } ?? []
    }

    /// Nothing a library says about itself reaches the user: messages are the relay's and weft's words.
    func expectPlainWords(_ stderr: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for raw in ["Error(", "DocumentName", "SyncError", "NIO", "errno"] {
            #expect(!stderr.contains(raw), "\(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func listRenameAndDeleteWithoutTokens() throws {
        let root = TemporaryDirectory.path("documents")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let server = "ws://127.0.0.1:\(relay.port)"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        // Bob names only documents: the server is his default.
        let bobHere = WeftRun(home: bob.home, environment: ["WEFT_SERVER": server])

        #expect(try bobHere(["ls"]).stdout == "no documents on \(server)\n")
        #expect(try alice(["apply", "\(server)/notes"], input: editLines([(0, 0, "hello")])).status == 0)
        #expect(try alice(["apply", "\(server)/team/plan"], input: editLines([(0, 0, "日本語")])).status == 0)
        let table = try bobHere(["ls"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["NAME", "CHARS", "CHANGED", "WHO"], "\(table.stdout)")
        #expect(rows.dropFirst().map { [$0[0], $0[1], $0.last!] } == [["notes", "5", "-"], ["team/plan", "3", "-"]], "\(table.stdout)")
        let porcelain = try bob(["ls", server, "--porcelain"]).stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(porcelain.map { [$0[0], $0[1], $0[3]] } == [["notes", "5", "0"], ["team/plan", "3", "0"]], "\(porcelain)")
        let now = UInt64(Date().timeIntervalSince1970 * 1_000)
        #expect(porcelain.allSatisfy { UInt64($0[2]).map { $0 <= now && $0 > now - 600_000 } == true }, "changed within the last minutes")

        // Renaming keeps the text and the history; the old name is gone.
        let moved = try bobHere(["mv", "notes", "renamed"])
        #expect(moved.status == 0 && moved.stderr.isEmpty, "\(moved.stderr)")
        #expect(try bobHere(["cat", "renamed"]).stdout == "hello")
        let log = try bobHere(["log", "renamed"])
        #expect(log.status == 0 && log.stdout.contains("+5 -0"), "\(log.stdout)\(log.stderr)")
        #expect(try bobHere(["blame", "renamed"]).stdout.contains("hello"))
        #expect(try bobHere(["ls", "--porcelain"]).stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["renamed", "team/plan"])

        // Onto a name in use, or from a name nobody has: refused in words, with their own statuses.
        let taken = try bobHere(["mv", "renamed", "team/plan"])
        #expect(taken.status == 6 && taken.stderr.contains("team/plan exists already"), "\(taken.stderr)")
        let absent = try bobHere(["rm", "notes"])
        #expect(absent.status == 5 && absent.stderr.contains("no document named \"notes\" on \(server)"), "\(absent.stderr)")
        #expect(try bobHere(["mv", "notes", "elsewhere"]).status == 5)

        // Names no relay takes: refused here, in words, before asking.
        for bad in ["", "a//b", "../escape", "bad name", String(repeating: "x", count: 200), "x\u{1B}[31m"] {
            let refused = try bobHere(["rm", bad])
            #expect(refused.status == 3 && refused.stderr.contains("is not a document name"), "\(bad): \(refused.stderr)")
            expectPlainWords(refused.stderr)
            let renamed = try bobHere(["mv", "renamed", bad])
            #expect(renamed.status == 3 && renamed.stderr.contains("is not a document name"), "\(bad): \(renamed.stderr)")
            expectPlainWords(renamed.stderr)
        }

        #expect(try bobHere(["rm", "renamed"]).status == 0)
        #expect(try bobHere(["ls", "--porcelain"]).stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["team/plan"])
    }

    /// `cat` and `view` of a name the relay does not have, and this machine has no copy of, say so
    /// and fail; they create nothing. `edit`, `put` and `apply` still make documents. `view` with
    /// its output not a terminal prints what it names, one after another, as less does.
    @Test func readingADocumentNobodyMadeFails() throws {
        let root = TemporaryDirectory.path("missing")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let server = "ws://127.0.0.1:\(relay.port)"
        let bob = WeftRun(home: root.appendingPathComponent("bob"), environment: ["WEFT_SERVER": server])
        let expected = "no document named \"notse\" on \(server); weft ls lists the documents there"
        let cat = try bob(["cat", "notse"])
        #expect(cat.status == 5 && cat.stdout.isEmpty && cat.stderr.contains(expected), "\(cat.stderr)")
        let view = try bob(["view", "notse"])
        #expect(view.status == 5 && view.stderr.contains(expected), "\(view.stderr)")
        let missingFile = try bob(["view", "nonexistent.txt"])
        #expect(missingFile.status == 5 && missingFile.stderr.contains("no document named \"nonexistent.txt\""), "\(missingFile.stderr)")
        #expect(try bob(["ls"]).stdout == "no documents on \(server)\n", "reading made nothing")
        let offline = try bob(["cat", "--offline", "notse"])
        #expect(offline.status == 3 && offline.stderr.contains("reads the relay's copy"), "\(offline.stderr)")
        let leftovers = paths(under: bob.home).filter { $0.contains("notse") }
        #expect(leftovers.isEmpty, "failed reads of a document never held here leave nothing behind: \(leftovers)")

        #expect(try bob(["put", "notse"], input: "made").status == 0)
        #expect(try bob(["cat", "notse"]).stdout == "made")
        // A copy queued here offline is read though the relay has none yet.
        #expect(try bob(["apply", "--offline", "drafts"], input: editLines([(0, 0, "queued")])).status == 0)
        let drafts = try bob(["cat", "drafts"])
        #expect(drafts.status == 0 && drafts.stdout == "queued", "\(drafts.stderr)")
        let viewed = try bob(["view", "notse"])
        #expect(viewed.status == 0 && viewed.stdout == "made", "\(viewed.stderr)")
        try "a file\n".write(to: root.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        let several = try bob(["view", root.appendingPathComponent("file.txt").path, "notse"])
        #expect(several.status == 0 && several.stdout == "a file\nmade", "\(several.stderr)")
        // One that cannot be read is said and passed over, as less does; the status says so.
        let gap = try bob(["view", root.appendingPathComponent("file.txt").path, "notse2", "notse"])
        #expect(gap.status == 5 && gap.stdout == "a file\nmade" && gap.stderr.contains("no document named \"notse2\""), "\(gap.stderr)")
    }

    /// Where nothing listens at all, cat, put and apply give up after a few seconds, not the half
    /// minute a slow network is given; what apply queued stays queued.
    @Test func nothingListeningIsSaidSoon() throws {
        let root = TemporaryDirectory.path("nothing-listening")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = "ws://127.0.0.1:\(unusedLoopbackPort())"
        let bob = WeftRun(home: root.appendingPathComponent("bob"), environment: ["WEFT_SERVER": server])
        #expect(try bob(["apply", "--offline", "\(server)/notes"], input: editLines([(0, 0, "kept")])).status == 0)
        let started = ContinuousClock.now
        let apply = try bob(["apply", "\(server)/notes"], input: editLines([(4, 0, " more")]))
        let put = try bob(["put", "\(server)/notes"], input: "replaced")
        let cat = try bob(["cat", "\(server)/notes"])
        #expect(ContinuousClock.now - started < .seconds(45), "three commands gave up well before 30 s each")
        #expect(apply.status == 1 && apply.stderr.contains("nothing answers at") && apply.stderr.contains("stay queued"), "\(apply.stderr)")
        #expect(put.status == 1 && put.stderr.contains("nothing answers at") && put.stderr.contains("nothing was changed"), "\(put.stderr)")
        #expect(cat.status == 1 && cat.stderr.contains("nothing answers at"), "\(cat.stderr)")
        #expect(try bob(["cat", "--offline", "\(server)/notes"]).stdout == "kept more", "what apply queued is still here")
    }

    /// A copy of a document deleted on purpose is told it is gone, not that the relay lost it:
    /// giving it back, as a copy of lost history does, would make the deleted document again.
    @Test func readingADeletedDocumentSaysItIsGone() throws {
        let root = TemporaryDirectory.path("deleted")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let server = "ws://127.0.0.1:\(relay.port)"
        let alice = WeftRun(home: root.appendingPathComponent("alice"), environment: ["WEFT_SERVER": server])
        let bob = WeftRun(home: root.appendingPathComponent("bob"), environment: ["WEFT_SERVER": server])
        #expect(try alice(["put", "zz"], input: "kept here").status == 0)
        #expect(try bob(["cat", "zz"]).stdout == "kept here")
        #expect(try alice(["rm", "zz"]).status == 0)
        let cat = try bob(["cat", "zz"])
        #expect(cat.status != 0 && cat.stdout.isEmpty && cat.stderr.contains("zz was deleted or renamed on the relay"), "\(cat.stderr)")
        #expect(!cat.stderr.contains("lacks history") && !cat.stderr.contains("give it back"), "\(cat.stderr)")
        expectPlainWords(cat.stderr)
        #expect(try bob(["ls"]).stdout == "no documents on \(server)\n", "reading the deleted copy made nothing")

        // Whoever deleted it holds no old copy to set aside when making it again.
        let again = try alice(["put", "zz"], input: "new text")
        #expect(again.status == 0 && !again.stderr.contains("recovered") && !again.stderr.contains("reset"), "\(again.stderr)")
        #expect(try alice(["cat", "zz"]).stdout == "new text")
        let recovered = paths(under: alice.home).filter { ($0 as NSString).lastPathComponent.hasPrefix("recovered-") }
        #expect(recovered.isEmpty, "\(recovered)")
    }

    /// On a relay that needs tokens: a token lists only its document, and only a read-write
    /// token for the document deletes or renames it.
    @Test func tokensLimitWhatIsListedAndWhoDeletesOrRenames() throws {
        let root = TemporaryDirectory.path("documents-auth")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("relay")
        let relay = try RelayProcess(dataDirectory: data, extraArguments: ["--require-auth"])
        let server = "ws://127.0.0.1:\(relay.port)"
        let (notes, reader, other) = (try token(data, "notes"), try token(data, "notes", readOnly: true), try token(data, "other"))
        let alice = WeftRun(home: root.appendingPathComponent("alice"), environment: ["WEFT_SERVER": server])
        #expect(try alice(["apply", "notes", "--token", notes], input: editLines([(0, 0, "hello")])).status == 0)
        #expect(try alice(["apply", "other", "--token", other], input: editLines([(0, 0, "x")])).status == 0)

        let anonymous = try alice(["ls"])
        #expect(anonymous.status == 4 && anonymous.stderr.contains("needs a token"), "\(anonymous.stderr)")
        #expect(try alice(["ls", "--porcelain", "--token", reader]).stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["notes"])
        #expect(try alice(["ls", "--porcelain", "--token", other]).stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["other"])

        let readOnly = try alice(["rm", "notes", "--token", reader])
        #expect(readOnly.status == 4 && readOnly.stderr.contains("this token only reads notes"), "\(readOnly.stderr)")
        let readOnlyMove = try alice(["mv", "notes", "moved", "--token", reader])
        #expect(readOnlyMove.status == 4 && readOnlyMove.stderr.contains("this token only reads notes"), "\(readOnlyMove.stderr)")
        let elsewhere = try alice(["rm", "notes", "--token", other])
        #expect(elsewhere.status == 4 && elsewhere.stderr.contains("the token is for document \"other\""), "\(elsewhere.stderr)")
        let none = try alice(["rm", "notes"])
        #expect(none.status == 4, "\(none.stderr)")
        for refused in [readOnly, readOnlyMove, elsewhere, none] { expectPlainWords(refused.stderr) }
        #expect(try alice(["cat", "notes", "--token", reader]).stdout == "hello", "nothing was deleted")

        #expect(try alice(["rm", "notes", "--token", notes]).status == 0)
        #expect(try alice(["ls", "--porcelain", "--token", reader]).stdout.isEmpty)
    }

    /// Listing, deleting or renaming on an address nothing answers at, and where no background
    /// relay of this user ever ran (a mistyped port), says nothing answers: it starts no new,
    /// empty relay there to list nothing from (the default server still gets one).
    @Test func aMistypedAddressStartsNoRelay() throws {
        let root = TemporaryDirectory.path("mistyped")
        defer { try? FileManager.default.removeItem(at: root) }
        let person = WeftRun(home: root.appendingPathComponent("person"))
        let address = "ws://127.0.0.1:\(unusedLoopbackPort())"
        for arguments in [["ls", address], ["rm", "\(address)/notes"], ["mv", "\(address)/notes", "other"]] {
            let result = try person(arguments + ["--timeout", "5"])
            #expect(result.status != 0 && result.stderr.contains("nothing answers"), "\(arguments): \(result.stderr)")
        }
        let relays = root.appendingPathComponent("person/xdg-data/weft/relays")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: relays.path)) ?? []).isEmpty, "no background relay was started")
    }

    /// A document deleted and made again is a new one: a copy of the old one is not merged into
    /// it; its text and unsent edits are saved in recovered-*.txt and the user is told.
    @Test func aDocumentMadeAgainResetsOldCopies() throws {
        let root = TemporaryDirectory.path("remade")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        #expect(try alice(["apply", url], input: editLines([(0, 0, "hello")])).status == 0)
        #expect(try alice(["apply", "--offline", url], input: editLines([(5, 0, " unsent")])).status == 0)

        #expect(try bob(["rm", url]).status == 0)
        #expect(try bob(["put", url], input: "fresh").status == 0)

        let synced = try alice(["apply", url], input: "")
        #expect(synced.status == 0 && synced.stderr.contains("was reset"), "\(synced.stderr)")
        let address = try DocumentAddress(parsing: url, defaultServer: DocumentAddress.builtInServer)
        let directory = ClientHome(data: alice.home, config: alice.home.appendingPathComponent("config")).directory(for: address)
        let recovered = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("recovered-") }
        #expect(recovered.count == 1)
        #expect(try recovered.first.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) } == "hello unsent")
        #expect(try bob(["cat", url]).stdout == "fresh", "nothing of the old copy was merged")
        #expect(try alice(["cat", url]).stdout == "fresh")
        let status = try alice(["status"]).stdout
        #expect(!status.contains("unsent") && status.contains("recovered-"), "\(status)")
    }
}
