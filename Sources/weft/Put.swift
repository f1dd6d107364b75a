import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft put DOCUMENT < FILE`: make the document's text equal to standard input.
struct Put: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace a document's text with standard input (UTF-8).",
        discussion: """
            Syncs first, then changes only the span that differs (common beginning and end are kept, \
            so other people's cursors there stay put), and exits 0 once the relay has acknowledged it.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    func run() async throws {
        // Read in a scope of its own, so the bytes are gone once they are text (a 100 MB file).
        // String(validating:) keeps a byte-order mark, which Foundation's decoding drops: the
        // document must hold exactly the bytes given.
        guard let wanted = { String(validating: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }() else {
            FileHandle.standardError.write(Data("weft put: standard input is not UTF-8 text; nothing changed\n".utf8))
            throw ExitCode(3)
        }
        do {
            try await client.connection.replaceText("put", with: wanted)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
