import Foundation
import WeftSync

/// The relay `weft edit` starts in the background when the default server is on this machine
/// and nothing listens there (as tmux starts its server). It outlives the editor, in its own
/// session; `weft relay status` shows it and `weft relay stop` stops it.
public enum EmbeddedRelay {
    /// Where the background relays keep their data: `$XDG_DATA_HOME/weft/relays`, else
    /// `~/.local/share/weft/relays`, one directory per address. Deliberately not under
    /// `$WEFT_HOME`: every home of this user on this machine talks to the same relay on a given
    /// address, so its data must be in one place whichever home starts it (or restarts it).
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? ClientHome.userHome(environment).appendingPathComponent(".local/share")
        return data.appendingPathComponent("weft/relays")
    }

    /// Where a background relay for `host`:`port` keeps its data, log and pid file.
    public static func directory(host: String, port: Int) -> URL {
        root().appendingPathComponent("\(host.replacingOccurrences(of: ":", with: "_"))-\(port)")
    }

    public static func pidFile(in directory: URL) -> URL { directory.appendingPathComponent("relay.pid") }
    public static func logFile(in directory: URL) -> URL { directory.appendingPathComponent("relay.log") }

    /// Whether `address` names a relay this machine could start itself.
    public static func isLocal(_ address: DocumentAddress) -> Bool {
        !address.secure && ["127.0.0.1", "localhost", "::1"].contains(address.host)
    }

    /// Starts a relay for `address` unless one answers there. Returns the data directory of one
    /// it started, nil when it started none.
    ///
    /// Not where `home` holds copies of documents from `address` that no background relay of this
    /// user served (none was ever started there): the relay that served them is someone's own
    /// `weft serve` with its own data, stopped for now, and an empty relay in its place would
    /// tell every client that it lost their documents.
    /// - Throws: `SyncError(.refused)` in that case, saying to start that relay again;
    ///   `SyncError(.io)` with the relay log's last lines when it does not come up.
    /// - Parameter onlyWhereOneRan: start none where no background relay ever ran (`weft ls`,
    ///   `rm`, `mv` naming an address that is not the default server: a mistyped port gets
    ///   "nothing answers", not a new empty relay).
    public static func ensureRunning(for address: DocumentAddress, home: ClientHome? = nil, onlyWhereOneRan: Bool = false) throws(SyncError) -> URL? {
        guard isLocal(address) else { return nil }
        if PortProbe.isListening(host: address.host, port: address.port) { return try replaceIfOlder(for: address) }
        let directory = directory(host: address.host, port: address.port)
        let oneRan = FileManager.default.fileExists(atPath: directory.path)
        if onlyWhereOneRan, !oneRan { return nil }
        if let home, !oneRan, home.holdsCopies(from: address) {
            throw SyncError(.refused, "nothing answers at \(address.host):\(address.port), and the copies here came from a relay weft did not start (its own `weft serve`); start that relay again. weft starts one in the background only where none served this machine before")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SyncError(.io, "cannot create \(directory.path) for the background relay: \(error.localizedDescription)")
        }
        // Two weft processes finding the relay gone at once (two editors after `weft relay stop`)
        // take turns: the second finds the first one's relay listening.
        let lock = open(directory.appendingPathComponent("start.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if lock >= 0 { close(lock) } }
        if lock >= 0 { flock(lock, LOCK_EX) }
        guard !PortProbe.isListening(host: address.host, port: address.port) else { return nil }
        return try start(on: address, in: directory)
    }

    /// Restarts the background relay on `address` if it runs an older weft than this one (one
    /// upgraded since): such a relay may not know what this weft's hellos say, and would refuse
    /// every connection. Its clients, told it is restarting, connect again to the new one, which
    /// serves the same data. Returns its data directory when it restarted it.
    /// - Throws: `SyncError(.io)` when the new relay does not come up.
    @discardableResult
    public static func replaceIfOlder(for address: DocumentAddress) throws(SyncError) -> URL? {
        guard isLocal(address) else { return nil }
        let directory = directory(host: address.host, port: address.port)
        guard let relay = found(in: directory), relay.running, runsOlderWeft(relay) else { return nil }
        _ = stop(relay)
        appendToLog(in: directory, "stopped relay \(relay.pid): it ran an older weft than \(ownExecutable)")
        return try start(on: address, in: directory)
    }

    /// Starts `weft serve` on `address` with its data in `directory`; returns the directory once
    /// it listens, nil when another relay took the port first.
    private static func start(on address: DocumentAddress, in directory: URL) throws(SyncError) -> URL? {
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        let pid = try spawn(arguments: ["serve", "--listen", "\(host):\(address.port)", "--data", directory.path], log: logFile(in: directory))
        try? Data("\(pid)\n".utf8).write(to: pidFile(in: directory))
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if PortProbe.isListening(host: address.host, port: address.port) {
                // Collected when it exits, so that it does not stay a zombie of this process, which
                // `weft relay stop` would wait on as if it were still running.
                Thread.detachNewThread {
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                }
                return directory
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                // It exited: another relay may have taken the port first, which is as good.
                if PortProbe.isListening(host: address.host, port: address.port) { return nil }
                break
            }
            usleep(20_000)
        }
        let log = (try? String(contentsOf: logFile(in: directory), encoding: .utf8)) ?? ""
        let tail = log.split(separator: "\n").suffix(5).joined(separator: "\n  ")
        throw SyncError(.io, "the background relay on \(address.host):\(address.port) did not start (log \(logFile(in: directory).path)):\n  \(tail)")
    }

    /// Runs this executable with `arguments` in a new session (so closing the terminal does not
    /// stop it), input from /dev/null, output appended to `log`.
    private static func spawn(arguments: [String], log: URL) throws(SyncError) -> pid_t {
        let executable = ownExecutable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process goes with it: a relay that outlives the editor must not
        // hold its terminal, or a pipe a script waits on to close.
        for descriptor in Self.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26+), which Swift does not import.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw SyncError(.io, "cannot start a background relay (\(executable)): \(String(cString: strerror(result)))")
        }
        return pid
    }
}

extension EmbeddedRelay {
    /// This process's open file descriptors.
    static func openDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap(Int32.init)
    }
}

/// Whether something accepts TCP connections at an address (a quick connect, 300 ms at most).
enum PortProbe {
    static func isListening(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            defer { entry = info.pointee.ai_next }
            let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), info.pointee.ai_protocol)
            guard socket >= 0 else { continue }
            defer { close(socket) }
            if connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
            guard errno == EINPROGRESS else { continue }
            var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            guard poll(&descriptor, 1, 300) == 1 else { continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return true }
        }
        return false
    }
}
