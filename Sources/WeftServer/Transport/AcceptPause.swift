import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// On the listening channel: when accepting fails for want of file descriptors or memory
/// (EMFILE, ENFILE, ENOBUFS, ENOMEM), stops accepting for `pause`, then tries again, as nginx
/// does. swift-nio leaves the listening socket registered after such a failure and the kernel
/// reports it readable again at once, so without a pause the relay spins on accept(2), a whole
/// core, answering no one (its own `AcceptBackoffHandler` cannot help: the read it would delay is
/// already pending). Turning `autoRead` off takes the socket out of the poll set.
final class AcceptPause: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel

    private let pause: TimeAmount
    private let fileDescriptors: Int
    private let logger: Logger
    private var paused = false
    private var lastWarning: NIODeadline?

    init(pause: TimeAmount = .seconds(1), fileDescriptors: Int, logger: Logger) {
        self.pause = pause
        self.fileDescriptors = fileDescriptors
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode) {
            stopAccepting(context, because: error.errnoCode)
        }
        context.fireErrorCaught(error)
    }

    private func stopAccepting(_ context: ChannelHandlerContext, because code: Int32) {
        guard !paused, let options = context.channel.syncOptions else { return }
        paused = true
        if lastWarning.map({ .now() - $0 > .seconds(60) }) ?? true {
            lastWarning = .now()
            let what = code == EMFILE || code == ENFILE
                ? "the relay is out of file descriptors (its limit is \(fileDescriptors))"
                : "the system is short of memory for connections"
            logger.warning("\(what): not accepting connections for a moment; lower --max-connections or raise the limit (ulimit -n)")
        }
        try? options.setOption(ChannelOptions.autoRead, value: false)
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
            paused = false
            try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
    }
}
