/// One complete vim command, as the grammar parsed it from keys: `"a3dw` is register `a`,
/// count 3, operator `delete`, motion `word-next`.
struct VimAction: Equatable, Sendable {
    /// What the command does.
    enum Kind: Equatable, Sendable {
        /// Move the cursor (`3w`, `fx`).
        case move(VimMotion)
        /// Apply an operator (`d`, `c`, `y`, `>`, `<`, `gu`, `gU`, `g~`) to a target.
        case operate(EditorCommand, VimTarget)
        /// Any other command, with its character argument (`rx`, `ma`, `qa`, `@a`) if it takes one.
        case command(EditorCommand, Character?)
    }

    var kind: Kind
    /// The count typed, before the operator times after it (`2d3w` is 6); nil when none was.
    var count: Int?
    /// The register named with `"` (`"a`, `"+`), if any.
    var register: Character?
}

/// A motion and its character argument (`f` `t` `F` `T` and marks take one).
struct VimMotion: Equatable, Sendable {
    var command: EditorCommand
    var character: Character?
}

/// What an operator applies to.
enum VimTarget: Equatable, Sendable {
    /// The operator doubled (`dd`, `>>`, `gUU`): `count` whole lines.
    case lines
    /// From the cursor to where a motion goes.
    case motion(VimMotion)
    /// A text object: `iw` is `object("w", around: false)`.
    case object(Character, around: Bool)
    /// The visual selection.
    case selection
}
