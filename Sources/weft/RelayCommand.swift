import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft relay status|stop`: the background relays `weft edit` started.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Show or stop the background relay that `weft edit` starts on this machine.",
        subcommands: [RelayStatus.self, RelayStop.self],
        defaultSubcommand: RelayStatus.self
    )
}

struct RelayStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "List background relays (exit 1 when none runs).")

    func run() throws {
        let relays = EmbeddedRelay.found().filter(\.running)
        guard !relays.isEmpty else {
            print("no background relay is running")
            throw ExitCode(1)
        }
        for relay in relays {
            print("pid \(relay.pid)  data \(relay.directory.path)  log \(EmbeddedRelay.logFile(in: relay.directory).path)")
        }
    }
}

struct RelayStop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the background relays (edits already acknowledged are on disk).")

    func run() throws {
        var stopped = 0
        for relay in EmbeddedRelay.found() where EmbeddedRelay.stop(relay) {
            print("stopped the relay with pid \(relay.pid) (data \(relay.directory.path))")
            stopped += 1
        }
        if stopped == 0 { print("no background relay was running") }
    }
}
