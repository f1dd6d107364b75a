import ArgumentParser

/// `weft token`: access tokens for a relay's documents.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make and revoke access tokens for a relay's documents.",
        subcommands: [TokenCreate.self, TokenRevoke.self]
    )
}
