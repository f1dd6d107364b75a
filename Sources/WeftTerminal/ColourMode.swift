import WeftEditor

/// How many colours the terminal can show, and so how theme colours are turned into its own.
public enum ColourMode: Sendable, Equatable {
    /// No colours: `NO_COLOR` is set or the terminal has none; attributes only.
    case none
    /// Eight (TERM=xterm): too few for a theme's shades, so parts are told apart by attributes
    /// and keep only the theme's clear hues (see `eightColour`).
    case eight
    case sixteen
    case indexed256
    /// 24-bit colour (terminfo with the RGB capability, such as xterm-direct, or one made for
    /// `COLORTERM=truecolor`).
    case direct

    /// The mode for a terminal with `colours` colours (terminfo's count).
    static func forColours(_ colours: Int) -> ColourMode {
        colours >= 0x1000000 ? .direct : colours >= 256 ? .indexed256 : colours >= 16 ? .sixteen : colours >= 8 ? .eight : .none
    }

    /// The terminal colour number for `colour`; -1 is the terminal's default.
    func number(for colour: Colour) -> Int32 {
        switch (colour, self) {
        case (.terminalDefault, _), (_, .none): return -1
        case (.indexed(let index), .eight): return index < 16 ? Int32(index % 8) : Int32(Colour.nearest16(to: rgb(index)) % 8)
        case (.indexed(let index), .sixteen): return index < 16 ? Int32(index) : Int32(Colour.nearest16(to: rgb(index)))
        case (.indexed(let index), _): return Int32(index)
        case (.rgb(let value), .direct): return Int32(bitPattern: value)
        case (.rgb(let value), .indexed256): return Int32(Colour.nearest256(to: value))
        case (.rgb(let value), .sixteen): return Int32(Colour.nearest16(to: value))
        case (.rgb(let value), .eight): return Int32(Colour.nearest16(to: value) % 8)
        }
    }

    /// The standard colour (1–6: red, green, yellow, blue, magenta, cyan) whose hue `colour` has,
    /// when it is clearly coloured: greys, black and white have none (black or white may be the
    /// terminal's background, and a part drawn in them could vanish). By hue, not by distance:
    /// the nearest of eight to a soft rose is grey.
    func clearHue(_ colour: Colour) -> Int32? {
        let value: UInt32
        switch colour {
        case .terminalDefault: return nil
        case .indexed(let index) where index < 16: return (1...6).contains(index % 8) ? Int32(index % 8) : nil
        case .indexed(let index): value = rgb(index)
        case .rgb(let rgb): value = rgb
        }
        let (r, g, b) = (Double(value >> 16 & 0xFF), Double(value >> 8 & 0xFF), Double(value & 0xFF))
        let high = max(r, g, b), low = min(r, g, b)
        guard high >= 64, (high - low) / high >= 0.3 else { return nil }
        var hue = high == r ? (g - b) / (high - low) : high == g ? 2 + (b - r) / (high - low) : 4 + (r - g) / (high - low)
        hue = (hue * 60 + 360).truncatingRemainder(dividingBy: 360)
        // Sixty degrees around each: red 0, yellow 60, green 120, cyan 180, blue 240, magenta 300.
        let sectors: [Int32] = [1, 3, 2, 6, 4, 5]
        return sectors[Int((hue + 30) / 60) % 6]
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
        case .changedWhileAway, .inserted: TextStyle(bold: true, underline: true)
        case .deleted: TextStyle(reverse: true)
        case .error, .prompt, .control: TextStyle(bold: true)
        case .text, .message, .filler, .wrapMarker, .lineNumber: TextStyle()
        }
    }

    /// What `themed` becomes on eight colours: the attributes without colour, and the theme's
    /// foreground where it is a clear hue on the terminal's own background (a red error, a blue
    /// prompt). Grey bars and black-on-gold matches, mapped to eight, came out black on black.
    func eightColour(_ themed: TextStyle) -> TextStyle {
        var style = monochrome
        if themed.background == .terminalDefault, let hue = ColourMode.eight.clearHue(themed.foreground) { style.foreground = .indexed(UInt8(hue)) }
        return style
    }
}
