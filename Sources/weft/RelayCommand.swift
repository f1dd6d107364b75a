import ArgumentParser
import Foundation
import WeftSync

/// `weft relay status|stop`: the background relays `weft edit` started.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Show or stop the background relay that `weft edit` starts on this machine.",
        subcommands: [RelayStatus.self, RelayStop.self],
        defaultSubcommand: RelayStatus.self
    )

    /// Background relays this user's weft started on this machine: (pid, directory, running).
    static func found() -> [(pid: pid_t, directory: URL, running: Bool)] {
        let entries = (try? FileManager.default.contentsOfDirectory(at: EmbeddedRelay.root(), includingPropertiesForKeys: nil)) ?? []
        return entries.sorted { $0.path < $1.path }.compactMap { directory in
            guard let text = try? String(contentsOf: EmbeddedRelay.pidFile(in: directory), encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            return (pid, directory, kill(pid, 0) == 0 && isRelay(pid))
        }
    }

    /// Whether process `pid` is a `weft serve` (pid files outlive reboots; pids get reused).
    private static func isRelay(_ pid: pid_t) -> Bool {
        guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
        return command.split(separator: "\0").dropFirst().first == "serve"
    }
}

struct RelayStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "List background relays (exit 1 when none runs).")

    func run() throws {
        let relays = RelayCommand.found().filter(\.running)
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
        for relay in RelayCommand.found() {
            defer {
                // Only this relay's: an open editor may have started the next one meanwhile.
                let file = EmbeddedRelay.pidFile(in: relay.directory)
                if (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "\(relay.pid)" {
                    try? FileManager.default.removeItem(at: file)
                }
            }
            guard relay.running else { continue }
            kill(relay.pid, SIGTERM)
            // Gone before this returns, so whatever starts next finds the port free: SIGTERM lets
            // it finish its commits; a relay that has not exited after 5 s is killed (its
            // acknowledged edits are on disk either way).
            for _ in 0..<250 where kill(relay.pid, 0) == 0 { usleep(20_000) }
            if kill(relay.pid, 0) == 0 {
                kill(relay.pid, SIGKILL)
                for _ in 0..<100 where kill(relay.pid, 0) == 0 { usleep(20_000) }
            }
            print("stopped the relay with pid \(relay.pid) (data \(relay.directory.path))")
            stopped += 1
        }
        if stopped == 0 { print("no background relay was running") }
    }
}
