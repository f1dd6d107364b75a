import ArgumentParser
import Foundation
import WeftSync

/// `weft apply DOCUMENT < edits.jsonl`: scripted typing through the offline queue.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply edits from standard input as if typed, and wait until the relay has them.",
        discussion: """
            Each input line is a JSON object {"pos": N, "del": N, "ins": "text"} (positions in Unicode \
            scalars, against the text left by the previous edit; del and ins default to 0 and ""). \
            Every line is checked before any is applied. The edits are queued durably, then sent; \
            the command exits 0 once the relay has acknowledged them and everything queued before \
            for this document. Empty input only sends what is queued.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Flag(help: "Only queue the edits; do not connect.")
    var offline = false

    private struct Line: Decodable {
        var pos: Int
        var del: Int?
        var ins: String?
    }

    func run() async throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var edits: [DocumentSession.Edit] = []
        for (number, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            guard let parsed = try? JSONDecoder().decode(Line.self, from: Data(line)), parsed.pos >= 0, (parsed.del ?? 0) >= 0 else {
                FileHandle.standardError.write(Data("weft apply: line \(number + 1) is not {\"pos\": N, \"del\": N, \"ins\": \"text\"} with N ≥ 0; nothing applied\n".utf8))
                throw ExitCode(3)
            }
            edits.append(DocumentSession.Edit(position: parsed.pos, deleting: parsed.del ?? 0, inserting: parsed.ins ?? ""))
        }
        try await client.withSession("apply") { session in
            try await session.apply(edits)
            if offline {
                let unsent = await session.unsentCount
                FileHandle.standardError.write(Data("weft apply: queued; \(unsent) batches wait for the relay\n".utf8))
            } else {
                await session.start()
                try await session.waitUntilSettled(timeout: client.timeoutDuration)
            }
        }
    }
}
