import Foundation
import Testing
@testable import WeftClient
import WeftEditor
import WeftTestSupport

/// A name that is a directory here is taken as a path, as `less` and vim take it: the refusal
/// says how to name the shared document of that name instead.
struct DocumentHintTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["WEFT_SERVER"] == nil, "WEFT_SERVER set here would win over the config"))
    func aDirectoryNamedLikeADocumentIsRefusedWithTheDocumentsAddress() throws {
        let root = TemporaryDirectory.make("document-hint")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try Data("text".utf8).write(to: root.appendingPathComponent("plan.txt"))
        var config = UserConfig()
        config.server = "ws://relay.example.org:7878"
        func hint(_ argument: String) -> String { EditorApp.documentHint(argument, config: config, directory: root.path) }

        #expect(hint("notes") == "; a name that exists here means the file, so the shared document of that name needs its address: ws://relay.example.org:7878/notes")
        #expect(hint("plan.txt") == "", "a file is what was meant")
        #expect(hint("./notes") == "", "written as a path")
        #expect(hint(root.path) == "", "written as a path")
        #expect(hint("missing") == "")
    }
}
