/// Less's `-R`: ANSI colour sequences (SGR, `ESC [ … m`) are taken out of the text as it
/// arrives and kept as styles over the plain text that remains. Every other escape sequence
/// stays in the text, where it shows as `^[…` (nothing but colour reaches the terminal).
struct AnsiColours: Sendable, Equatable {
    /// Where each style starts, in scalars of the plain text, in order; nil is the plain text.
    private(set) var runs: [Run] = []
    private var current: TextStyle?
    /// The start of a sequence cut off at the end of the last piece, kept for the next.
    private var held = ""
    /// Scalars of plain text so far.
    private var length = 0

    struct Run: Sendable, Equatable {
        var start: Int
        var style: TextStyle?
    }

    /// The longest sequence held back waiting for its end: longer ones are not colour.
    static let maxSequence = 64

    /// The text of `piece` without its colour sequences, noting the styles they set.
    mutating func strip(_ piece: String) -> String {
        var input = Array((held + piece).unicodeScalars)[...]
        held = ""
        var output = String.UnicodeScalarView()
        while let scalar = input.first {
            guard scalar == "\u{1B}" else {
                output.append(scalar)
                input.removeFirst()
                continue
            }
            // ESC [ parameters (digits ; :) final byte.
            var index = input.startIndex + 1
            guard index < input.endIndex else { held = String(String.UnicodeScalarView(input)); break }
            guard input[index] == "[" else {
                output.append(scalar)
                input.removeFirst()
                continue
            }
            index += 1
            while index < input.endIndex, index - input.startIndex < Self.maxSequence,
                  input[index].properties.numericType != nil || input[index] == ";" || input[index] == ":" {
                index += 1
            }
            guard index < input.endIndex else {
                if index - input.startIndex < Self.maxSequence { held = String(String.UnicodeScalarView(input)) } else { output.append(contentsOf: input) }
                break
            }
            if input[index] == "m" {
                let parameters = String(String.UnicodeScalarView(input[(input.startIndex + 2)..<index]))
                apply(parameters, at: length + output.count)
                input = input[(index + 1)...]
            } else {
                output.append(scalar)
                input.removeFirst()
            }
        }
        length += output.count
        return String(output)
    }

    /// The style of the plain text's scalar `position`, nil for plain.
    func style(at position: Int) -> TextStyle? {
        var low = 0, high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].start <= position { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? runs[low - 1].style : nil
    }

    /// Applies SGR parameters: reset, bold, underline, reverse, the 16 colours, 256 colours and RGB.
    private mutating func apply(_ parameters: String, at position: Int) {
        var style = current ?? TextStyle()
        var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }[...]
        if codes.isEmpty { codes = [0] }
        while let code = codes.popFirst() {
            switch code {
            case 0: style = TextStyle()
            case 1: style.bold = true
            case 22: style.bold = false
            case 4: style.underline = true
            case 24: style.underline = false
            case 7: style.reverse = true
            case 27: style.reverse = false
            case 30...37: style.foreground = .indexed(UInt8(code - 30))
            case 90...97: style.foreground = .indexed(UInt8(code - 90 + 8))
            case 39: style.foreground = .terminalDefault
            case 40...47: style.background = .indexed(UInt8(code - 40))
            case 100...107: style.background = .indexed(UInt8(code - 100 + 8))
            case 49: style.background = .terminalDefault
            case 38, 48:
                var colour: Colour?
                if codes.first == 5, codes.count >= 2 {
                    codes.removeFirst()
                    colour = .indexed(UInt8(clamping: codes.removeFirst()))
                } else if codes.first == 2, codes.count >= 4 {
                    codes.removeFirst()
                    let (r, g, b) = (codes.removeFirst(), codes.removeFirst(), codes.removeFirst())
                    colour = .rgb(UInt32(clamping: min(255, max(0, r))) << 16 | UInt32(clamping: min(255, max(0, g))) << 8 | UInt32(clamping: min(255, max(0, b))))
                }
                if let colour { if code == 38 { style.foreground = colour } else { style.background = colour } }
            default:
                break  // blinking, italics and the rest: not shown
            }
        }
        let next: TextStyle? = style == TextStyle() ? nil : style
        guard next != current else { return }
        current = next
        if let last = runs.last, last.start == position { runs.removeLast() }
        if runs.last?.style != next || runs.isEmpty { runs.append(Run(start: position, style: next)) }
    }
}
