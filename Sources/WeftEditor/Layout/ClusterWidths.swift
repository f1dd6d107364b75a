/// How a terminal lays out a grapheme cluster whose later scalars take columns of their own: an
/// emoji with a skin tone (👍🏽), a flag (🇯🇵, two regional indicators), a family joined by zero-width
/// joiners (👨‍👩‍👧), a narrow symbol made emoji by VS16 (❤️). Newer terminals draw each as one glyph of
/// two columns; others (xterm, tmux 3.3) draw some scalar by scalar. The layout must take the
/// columns the terminal takes, or everything after the cluster on its row is drawn out of place,
/// so the terminal layer measures its terminal at start-up.
public struct ClusterWidths: Sendable, Equatable {
    /// An emoji modifier (U+1F3FB–U+1F3FF) joins the emoji before it.
    public var joinsSkinTones: Bool
    /// Two regional indicators make one flag of two columns.
    public var joinsFlags: Bool
    /// A zero-width joiner joins the scalar after it to the one before.
    public var joinsZeroWidthJoiners: Bool
    /// VS16 (U+FE0F) widens a one-column symbol to two.
    public var widensVariationSelector16: Bool

    public init(joinsSkinTones: Bool, joinsFlags: Bool, joinsZeroWidthJoiners: Bool, widensVariationSelector16: Bool) {
        self.joinsSkinTones = joinsSkinTones
        self.joinsFlags = joinsFlags
        self.joinsZeroWidthJoiners = joinsZeroWidthJoiners
        self.widensVariationSelector16 = widensVariationSelector16
    }

    /// As Unicode means it (UTS #51), and as newer terminals draw it.
    public static let unicode = ClusterWidths(joinsSkinTones: true, joinsFlags: true, joinsZeroWidthJoiners: true, widensVariationSelector16: true)

    /// Every scalar with its own width, as xterm draws.
    public static let scalarByScalar = ClusterWidths(joinsSkinTones: false, joinsFlags: false, joinsZeroWidthJoiners: false, widensVariationSelector16: false)

    /// Columns `scalars` (one grapheme cluster) take: each part's first scalar's width, a part
    /// being what this terminal draws as one glyph.
    public func columns(of scalars: some Sequence<Unicode.Scalar>, scalarWidth: ColumnWidth) -> Int {
        var total = 0
        var part = 0
        var afterJoiner = false
        var flagOpen = false
        for (index, scalar) in scalars.enumerated() {
            let width = max(0, scalarWidth(scalar))
            if index == 0 {
                (total, part, flagOpen) = (width, width, Self.isRegionalIndicator(scalar))
                continue
            }
            switch scalar.value {
            case 0x200D:
                afterJoiner = true
                continue
            case 0xFE0F:
                if widensVariationSelector16, part == 1 { (total, part) = (total + 1, 2) }
                continue
            default:
                break
            }
            defer { afterJoiner = false }
            if width == 0 { continue }
            if afterJoiner, joinsZeroWidthJoiners { continue }
            if joinsSkinTones, (0x1F3FB...0x1F3FF).contains(scalar.value) { continue }
            if flagOpen, Self.isRegionalIndicator(scalar) {
                flagOpen = false
                if joinsFlags {
                    (total, part) = (total - part + 2, 2)
                    continue
                }
            } else {
                flagOpen = Self.isRegionalIndicator(scalar)
            }
            (total, part) = (total + width, width)
        }
        return total
    }

    private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(scalar.value) }
}

/// Columns text takes on one terminal: each scalar's width (its C library's `wcwidth`, or the
/// pure table) and how it joins grapheme clusters.
public struct TextWidths: Sendable {
    public var scalar: ColumnWidth
    public var clusters: ClusterWidths

    public init(scalar: @escaping ColumnWidth = ColumnWidths.unicode, clusters: ClusterWidths = .unicode) {
        self.scalar = scalar
        self.clusters = clusters
    }

    /// One scalar's columns (-1 for controls, which are drawn as `^X`).
    func callAsFunction(_ scalar: Unicode.Scalar) -> Int { self.scalar(scalar) }

    /// Columns a grapheme cluster takes.
    public func columns(of character: Character) -> Int {
        clusters.columns(of: character.unicodeScalars, scalarWidth: scalar)
    }
}
