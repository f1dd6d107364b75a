import WeftEditor

/// Measures how the terminal lays out grapheme clusters: it draws one sample of each kind at the
/// start of a row and asks where the cursor went (DSR 6, answered `ESC [ row ; column R`), then
/// asks for the terminal's attributes (DA1, answered `ESC [ ? … c`), which every terminal answers
/// after the positions: once that answer is in, nothing more is coming.
struct ClusterProbe {
    /// One sample per kind of cluster, and the setting its width decides (two columns: joined).
    static let samples: [(text: String, setting: WritableKeyPath<ClusterWidths, Bool> & Sendable)] = [
        ("\u{1F44D}\u{1F3FD}", \.joinsSkinTones),
        ("\u{1F1EF}\u{1F1F5}", \.joinsFlags),
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", \.joinsZeroWidthJoiners),
        ("\u{2764}\u{FE0F}", \.widensVariationSelector16),
    ]

    /// The bytes that ask: each sample at the start of `row` (from 1) and a position request, the
    /// attributes request, then the row cleared again.
    static func request(row: Int) -> [UInt8] {
        var text = ""
        for sample in samples { text += "\u{1B}[\(row);1H\(sample.text)\u{1B}[6n" }
        text += "\u{1B}[c\u{1B}[\(row);1H\u{1B}[2K"
        return Array(text.utf8)
    }

    /// What came back so far.
    struct Replies: Equatable {
        /// Columns the cursor reached (from 1), in the order asked.
        var columns: [Int] = []
        /// The attributes answer came: every position answer that will come has come.
        var finished = false
        /// Bytes that were not answers (keys typed meanwhile), in order.
        var other: [UInt8] = []
        /// The start of an answer cut off at the end of what was read.
        var unfinished: [UInt8] = []

        /// Takes more bytes read from the terminal.
        mutating func feed(_ bytes: some Sequence<UInt8>) {
            let input = unfinished + bytes
            unfinished = []
            var index = 0
            while index < input.count {
                guard input[index] == 0x1B else {
                    other.append(input[index])
                    index += 1
                    continue
                }
                guard index + 1 < input.count else { unfinished = [0x1B]; return }
                guard input[index + 1] == 0x5B else {
                    other.append(input[index])
                    index += 1
                    continue
                }
                var end = index + 2
                while end < input.count, !(0x40...0x7E).contains(input[end]) { end += 1 }
                guard end < input.count else { unfinished = Array(input[index...]); return }
                let parameters = String(decoding: input[(index + 2)..<end], as: UTF8.self)
                switch input[end] {
                case 0x52 where parameters.split(separator: ";").count == 2 && parameters.split(separator: ";").allSatisfy({ Int($0) != nil }):
                    columns.append(Int(parameters.split(separator: ";")[1])!)
                case 0x63 where parameters.hasPrefix("?"):
                    finished = true
                default:
                    other += input[index...end]
                }
                index = end + 1
            }
        }

        /// Everything that was not an answer, the cut-off end included (for the key decoder).
        var keys: [UInt8] { other + unfinished }

        /// The layout the answers show; `nil` when some are missing (the terminal cannot say).
        var widths: ClusterWidths? {
            guard columns.count == ClusterProbe.samples.count else { return nil }
            var widths = ClusterWidths.scalarByScalar
            for (sample, column) in zip(ClusterProbe.samples, columns) { widths[keyPath: sample.setting] = column - 1 == 2 }
            return widths
        }
    }
}
