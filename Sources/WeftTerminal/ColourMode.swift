import WeftEditor

/// How many colours the terminal can show, and so how theme colours are turned into its own.
public enum ColourMode: Sendable, Equatable {
    /// No colours: `NO_COLOR` is set or the terminal has none; attributes only.
    case none
    case sixteen
    case indexed256
    /// 24-bit colour (terminfo with the RGB capability, such as xterm-direct).
    case direct

    /// The terminal colour number for `colour`; -1 is the terminal's default.
    func number(for colour: Colour) -> Int32 {
        switch (colour, self) {
        case (.terminalDefault, _), (_, .none): return -1
        case (.indexed(let index), .sixteen): return index < 16 ? Int32(index) : Int32(Colour.nearest16(to: rgb(index)))
        case (.indexed(let index), _): return Int32(index)
        case (.rgb(let value), .direct): return Int32(bitPattern: value)
        case (.rgb(let value), .indexed256): return Int32(Colour.nearest256(to: value))
        case (.rgb(let value), .sixteen): return Int32(Colour.nearest16(to: value))
        }
    }

    private func rgb(_ index: UInt8) -> UInt32 {
        let (r, g, b) = Colour.rgb(ofIndex: index)
        return UInt32(r << 16 | g << 8 | b)
    }
}

/// What a style becomes without colours: attributes that still tell the parts apart.
extension StyleRole {
    var monochrome: TextStyle {
        switch self {
        case .status, .selection, .statusMode: TextStyle(reverse: true)
        case .statusOffline, .searchCurrent, .banner: TextStyle(bold: true, reverse: true)
        case .searchMatch: TextStyle(underline: true)
        case .error, .prompt, .control: TextStyle(bold: true)
        case .text, .message, .filler, .wrapMarker, .lineNumber: TextStyle()
        }
    }
}
