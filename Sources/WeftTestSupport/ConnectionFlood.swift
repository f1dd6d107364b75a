import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Many TCP connections at once to a relay on 127.0.0.1, opened without waiting for each (a
/// relay out of file descriptors leaves them in its listen queue), each sending `firstBytes`
/// once connected and then nothing: silent or slowloris clients by the hundred.
public final class ConnectionFlood: @unchecked Sendable {
    private var descriptors: [Int32] = []
    private let firstBytes: [UInt8]

    /// Opens `count` connections to `port` from `source` (a loopback address).
    public init(port: Int, count: Int, from source: String = "127.0.0.1", firstBytes: [UInt8] = []) {
        self.firstBytes = firstBytes
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard descriptor >= 0 else { break }
            _ = RawSocket.bind(descriptor, to: source)
            // EINPROGRESS: the handshake goes on while the next one starts.
            _ = RawSocket.connect(descriptor, port: port)
            descriptors.append(descriptor)
        }
        sendFirstBytes()
    }

    /// Sends `firstBytes` on every connection that has connected by now.
    public func sendFirstBytes() {
        guard !firstBytes.isEmpty else { return }
        for descriptor in descriptors {
            _ = firstBytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress!, firstBytes.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Connections the relay has not closed (nor refused): still connecting, or connected with
    /// nothing read back but data (an end of stream or reset counts as closed).
    public var open: Int {
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 4_096)
        for descriptor in descriptors {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else { count += 1; continue }
            let read = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read > 0 { count += 1 }
        }
        return count
    }

    public var count: Int { descriptors.count }

    public func close() {
        for descriptor in descriptors { Glibc.close(descriptor) }
        descriptors = []
    }

    deinit { close() }
}
