/// A colour as themes name it.
public enum Colour: Hashable, Sendable {
    /// Whatever the terminal's own foreground or background is.
    case terminalDefault
    /// One of the terminal's 256 indexed colours (0–15 are the user's 16-colour palette).
    case indexed(UInt8)
    /// 0xRRGGBB.
    case rgb(UInt32)

    /// The sixteen standard names, in index order.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                               "bright-black", "bright-red", "bright-green", "bright-yellow",
                               "bright-blue", "bright-magenta", "bright-cyan", "bright-white"]

    /// Parses `"default"`, `"#rrggbb"`, a standard name (`"bright-blue"`) or an index `"0"`…`"255"`.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "default" || lower == "none" { self = .terminalDefault; return }
        if lower.hasPrefix("#"), lower.count == 7, let value = UInt32(lower.dropFirst(), radix: 16) { self = .rgb(value); return }
        if let index = Self.names.firstIndex(of: lower) { self = .indexed(UInt8(index)); return }
        if let index = UInt8(lower) { self = .indexed(index); return }
        return nil
    }

    /// The nearest of the xterm 256 colours (16–255, whose values are fixed; 0–15 are the user's).
    public static func nearest256(to rgb: UInt32) -> UInt8 {
        let (r, g, b) = (Int(rgb >> 16 & 0xFF), Int(rgb >> 8 & 0xFF), Int(rgb & 0xFF))
        let levels = [0, 95, 135, 175, 215, 255]
        func level(_ value: Int) -> Int { levels.indices.min { abs(levels[$0] - value) < abs(levels[$1] - value) }! }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cube = 16 + 36 * lr + 6 * lg + lb
        let cubeDistance = distance((r, g, b), (levels[lr], levels[lg], levels[lb]))
        let grey = max(0, min(23, ((r + g + b) / 3 - 8 + 5) / 10))
        let greyValue = 8 + 10 * grey
        let greyDistance = distance((r, g, b), (greyValue, greyValue, greyValue))
        return UInt8(greyDistance < cubeDistance ? 232 + grey : cube)
    }

    /// The nearest of the 16 standard colours, by their usual xterm values.
    public static func nearest16(to rgb: UInt32) -> UInt8 {
        let (r, g, b) = (Int(rgb >> 16 & 0xFF), Int(rgb >> 8 & 0xFF), Int(rgb & 0xFF))
        return UInt8(standard16.indices.min { distance((r, g, b), standard16[$0]) < distance((r, g, b), standard16[$1]) }!)
    }

    /// The RGB value of an indexed colour (the usual xterm values for 0–15).
    public static func rgb(ofIndex index: UInt8) -> (Int, Int, Int) {
        switch index {
        case 0..<16: return standard16[Int(index)]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = Int(index) - 16
            return (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        default:
            let value = 8 + 10 * (Int(index) - 232)
            return (value, value, value)
        }
    }

    private static let standard16: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        // Weighted for the eye's sensitivity (green most, blue least).
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}
