import ArgumentParser
import Foundation
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
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let wanted = String(data: input, encoding: .utf8) else {
            FileHandle.standardError.write(Data("weft put: standard input is not UTF-8 text; nothing changed\n".utf8))
            throw ExitCode(3)
        }
        try await client.withSession("put") { session in
            await session.start()
            try await session.waitUntilSettled(timeout: client.timeoutDuration)
            let current = Array(await session.text.unicodeScalars), target = Array(wanted.unicodeScalars)
            var prefix = 0
            while prefix < current.count, prefix < target.count, current[prefix] == target[prefix] { prefix += 1 }
            var suffix = 0
            while suffix < current.count - prefix, suffix < target.count - prefix,
                  current[current.count - 1 - suffix] == target[target.count - 1 - suffix] { suffix += 1 }
            var inserted = String.UnicodeScalarView()
            inserted.append(contentsOf: target[prefix..<(target.count - suffix)])
            let edit = DocumentSession.Edit(position: prefix, deleting: current.count - prefix - suffix, inserting: String(inserted))
            if edit.deleting > 0 || !edit.inserting.isEmpty { try await session.apply([edit]) }
            try await session.waitUntilSettled(timeout: client.timeoutDuration)
        }
    }
}
