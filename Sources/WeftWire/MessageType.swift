/// The first byte of every message.
enum MessageType {
    static let hello: UInt8 = 0x01
    static let batch: UInt8 = 0x02
    static let presence: UInt8 = 0x03
    static let restore: UInt8 = 0x04

    static let welcome: UInt8 = 0x81
    static let snapshot: UInt8 = 0x82
    static let broadcast: UInt8 = 0x83
    static let caughtUp: UInt8 = 0x84
    static let ack: UInt8 = 0x85
    static let presenceUpdate: UInt8 = 0x86
    static let presenceGone: UInt8 = 0x87
    static let error: UInt8 = 0x88
    static let receipt: UInt8 = 0x89
    static let bundle: UInt8 = 0x8A
}
