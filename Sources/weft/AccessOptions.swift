import ArgumentParser

/// How a command proves it may reach a relay, shared by every command that connects.
struct AccessOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Access token (else $WEFT_TOKEN, else the credentials file in the config directory).", valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("PEM certificates to trust for wss:// (a private CA).", valueName: "FILE"))
    var caFile: String?
}
