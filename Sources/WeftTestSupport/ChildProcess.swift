import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for tests and benchmarks that run programs.
///
/// Foundation's `Process.run()` on Linux closes the child's inherited descriptors by listing
/// `/proc/self/fd` and copying each entry's whole 256-byte name field, which reads past the end of
/// the directory buffer once about 1,360 descriptors are open: the test process crashed that way
/// while a connection-flood test held hundreds of sockets. Here the child closes everything from
/// descriptor 3 up in one step (`closefrom`), whatever the parent has open.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        /// The test process's own stream.
        case inherit
        /// `/dev/null`.
        case null
        /// The child's end of a pipe (its read end for standard input, its write end otherwise);
        /// the parent's copy of that end is closed once the child has started.
        case pipe(Pipe)
        /// An open file.
        case file(FileHandle)
    }

    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment` (the test process's when nil).
    public init(_ executable: URL, arguments: [String], environment: [String: String]? = nil,
                standardInput: Stream = .inherit, standardOutput: Stream = .inherit, standardError: Stream = .inherit) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var nullDevice: FileHandle?
        func descriptor(_ stream: Stream, input: Bool) throws -> Int32? {
            switch stream {
            case .inherit: return nil
            case .null:
                if nullDevice == nil { nullDevice = try FileHandle(forUpdating: URL(fileURLWithPath: "/dev/null")) }
                return nullDevice!.fileDescriptor
            case .pipe(let pipe): return input ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
            case .file(let handle): return handle.fileDescriptor
            }
        }
        for (target, stream) in [(Int32(0), standardInput), (1, standardOutput), (2, standardError)] {
            if let source = try descriptor(stream, input: target == 0) {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            }
        }
        Self.addCloseFrom(3, to: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation's Process does: a Ctrl-C meant for the test run
        // reaches the test process, which stops its children itself.
        // Every signal unblocked and at its default action: a test thread's blocked SIGTERM or the
        // test process's ignored SIGPIPE would otherwise carry over into the program.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let failure = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard failure == 0 else {
            throw HarnessError("could not start \(executable.path): \(String(cString: strerror(failure)))")
        }
        processIdentifier = pid
        for (stream, input) in [(standardInput, true), (standardOutput, false), (standardError, false)] {
            if case .pipe(let pipe) = stream {
                try? (input ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
    }

    /// Runs `executable` to the end; its exit status, standard output and standard error.
    public static func run(_ executable: URL, arguments: [String], environment: [String: String]? = nil)
        throws -> (status: Int32, stdout: String, stderr: String) {
        let output = Pipe(), errors = Pipe()
        let child = try ChildProcess(executable, arguments: arguments, environment: environment,
                                     standardInput: .null, standardOutput: .pipe(output), standardError: .pipe(errors))
        let (out, err) = readToEnd(output, errors)
        child.waitUntilExit()
        return (child.terminationStatus, out, err)
    }

    /// Reads two pipes to their ends at once (a child filling one while the other is read would
    /// block for good), as text.
    public static func readToEnd(_ first: Pipe, _ second: Pipe) -> (String, String) {
        final class Box: @unchecked Sendable { var data = Data() }
        let secondData = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            secondData.data = second.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
        let firstData = first.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        return (String(decoding: firstData, as: UTF8.self), String(decoding: secondData.data, as: UTF8.self))
    }

    /// Whether the child has not exited yet (reaps it once it has).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !reapLocked(blocking: false)
    }

    /// Blocks until the child exits.
    public func waitUntilExit() {
        while isRunning { usleep(2_000) }
    }

    /// The exit code, or the signal number that ended the child; only after it has exited.
    public var terminationStatus: Int32 {
        lock.lock()
        defer { lock.unlock() }
        precondition(reapLocked(blocking: false), "the child is still running")
        return exitStatus!
    }

    /// Sends SIGTERM.
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends `signal` unless the child has been reaped (its pid may belong to another process by then).
    public func signal(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus == nil { kill(processIdentifier, signal) }
    }

    private func reapLocked(blocking: Bool) -> Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
        if result == processIdentifier {
            let signal = status & 0x7f
            exitStatus = signal == 0 ? (status >> 8) & 0xff : signal
            return true
        }
        if result < 0, errno == ECHILD {
            exitStatus = -1
            return true
        }
        return false
    }

    deinit {
        lock.lock()
        _ = reapLocked(blocking: false)
        lock.unlock()
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later) when the C library has it,
    /// else a close action for each descriptor open now, read from `/proc/self/fd` by name length.
    private static func addCloseFrom(_ first: Int32, to actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = UnsafeMutableRawPointer(bitPattern: closeFromAddress) {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, first)
            return
        }
        guard let directory = opendir("/proc/self/fd") else { return }
        var open: [Int32] = []
        while let entry = readdir(directory) {
            // The name is as long as its terminating zero says, not the field's declared 256 bytes.
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: MemoryLayout<dirent>.offset(of: \.d_name)!)
                .assumingMemoryBound(to: CChar.self))
            if let descriptor = Int32(name), descriptor >= first { open.append(descriptor) }
        }
        let own = dirfd(directory)
        closedir(directory)
        for descriptor in open where descriptor != own {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Where the C library's `posix_spawn_file_actions_addclosefrom_np` is, or 0.
    private static let closeFromAddress = Int(bitPattern: dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"))
}
