import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection for hostile-client tests: it sends exactly the bytes it is
/// given (half a request, garbage, unmasked frames) and tells when the other side closed.
public final class RawSocket: @unchecked Sendable {
    public let descriptor: Int32
    private var closed = false

    /// What a read found.
    public enum Received: Equatable, Sendable {
        case bytes([UInt8])
        /// The relay closed the connection (end of stream, or reset).
        case closed
        case timedOut
    }

    /// Connects to `127.0.0.1:port`, from `source` (another loopback address such as
    /// `127.0.0.2`, so the relay sees a client of its own) when given.
    /// - Parameter receiveBuffer: SO_RCVBUF for the connection, set before connecting (small
    ///   buffers make a client that does not read fill up quickly).
    public init(port: Int, from source: String? = nil, receiveBuffer: Int? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let steps: [(what: String, result: () -> Int32)] = [
            ("bind to \(source ?? "")", { source.map { Self.bind(self.descriptor, to: $0) } ?? 0 }),
            ("connect to 127.0.0.1:\(port)", { Self.connect(self.descriptor, port: port) }),
        ]
        for step in steps where step.result() != 0 {
            let reason = String(cString: strerror(errno))
            Foundation.close(descriptor)
            throw HarnessError("\(step.what): \(reason)")
        }
    }

    /// Binds `descriptor` to `host` (an IPv4 address) and any port.
    static func bind(_ descriptor: Int32, to host: String) -> Int32 {
        withAddress(host, port: 0) { Glibc.bind(descriptor, $0, $1) }
    }

    /// Connects `descriptor` to `127.0.0.1:port` (at once, or in progress on a non-blocking socket).
    static func connect(_ descriptor: Int32, port: Int) -> Int32 {
        withAddress("127.0.0.1", port: UInt16(port)) { Glibc.connect(descriptor, $0, $1) }
    }

    private static func withAddress(_ host: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(descriptor)
    }

    /// Sends every byte; false once the relay has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: writing to a connection the relay closed must not SIGPIPE the tests.
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whatever arrives within `timeout` (up to `limit` bytes), or that the connection closed.
    public func receive(timeout: Duration, limit: Int = 65_536) -> Received {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = read(descriptor, &buffer, limit)
        guard count > 0 else { return .closed }
        return .bytes(Array(buffer[..<count]))
    }

    /// Reads until the relay closes the connection or `timeout` passes; the bytes read, and
    /// whether it closed.
    public func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while ContinuousClock.now < deadline {
            switch receive(timeout: min(deadline - .now, .milliseconds(200))) {
            case .bytes(let more): bytes += more
            case .closed: return (bytes, true)
            case .timedOut: continue
            }
        }
        return (bytes, false)
    }

    /// Whether the relay has closed the connection, without waiting: what it sent meanwhile is
    /// read and dropped.
    public var isClosedByPeer: Bool {
        while true {
            switch receive(timeout: .zero) {
            case .bytes: continue
            case .closed: return true
            case .timedOut: return false
            }
        }
    }
}
