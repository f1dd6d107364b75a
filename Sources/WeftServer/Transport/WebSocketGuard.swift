import NIOCore
import NIOWebSocket

/// Sits behind the WebSocket decoder of every relay WebSocket and enforces what neither
/// swift-nio's decoder nor WSCore does:
///
/// - RFC 6455 5.1: a client frame that is not masked fails the connection (1002).
/// - A message over `maxMessageBytes`, or in more than `maxFragments` fragments, fails it with
///   1009 as soon as the fragment that crosses the limit arrives (WSCore gathers a fragmented
///   message whole first, then ends the connection with 1000 instead of 1009).
/// - The first message (hello) must arrive within `helloTimeout` of the upgrade (1008).
/// - Pings: one every `pingInterval`, answered by a pong with its payload. A connection that
///   answers none for three intervals, while taking none of the data waiting for it, is closed:
///   WSCore's own pings wait behind data a client does not read, so they never catch such a
///   client. Nothing is written after a close frame, and a close handshake the client does not
///   finish within two intervals ends with the connection closed.
/// - When the relay stops (`ChannelShouldQuiesceEvent`) it reads no new messages: a connection
///   still waiting for its hello closes with 1012 at once, the others are closed by the relay
///   once their in-flight batches are committed and acknowledged.
final class WebSocketGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    struct Limits: Sendable {
        var helloTimeout: Duration
        var pingInterval: Duration
        var maxMessageBytes: Int
        /// Fragments per message: a message cut into tiny fragments costs far more memory to
        /// gather than its bytes (swift-nio's frame aggregator bounds the same thing).
        var maxFragments = 4_096
    }

    /// Fails the connection from outside its event loop (the relay's outbox when a client falls
    /// too far behind): fired into the pipeline as a user event.
    struct Disconnect: Sendable {
        let code: WebSocketErrorCode
        let reason: String
        let closure: ConnectionMetrics.Closure
    }

    /// Close code 1012 (Service Restart, IANA's WebSocket close code registry): the relay is
    /// stopping; a client connects again, to this relay once it is back or to another one.
    static let restarting = WebSocketErrorCode(codeNumber: 1012)

    private let limits: Limits
    private let metrics: ConnectionMetrics
    private var context: ChannelHandlerContext?
    private var helloDeadline: Scheduled<Void>?
    private var pinger: Scheduled<Void>?
    private var heardHello = false
    /// The fragmented message being received: its bytes and fragments so far.
    private var message: (bytes: Int, fragments: Int)?
    /// The payload of the ping not answered yet.
    private var ping: ByteBuffer?
    private var missedIntervals = 0
    /// The socket took data since the last interval (it was full and became writable again):
    /// the client is reading, and the ping may just be waiting behind that data.
    private var drained = false
    /// A close frame went out: nothing may follow it.
    private var sentClose = false
    private var intervalsSinceClose = 0
    private var failed = false
    private var stopping = false

    init(limits: Limits, metrics: ConnectionMetrics) {
        self.limits = limits
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop.assumeIsolated()
        helloDeadline = loop.scheduleTask(in: TimeAmount(limits.helloTimeout)) { [self] in
            fail(.policyViolation, "no hello within \(limits.helloTimeout.wholeSeconds) seconds of the upgrade", counted: .helloTimeout)
        }
        scheduleInterval()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    private func stopTimers() {
        helloDeadline?.cancel()
        helloDeadline = nil
        pinger?.cancel()
        pinger = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else {
            return fail(.protocolError, "client frames must be masked (RFC 6455, section 5.1)", counted: .protocolError)
        }
        switch frame.opcode {
        case .pong:
            if let ping, frame.unmaskedData == ping {
                self.ping = nil
                missedIntervals = 0
            }
            return
        case .binary, .text:
            message = frame.fin ? nil : (frame.length, 1)
            if frame.fin { heard() }
        case .continuation:
            // A continuation with no message started is WSCore's to refuse (1002).
            if var started = message {
                started.bytes += frame.length
                started.fragments += 1
                guard started.bytes <= limits.maxMessageBytes else {
                    return fail(.messageTooLarge, "messages are at most \(limits.maxMessageBytes) bytes", counted: .tooLarge)
                }
                guard started.fragments <= limits.maxFragments else {
                    return fail(.messageTooLarge, "messages are at most \(limits.maxFragments) fragments", counted: .tooLarge)
                }
                message = frame.fin ? nil : started
                if frame.fin { heard() }
            }
        default:
            break
        }
        // Stopping: the relay takes no new batches (the client sends them again when it reconnects).
        if stopping, frame.opcode == .binary || frame.opcode == .text || frame.opcode == .continuation { return }
        context.fireChannelRead(data)
    }

    private func heard() {
        guard !heardHello else { return }
        heardHello = true
        helloDeadline?.cancel()
        helloDeadline = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !sentClose else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        if unwrapOutboundIn(data).opcode == .connectionClose { sentClose = true }
        context.write(data, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drained = true }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let disconnect = event as? Disconnect {
            return fail(disconnect.code, disconnect.reason, counted: disconnect.closure)
        }
        if event is ChannelShouldQuiesceEvent {
            stopping = true
            if !heardHello { fail(Self.restarting, "the relay is stopping; connect again", counted: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func scheduleInterval() {
        pinger = context?.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.pingInterval)) { [self] in
            intervalPassed()
        }
    }

    private func intervalPassed() {
        guard let context else { return }
        defer { if !failed, context.channel.isActive { scheduleInterval() } }
        if sentClose {
            intervalsSinceClose += 1
            if intervalsSinceClose >= 2 { context.close(promise: nil) }
            return
        }
        if ping != nil {
            missedIntervals = drained ? 0 : missedIntervals + 1
            drained = false
            // Three, not one: a client busy applying a large snapshot reads nothing for a while.
            if missedIntervals >= 3 {
                fail(.goingAway, "no answer to pings", counted: .pingTimeout)
                // It reads nothing: waiting for the close frame to be taken would wait forever.
                context.close(promise: nil)
            }
            return
        }
        drained = false
        var payload = context.channel.allocator.buffer(capacity: 8)
        payload.writeInteger(UInt64.random(in: .min ... .max))
        ping = payload
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: payload)), promise: nil)
    }

    /// Fails the connection: a close frame with `code` (when none went out yet), then the
    /// connection closed once it is written, or after a second at most.
    private func fail(_ code: WebSocketErrorCode, _ reason: String, counted closure: ConnectionMetrics.Closure?) {
        guard !failed, let context else { return }
        failed = true
        if let closure { metrics.count(closure) }
        stopTimers()
        let channel = context.channel
        if !sentClose {
            sentClose = true
            var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
            data.write(webSocketErrorCode: code)
            // A close frame's payload is at most 125 bytes: the code, then at most 123 of reason.
            data.writeString(String(decoding: reason.utf8.prefix(123), as: UTF8.self))
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
                .whenComplete { _ in channel.close(promise: nil) }
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }
}
