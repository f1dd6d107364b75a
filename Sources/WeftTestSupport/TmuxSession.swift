import Foundation

/// A program running in a detached tmux session on a private tmux server, for tests that drive
/// the real terminal UI: keys in with `send-keys`, the screen out with `capture-pane`.
public final class TmuxSession: @unchecked Sendable {
    public let name: String
    /// The private server's socket name (`tmux -L`), so tests never touch the user's tmux.
    private let socket: String

    /// Starts `command` in a `width`×`height` window with `environment` added. When the command
    /// ends, the pane shows `[exit N]` and stays open.
    public init(_ command: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        name = "weft\(UInt32.random(in: 0...UInt32.max))"
        socket = "weft-test-\(getpid())"
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        // What colours a program draws must not depend on how the tests were started: `swift test`
        // passes NO_COLOR on to its children (and so to the tmux server it starts), a terminal
        // may pass COLORTERM. A test that wants either sets it.
        let unset = ["NO_COLOR", "COLORTERM"].filter { environment[$0] == nil }.map { "-u \($0)" }.joined(separator: " ")
        let line = "env \(unset) \(assignments) \(command.map(Self.quote).joined(separator: " ")); echo \"[exit $?]\"; sleep 600"
        // resize-window in the same command fixes the window's size: otherwise, while a client is
        // attached to any session of this server (the mouse tests attach one), tmux sizes a new
        // detached window to that client and not to -x and -y.
        try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "sh", "-c", line,
                  ";", "resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    deinit { kill() }

    /// Presses keys by tmux's names (`C-q`, `Enter`, `Escape`, `Up`).
    public func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// Types `text` literally.
    public func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Pastes `text` as a terminal does: through a tmux buffer, wrapped in bracketed-paste
    /// markers when the program asked for them (`paste-buffer -p`).
    /// With `bracketed` false, the text arrives as if typed (a terminal without bracketed paste).
    public func paste(_ text: String, bracketed: Bool = true) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("weft-paste-\(UUID())")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        try tmux(["load-buffer", "-b", name, file.path])
        try tmux(["paste-buffer"] + (bracketed ? ["-p"] : []) + ["-d", "-b", name, "-t", name])
    }

    /// The screen's rows as text.
    public func screen() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", name]).components(separatedBy: "\n")
    }

    /// The screen's rows with their colours and attributes as escape sequences (`capture-pane -e`).
    public func styledScreen() throws -> [String] {
        try tmux(["capture-pane", "-e", "-p", "-t", name]).components(separatedBy: "\n")
    }

    /// Sets a tmux option for this session (`mouse`, `status`), or for the whole private server
    /// with `server` (`set-clipboard`).
    public func setOption(_ option: String, _ value: String, server: Bool = false) throws {
        try tmux(["set-option"] + (server ? ["-s"] : ["-t", name]) + [option, value])
    }

    /// The newest tmux paste buffer (what a program put there with OSC 52, under `set-clipboard on`),
    /// a final line feed dropped as from all tmux answers.
    public func pasteBuffer() throws -> String {
        try tmux(["show-buffer"])
    }

    /// The command that attaches a tmux client to this session, to run in another session's pane
    /// (input typed there then reaches this session as a terminal's would: mouse reports included).
    public var attachCommand: [String] { ["env", "-u", "TMUX", "tmux", "-L", socket, "attach-session", "-t", name] }

    /// Where the terminal's cursor is (row and column from 0), as the program left it.
    public func cursor() throws -> (row: Int, column: Int) {
        let fields = try tmux(["display-message", "-p", "-t", name, "#{cursor_y} #{cursor_x}"]).split(separator: " ").compactMap { Int($0) }
        guard fields.count == 2 else { throw TmuxError(description: "tmux did not say where the cursor is") }
        return (fields[0], fields[1])
    }

    /// Waits until `condition` holds for the screen; throws with the screen after `timeout`.
    @discardableResult
    public func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var rows: [String] = []
        while ContinuousClock.now < deadline {
            rows = try screen()
            if condition(rows) { return rows }
            usleep(50_000)
        }
        throw TmuxError(description: "timed out waiting for \(what); the screen was:\n" + rows.joined(separator: "\n"))
    }

    /// Waits until some row contains `text`.
    @discardableResult
    public func waitFor(text: String, timeout: Duration = .seconds(30)) throws -> [String] {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// The process id of the program the session runs (the child of the pane's shell), once it runs.
    public func programPID() throws -> Int32? {
        let shell = try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"])
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    public func kill() {
        _ = try? tmux(["kill-session", "-t", name])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let (status, text) = try runDaemonSafe(["tmux", "-L", socket] + arguments)
        guard status == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text.utf8.last == 0x0A ? String(decoding: text.utf8.dropLast(), as: UTF8.self) : text
    }

    private static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

public struct TmuxError: Error, CustomStringConvertible {
    public let description: String
}

/// A TCP port nothing listens on right now (the kernel's pick for port 0).
public func unusedLoopbackPort() -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
