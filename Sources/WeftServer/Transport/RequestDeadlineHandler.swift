import NIOCore

/// First in every connection's pipeline (after TLS, when there is TLS), from the moment it is
/// accepted: the client has `timeout` to send a complete request (slowloris connections that
/// trickle a request, or connections that send nothing, hold a descriptor and memory each). It
/// also writes the answers no HTTP handler can: a refusal at accept time, and `400` for a request
/// the HTTP decoder could not parse (nothing in Hummingbird's upgrade pipeline answers those).
/// When the relay stops, a connection that has not sent its request yet is closed at once.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    private let timeout: Duration
    private let metrics: ConnectionMetrics
    /// Answered as soon as the connection is active, then closed.
    private var refusal: PlainAnswer?
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?
    /// A request arrived whole (its head), or the relay started answering.
    private var complete = false
    private var receivedAnything = false
    /// The relay wrote something on this connection (a response, a 101).
    private var wroteAnything = false
    private var answering = false

    init(timeout: Duration, metrics: ConnectionMetrics, refusal: PlainAnswer? = nil) {
        self.timeout = timeout
        self.metrics = metrics
        self.refusal = refusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        if let refusal {
            self.refusal = nil
            return answer(refusal)
        }
        guard deadline == nil, !complete else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
            guard !complete, !answering else { return }
            metrics.count(.requestTimeout)
            // A connection that sent nothing gets no answer (as HAProxy treats pre-connects).
            if receivedAnything { answer(.requestTimeout(timeout)) } else { self.context?.close(promise: nil) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receivedAnything = true
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The relay answers only complete requests: its first write ends the request phase
        // (for an upgrade, the 101 response; the WebSocket guard takes over from there).
        requestComplete()
        wroteAnything = true
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !complete { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request head arrived whole: the deadline no longer applies.
    func requestComplete() {
        complete = true
        deadline?.cancel()
        deadline = nil
    }

    /// The HTTP decoder could not parse what the client sent: `400` and close, unless a response
    /// was already written on this connection (a 400 could then cut into it): close only.
    func answerUnparsable() {
        if wroteAnything { context?.close(promise: nil) } else { answer(.badRequest()) }
    }

    /// Writes `answer` and closes the connection (at most a second later, if the client does
    /// not take the answer).
    func answer(_ answer: PlainAnswer) {
        guard let context, !answering else { return }
        answering = true
        requestComplete()
        let bytes = answer.bytes(allocator: context.channel.allocator)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }
}
