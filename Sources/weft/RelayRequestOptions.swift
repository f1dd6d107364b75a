import ArgumentParser

/// What `weft ls` takes: a relay (else the default server), and how to reach it.
struct RelayRequestOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The relay: ws[s]://HOST:PORT (else $WEFT_SERVER, else the config file's server, else ws://127.0.0.1:7878).", valueName: "SERVER"))
    var server: String?

    @OptionGroup var access: AccessOptions

    @Option(help: "Seconds to wait for the relay before giving up.")
    var timeout: Double = 30

    var timeoutDuration: Duration { .milliseconds(Int(max(0.1, timeout) * 1000)) }
}
