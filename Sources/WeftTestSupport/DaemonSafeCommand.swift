import Foundation

/// Runs a command that may leave a daemon behind (tmux's server, PostgreSQL's postmaster) and
/// returns its exit status and output.
///
/// posix_spawn and waitpid rather than Foundation's Process: a daemon forked by the command
/// inherits Process's exit-watching descriptor and keeps the command from ever being reaped.
/// Output goes to a file for the same reason (a pipe would stay open in the daemon). Every other
/// descriptor is closed in the command: a test running beside this one may have a pipe open to
/// a child's standard input (`WeftRun`), and a daemon that inherited its write end would keep
/// that child from ever reading the end of its input.
func runDaemonSafe(_ argv: [String]) throws -> (status: Int32, output: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("weft-command-\(getpid())-\(UUID()).out")
    defer { try? FileManager.default.removeItem(at: file) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    _ = closeFrom3?(&actions, 3)
    let arguments = argv.map { strdup($0) } + [nil]
    defer { arguments.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, argv[0], &actions, nil, arguments, environ)
    guard spawned == 0 else { throw DaemonSafeCommandError(description: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    return (status, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
}

struct DaemonSafeCommandError: Error, CustomStringConvertible {
    let description: String
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 on), which Swift's Glibc module does
/// not export; nil where the C library has none.
private let closeFrom3: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()
