import ArgumentParser
import Foundation
import WeftClient

/// `weft share FILE DOCUMENT`: a local file and a shared document kept in step while it runs.
struct ShareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Keep a local file and a shared document in step while this runs.",
        discussion: """
            Others' edits to the document are written into the file (atomically, its permissions \
            kept); whatever writes the file here (your editor's save, git checkout, a script) makes \
            edits to the document, only the span that changed. At the start an empty side takes \
            the other's text; two that differ are refused unless --take-file or --take-document \
            says which to keep. When the file and the document change the same text at once, the \
            document's is kept and the file's is saved beside it as FILE.conflict-STAMP. Ctrl-C \
            (or SIGTERM) stops after a last look and sending what is queued.
            """
    )

    @Argument(help: ArgumentHelp("The file to share (created from the document if it does not exist).", valueName: "FILE"))
    var file: String

    @Argument(help: ArgumentHelp("The document: ws[s]://HOST:PORT/NAME, or NAME on the default server.", valueName: "DOCUMENT"))
    var document: String

    @Flag(help: "When the two differ at the start, make the document the file's text.")
    var takeFile = false

    @Flag(help: "When the two differ at the start, write the document into the file.")
    var takeDocument = false

    @OptionGroup var access: AccessOptions

    @Option(help: "Seconds to wait for the relay at the start before giving up.")
    var timeout: Double = 30

    func validate() throws {
        if takeFile, takeDocument { throw ValidationError("--take-file and --take-document cannot both be given") }
    }

    func run() async throws {
        let connection = ClientConnection(document: document, token: access.token, caFile: access.caFile,
                                          timeout: .milliseconds(Int(max(0.1, timeout) * 1000)))
        do {
            try await connection.share(path: file, start: takeFile ? .takeFile : takeDocument ? .takeDocument : .refuseIfDifferent)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
