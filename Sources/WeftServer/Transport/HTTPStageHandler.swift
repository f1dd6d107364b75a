import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Sits right after the HTTP decoder and upgrade handler while a connection speaks HTTP. It sees
/// what the handler before it cannot: a request head arriving (the request deadline ends), a
/// request the decoder could not parse (answered `400` and closed, where it would otherwise hang
/// unanswered), and the upgrade completing, when it puts a `WebSocketGuard` behind the WebSocket
/// decoder (before any frame is read) and leaves.
final class HTTPStageHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let deadline: RequestDeadlineHandler
    private let makeGuard: () -> WebSocketGuard
    private let metrics: ConnectionMetrics

    init(deadline: RequestDeadlineHandler, metrics: ConnectionMetrics, makeGuard: @escaping () -> WebSocketGuard) {
        self.deadline = deadline
        self.metrics = metrics
        self.makeGuard = makeGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Requests that are not upgrades reach this handler (the upgrade handler passes them on
        // once it has seen they are not); upgrades end the deadline with their 101.
        deadline.requestComplete()
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        // The client closed in the middle of a request: it left, nothing to answer or count.
        guard error != .invalidEOFState else { return context.close(promise: nil) }
        metrics.count(.badRequest)
        deadline.answerUnparsable()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case HTTPServerUpgradeEvents.upgradeComplete = event else { return context.fireUserInboundEventTriggered(event) }
        // The WebSocket handlers are in place and no frame has been decoded yet: the upgrade
        // handler replays what it buffered only after this event.
        do {
            let pipeline = context.pipeline.syncOperations
            let errors = try pipeline.handler(type: WebSocketProtocolErrorHandler.self)
            try pipeline.addHandler(makeGuard(), position: .after(errors))
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
