import WeftCRDT

/// What vim's grammar keeps between keys: the command being typed, registers, marks, macros,
/// the last change (for `.`) and the last `f`/`t` (for `;`).
struct VimState: Sendable {
    var grammar = VimGrammar()
    /// The keys of the command being typed, for `.` to replay.
    var keys: [Key] = []
    var registers = VimRegisters()
    /// Marks `a`–`z` (and `'` for the place before the last jump), tied to characters.
    var marks: [Character: Anchor] = [:]
    var lastFind: (character: Unicode.Scalar, forward: Bool, till: Bool)?
    /// The last change, by its keys without the count typed before it, and that count.
    var lastChange: (keys: [Key], count: Int?)?
    /// A change whose insert is still being typed: it becomes `lastChange` when the insert ends.
    var changeBeingTyped: (keys: [Key], count: Int?)?
    /// An insert started with a count (`3ia<Esc>`): the keys typed, to type `times` more on Esc.
    var insertRepeat: (times: Int, keys: [Key], openingLines: Bool)?
    /// The register a macro is being recorded into, and its keys so far.
    var recording: (register: Character, keys: [Key])?
    var macros: [Character: [Key]] = [:]
    var lastMacro: Character?
    /// `.` is replaying a change: its keys are not recorded as a new one.
    var replayingChange = false
    /// Macros being played, nested (`@a` inside `@b`): bounded, so a macro calling itself ends.
    var macroDepth = 0
    /// Visual mode selects whole lines (`V`).
    var visualLinewise = false
    /// Visual mode selects a block: the same columns of several lines (Ctrl-V).
    var visualBlock = false
    /// An insert begun on a block (`I`, `A`, `c`): when it ends, what was typed on the first
    /// line goes into the others too, at `column` (scalars from the line start).
    var blockInsert: BlockInsert?
    /// The selection visual mode had when it last ended, for `gv`: where it started, the
    /// cursor, and whether it took whole lines.
    var lastVisual: (start: Anchor, cursor: Anchor, linewise: Bool, block: Bool)?
    /// Typed characters replace those under the cursor (`R`).
    var overwriting = false

    static let maxMacroDepth = 20
}

/// An insert on a block's first line, to be made on its other lines when it ends.
struct BlockInsert: Sendable {
    /// Where the typed text begins (after the character before it).
    var start: Anchor
    /// The block's other lines, by the anchor of their first character.
    var lines: [Anchor]
    var column: Int
    /// `A`: lines shorter than the column are filled with spaces up to it.
    var pad: Bool
    /// `A` on a block reaching to each line's end (`$`): typed at the end of every line.
    var atLineEnds = false
}
