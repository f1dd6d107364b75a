import Foundation

/// WebSocket by hand over a `RawSocket`, for tests that break RFC 6455 on purpose (unmasked
/// frames, oversized fragmented messages) or behave as no library would (never reading, never
/// answering pings).
public final class RawWebSocket: @unchecked Sendable {
    public let socket: RawSocket
    /// Bytes received and not yet parsed into frames.
    private var pending: [UInt8] = []

    /// A frame as the relay sent it (relay frames are never masked).
    public struct Frame: Equatable, Sendable {
        public var fin: Bool
        public var opcode: UInt8
        public var payload: [UInt8]

        /// The status code of a close frame.
        public var closeCode: UInt16? {
            guard opcode == 0x8, payload.count >= 2 else { return nil }
            return UInt16(payload[0]) << 8 | UInt16(payload[1])
        }
    }

    /// The HTTP request that asks to upgrade `/path` to a WebSocket.
    public static func upgradeRequest(path: String) -> String {
        "GET /\(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// Connects and upgrades; throws unless the relay answers 101.
    public init(port: Int, path: String, from source: String? = nil, receiveBuffer: Int? = nil) throws {
        socket = try RawSocket(port: port, from: source, receiveBuffer: receiveBuffer)
        socket.send(Self.upgradeRequest(path: path))
        var response: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let end = response.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
                guard head.hasPrefix("HTTP/1.1 101") else { throw HarnessError("no upgrade: \(head)") }
                pending = Array(response[end.upperBound...])
                return
            }
            switch socket.receive(timeout: .milliseconds(200)) {
            case .bytes(let bytes): response += bytes
            case .closed: throw HarnessError("the relay closed the connection during the upgrade")
            case .timedOut: continue
            }
        }
        throw HarnessError("no answer to the upgrade request")
    }

    /// One frame's bytes. Clients must mask (RFC 6455 5.1); `masked: false` breaks that rule.
    public static func frame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65_536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        bytes += key
        bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        return bytes
    }

    /// Sends one binary message; false once the relay has closed the connection.
    @discardableResult
    public func sendBinary(_ payload: [UInt8], masked: Bool = true) -> Bool {
        socket.send(Self.frame(opcode: 0x2, payload: payload, masked: masked))
    }

    /// Sends `payload` as one binary message cut into fragments of `fragment` bytes.
    @discardableResult
    public func sendFragmented(_ payload: [UInt8], fragment: Int) -> Bool {
        var offset = 0
        while offset < payload.count {
            let end = min(offset + fragment, payload.count)
            let opcode: UInt8 = offset == 0 ? 0x2 : 0x0
            guard socket.send(Self.frame(opcode: opcode, payload: Array(payload[offset..<end]), fin: end == payload.count)) else { return false }
            offset = end
        }
        return true
    }

    /// The next frame within `timeout`; nil when none came or the connection closed first.
    /// Pings are answered when `answerPings`, and skipped either way.
    public func nextFrame(timeout: Duration, answerPings: Bool = true) -> Frame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let frame = parse() {
                if frame.opcode == 0x9 {
                    if answerPings { socket.send(Self.frame(opcode: 0xA, payload: frame.payload)) }
                    continue
                }
                return frame
            }
            guard ContinuousClock.now < deadline else { return nil }
            switch socket.receive(timeout: min(deadline - .now, .milliseconds(200))) {
            case .bytes(let bytes): pending += bytes
            case .closed: return nil
            case .timedOut: continue
            }
        }
    }

    /// Reads frames until a close frame; its code, or nil if none came within `timeout`.
    public func closeCode(within timeout: Duration) -> UInt16? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, let frame = nextFrame(timeout: deadline - .now) {
            if frame.opcode == 0x8 { return frame.closeCode }
        }
        return nil
    }

    private func parse() -> Frame? {
        guard pending.count >= 2 else { return nil }
        var length = Int(pending[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard pending.count >= 4 else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            offset = 4
        } else if length == 127 {
            guard pending.count >= 10 else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard pending.count >= offset + length else { return nil }
        let frame = Frame(fin: pending[0] & 0x80 != 0, opcode: pending[0] & 0x0F, payload: Array(pending[offset..<(offset + length)]))
        pending.removeFirst(offset + length)
        return frame
    }
}
