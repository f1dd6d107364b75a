import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft share FILE DOCUMENT` as processes against a real relay: two people's files kept in step
/// through one document, with edits from the files, from the document, and a start that would
/// lose one side refused.
@Suite(.serialized, .ownThread) struct ShareCommandTests {
    func contents(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

    /// Writes as editors save: a new file with the old one's permissions, renamed over it.
    func save(_ text: String, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).swp")
        try Data(text.utf8).write(to: temporary)
        if let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
        }
        _ = rename(temporary.path, url.path)
    }

    @Test func twoFilesStayInStepThroughTheDocument() throws {
        let root = TemporaryDirectory.path("share")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let server = ["WEFT_SERVER": "ws://127.0.0.1:\(relay.port)"]
        let ana = WeftRun(home: root.appendingPathComponent("ana"), environment: server)
        let bo = WeftRun(home: root.appendingPathComponent("bo"), environment: server)
        let carl = WeftRun(home: root.appendingPathComponent("carl"), environment: server)
        for directory in ["ana-repo", "bo-repo", "carl-repo"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        let anaFile = root.appendingPathComponent("ana-repo/plan.md"), boFile = root.appendingPathComponent("bo-repo/plan.md")
        try Data("one\ntwo\n".utf8).write(to: anaFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: anaFile.path)

        let (anaShare, _, anaErrors) = try ana.start(["share", anaFile.path, "plan"])
        #expect(RelayProcess.waitUntil(.seconds(30)) { (try? carl(["cat", "plan"]).stdout) == "one\ntwo\n" }, "the file's text reached the document")
        let (boShare, _, boErrors) = try bo.start(["share", boFile.path, "plan"])
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(boFile) == "one\ntwo\n" }, "a file that did not exist is made from the document")

        try save("one\ntwo\nthree\n", to: anaFile)
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(boFile) == "one\ntwo\nthree\n" }, "a save in one file reaches the other")
        try save("one, bo\ntwo\nthree\n", to: boFile)
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(anaFile) == "one, bo\ntwo\nthree\n" }, "and back")
        let put = try carl(["put", "plan"], input: "zero\none, bo\ntwo\nthree\n")
        #expect(put.status == 0, "\(put.stderr)")
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(anaFile) == "zero\none, bo\ntwo\nthree\n" && contents(boFile) == contents(anaFile) },
                "an edit to the document reaches both files")
        #expect((try FileManager.default.attributesOfItem(atPath: anaFile.path)[.posixPermissions] as? NSNumber)?.intValue == 0o640,
                "the file keeps its permissions")

        // A removed file is never read as an empty one: it comes back from the document.
        try FileManager.default.removeItem(at: boFile)
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(boFile) == "zero\none, bo\ntwo\nthree\n" }, "the removed file is written again")
        #expect(try carl(["cat", "plan"]).stdout == "zero\none, bo\ntwo\nthree\n", "the document was not emptied")

        // An editor holding the file from before a write-back saves it without what others
        // added meanwhile: a conflict (the document keeps it, the file's text is set aside), not
        // a deletion of their text.
        let stale = contents(anaFile)!
        #expect(try carl(["put", "plan"], input: stale + "four, from carl\n").status == 0)
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(anaFile)?.hasSuffix("four, from carl\n") == true })
        try save("ZERO" + stale.dropFirst(4), to: anaFile)
        let anaRepo = root.appendingPathComponent("ana-repo")
        #expect(RelayProcess.waitUntil(.seconds(30)) {
            ((try? FileManager.default.contentsOfDirectory(atPath: anaRepo.path)) ?? []).contains { $0.hasPrefix("plan.md.conflict-") }
        }, "the stale save is set aside")
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(anaFile)?.hasSuffix("four, from carl\n") == true }, "carl's line is back in the file")
        #expect(try carl(["cat", "plan"]).stdout.hasSuffix("four, from carl\n"), "and was never taken out of the document")

        // A third file that differs is not taken over either way without saying which.
        let carlFile = root.appendingPathComponent("carl-repo/plan.md")
        try Data("carl's own\n".utf8).write(to: carlFile)
        let refused = try carl(["share", carlFile.path, "plan"])
        #expect(refused.status == 3 && refused.stderr.contains("--take-document") && refused.stderr.contains("diff"), "\(refused.stderr)")
        #expect(contents(carlFile) == "carl's own\n")

        // A save just before Ctrl-C is read in the last look.
        try save(contents(boFile)! + "last words\n", to: boFile)
        for (share, errors) in [(boShare, boErrors), (anaShare, anaErrors)] {
            share.signal(SIGINT)
            share.waitUntilExit()
            let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(share.terminationStatus == 0 && said.contains("stopped sharing") && said.contains("the relay has every edit"), "\(said)")
        }
        #expect(try carl(["cat", "plan"]).stdout.hasSuffix("last words\n"), "the last save reached the document")
        let taken = try carl.start(["share", "--take-document", carlFile.path, "plan"])
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(carlFile)?.hasSuffix("four, from carl\nlast words\n") == true }, "--take-document writes the document into the file")
        let carlRepo = root.appendingPathComponent("carl-repo")
        let saved = ((try? FileManager.default.contentsOfDirectory(atPath: carlRepo.path)) ?? []).filter { $0.hasPrefix("plan.md.conflict-") }
        #expect(saved.count == 1 && saved.first.flatMap { contents(carlRepo.appendingPathComponent($0)) } == "carl's own\n",
                "the file's own text, which the document never had, is saved beside it: \(saved)")
        taken.0.signal(SIGTERM)
        taken.0.waitUntilExit()
        #expect(taken.0.terminationStatus == 0)

        // Started again after only the document changed, a share takes the document (as git
        // fast-forwards); after both changed, it refuses.
        #expect(try ana(["put", "plan"], input: "after the shares stopped\n").status == 0)
        let again = try bo.start(["share", boFile.path, "plan"])
        #expect(RelayProcess.waitUntil(.seconds(30)) { contents(boFile) == "after the shares stopped\n" }, "bo's unchanged file takes the document's text")
        again.0.signal(SIGTERM)
        again.0.waitUntilExit()
        #expect(again.0.terminationStatus == 0)
        try save("bo's own line\n", to: boFile)
        #expect(try ana(["put", "plan"], input: "and ana's\n").status == 0)
        let both = try bo(["share", boFile.path, "plan"])
        #expect(both.status == 3 && both.stderr.contains("both changed"), "\(both.stderr)")
        #expect(contents(boFile) == "bo's own line\n")
    }

    /// A file whose lines end in CR LF is shared as the editor opens one: the document holds
    /// the lines without the CR (others see no `^M`), edits from the document are written back
    /// with it, and the share says so.
    @Test func aFileEndingLinesInCRLFKeepsThemOnDisk() throws {
        let root = TemporaryDirectory.path("share-crlf")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let server = ["WEFT_SERVER": "ws://127.0.0.1:\(relay.port)"]
        let ana = WeftRun(home: root.appendingPathComponent("ana"), environment: server)
        let bo = WeftRun(home: root.appendingPathComponent("bo"), environment: server)
        let file = root.appendingPathComponent("notes.txt")
        try Data("one\r\ntwo\r\n".utf8).write(to: file)
        let (share, _, errors) = try ana.start(["share", file.path, "dos"])
        #expect(RelayProcess.waitUntil(.seconds(30)) { (try? bo(["cat", "dos"]).stdout) == "one\ntwo\n" }, "the document holds the lines without the CR")
        #expect(try bo(["put", "dos"], input: "one\ntwo\nthree, from bo\n").status == 0)
        #expect(RelayProcess.waitUntil(.seconds(30)) { (try? Data(contentsOf: file)) == Data("one\r\ntwo\r\nthree, from bo\r\n".utf8) },
                "the document's line is written back with CR LF, and the file's lines keep theirs")
        share.signal(SIGINT)
        share.waitUntilExit()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("every line of \(file.path) ends in CR LF: dos holds them without the CR, and they are written back to the file with it"), "\(said)")
    }
}
