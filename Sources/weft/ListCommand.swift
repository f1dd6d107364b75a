import ArgumentParser
import Foundation
import WeftClient

/// `weft ls [SERVER]`: the documents a relay holds.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the documents a relay holds.",
        discussion: """
            Per document: its name, its size in characters (Unicode scalars), when it last changed \
            (the relay's commit time, UTC), and who has it open on that relay now (the names their \
            editors and pagers show, or a count of connections). A token for one document lists only \
            that one; a relay on this machine without --require-auth lists every document to anyone \
            without a token. The default relay on this machine is started in the background if none runs.
            """
    )

    @OptionGroup var relay: RelayRequestOptions

    @Flag(help: "One document per line, tab-separated: name, characters, last change (ms since 1970, empty if unknown), connections, names (comma-separated).")
    var porcelain = false

    func run() async throws {
        do {
            let text = try await ClientConnection.listDocuments("ls", server: relay.server, token: relay.access.token, caFile: relay.access.caFile,
                                                                timeout: relay.timeoutDuration, porcelain: porcelain)
            StandardOutput.write(Data(text.utf8))
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
