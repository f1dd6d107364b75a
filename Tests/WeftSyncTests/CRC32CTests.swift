import Testing
@testable import WeftSync
import WeftTestSupport

/// The queue and cache checksum: files written by any version must keep verifying.
@Suite struct CRC32CTests {
    /// The check value from the CRC catalogue and RFC 3720's examples (iSCSI uses CRC-32C).
    @Test func knownValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(Array(repeating: UInt8(0), count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(Array(repeating: UInt8(0xFF), count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Eight bytes at a time must agree with the bit-by-bit definition at every length and
    /// alignment, and for slices and non-contiguous sequences too.
    @Test func agreesWithTheBitwiseDefinition() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        let seed: UInt64 = 32
        var random = SeededGenerator(seed: seed)
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                let piece = Array(bytes[start..<end])
                #expect(CRC32C.checksum(bytes[start..<end]) == bitwise(piece), "seed \(seed) bytes \(start)..<\(end)")
                #expect(CRC32C.checksum(piece.lazy.map { $0 }) == bitwise(piece), "seed \(seed) lazy \(start)..<\(end)")
            }
        }
    }
}
