import Foundation

extension EmbeddedRelay {
    /// A background relay this user's weft started on this machine, as its pid file says.
    public struct Found: Sendable {
        public let pid: pid_t
        /// Its data directory (the pid file and log are in it).
        public let directory: URL
        /// Whether that pid is alive and is a `weft serve` (pid files outlive reboots; pids get reused).
        public let running: Bool
    }

    /// The background relays with a pid file under ``root(environment:)``, by directory.
    public static func found(environment: [String: String] = ProcessInfo.processInfo.environment) -> [Found] {
        let entries = (try? FileManager.default.contentsOfDirectory(at: root(environment: environment), includingPropertiesForKeys: nil)) ?? []
        return entries.sorted { $0.path < $1.path }.compactMap(found(in:))
    }

    /// The background relay whose pid file is in `directory`, if it has one.
    static func found(in directory: URL) -> Found? {
        guard let text = try? String(contentsOf: pidFile(in: directory), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return Found(pid: pid, directory: directory, running: isAlive(pid) && isRelay(pid))
    }

    /// This process's executable.
    static var ownExecutable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// Whether `relay` runs an older weft than this process: its executable was removed or
    /// replaced since it started (an upgrade), or was built before this one. Never the other way
    /// round, so two builds in use at once do not take turns restarting it.
    static func runsOlderWeft(_ relay: Found) -> Bool {
        let mine = ownExecutable
        // This process is itself the older one when its own executable was replaced.
        guard !mine.hasSuffix(" (deleted)"),
              let theirs = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(relay.pid)/exe"),
              theirs != mine else { return false }
        if theirs.hasSuffix(" (deleted)") { return true }
        func modified(_ path: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
        guard let theirTime = modified(theirs), let myTime = modified(mine) else { return false }
        return theirTime < myTime
    }

    /// Adds a line to the background relay's log in `directory`.
    static func appendToLog(in directory: URL, _ line: String) {
        guard let handle = FileHandle(forWritingAtPath: logFile(in: directory).path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data("weft: \(line)\n".utf8))
    }

    /// Stops `relay` and removes its pid file (unless another relay has written it meanwhile);
    /// whether it was running. Returns once it is gone, so whatever starts next finds the port
    /// free: SIGTERM lets it finish its commits, and one still there after 5 s is killed (its
    /// acknowledged edits are on disk either way).
    public static func stop(_ relay: Found) -> Bool {
        defer {
            // Only this relay's: an open editor may have started the next one meanwhile.
            let file = pidFile(in: relay.directory)
            if (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "\(relay.pid)" {
                try? FileManager.default.removeItem(at: file)
            }
        }
        guard relay.running else { return false }
        kill(relay.pid, SIGTERM)
        for _ in 0..<250 where isAlive(relay.pid) { usleep(20_000) }
        if isAlive(relay.pid) {
            kill(relay.pid, SIGKILL)
            for _ in 0..<100 where isAlive(relay.pid) { usleep(20_000) }
        }
        return true
    }

    /// Whether `pid` is running: a zombie (exited, not yet collected by the process that started
    /// it) is not.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    private static func isRelay(_ pid: pid_t) -> Bool {
        guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
        return command.split(separator: "\0").dropFirst().first == "serve"
    }
}
