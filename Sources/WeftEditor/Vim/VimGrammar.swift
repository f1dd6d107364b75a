/// Vim's normal-mode grammar, as a pure parser: `["x] [count] operator [count] (motion | text
/// object | operator again)`, or `["x] [count] command [character]`. The editor turns keys into
/// inputs (the keymap names the command a key is bound to; a key after `f`, `r`, `m`, `"`…
/// is that command's character) and runs each action the parser completes.
struct VimGrammar: Equatable, Sendable {
    /// What the parser is fed.
    enum Input: Equatable, Sendable {
        /// A digit of a count.
        case digit(Int)
        /// The command the keys are bound to, and the keys (a doubled operator is told by them).
        case command(EditorCommand, keys: [Key])
        /// The character a command waits for.
        case character(Character)
    }

    /// What a fed input makes.
    enum Result: Equatable, Sendable {
        /// The command goes on: feed the next key.
        case pending
        case action(VimAction)
        /// The keys make no command; the words say why.
        case invalid(String)
    }

    /// What the next key is read as.
    enum Awaiting: Equatable, Sendable {
        case nothing
        /// A register's name, after `"`.
        case register
        /// The character argument of this command (`f`, `t`, `r`, `m`, `q`, `@`…).
        case argument(EditorCommand)
        /// A text object's kind, after `i` or `a` (`w`, `p`, `"`, `(`…).
        case object(around: Bool)
    }

    private(set) var awaiting = Awaiting.nothing
    private(set) var register: Character?
    private var countBefore: Int?
    private var countAfter: Int?
    private(set) var pendingOperator: EditorCommand?
    /// The keys of the operator waiting (`g U`): its last key again means whole lines (`gUU`).
    private(set) var operatorKeys: [Key] = []
    /// In visual mode an operator applies to the selection at once, and `i`/`a` are not objects.
    var visual = false

    /// Whether nothing has been typed towards a command.
    var isIdle: Bool { awaiting == .nothing && register == nil && countBefore == nil && countAfter == nil && pendingOperator == nil }

    /// Whether the next key is taken as a plain character, not looked up in the keymap.
    var wantsCharacter: Bool { awaiting != .nothing }

    /// Whether a count has begun where the next digit would go (so `0` adds to it).
    var countStarted: Bool { pendingOperator == nil ? countBefore != nil : countAfter != nil }

    /// The largest count typed: a line number (`150000G`) or a number of lines (`20000j`) of
    /// any document fits.
    static let maxCount = 999_999_999
    /// The largest count of anything else (`99999p`, `99999@a`, `99999w`): more is surely a
    /// slip, and each repeat is a full command or step.
    static let maxRepeats = 9_999
    /// Motions whose count is a line number or a number of lines, used as a number, not repeated.
    static let lineMotions: Set<EditorCommand> = [.documentStart, .documentEnd, .cursorUp, .cursorDown]

    mutating func reset() { self = VimGrammar(visual: visual) }

    private init(visual: Bool) { self.visual = visual }
    init() {}

    mutating func feed(_ input: Input) -> Result {
        switch (awaiting, input) {
        case (.register, .character(let name)):
            guard VimGrammar.isRegisterName(name) else { return fail("\"\(name) is not a register (use a–z, A–Z to add, 0–9, \", -, _, + or *)") }
            register = name
            awaiting = .nothing
            return .pending
        case (.argument(let command), .character(let character)):
            awaiting = .nothing
            if command.isVimMotion { return finish(motion: VimMotion(command: command, character: character)) }
            return complete(.command(command, character))
        case (.object(let around), .character(let kind)):
            awaiting = .nothing
            guard VimGrammar.objectKinds.contains(kind) else {
                return fail("\(around ? "a" : "i")\(kind) is not a text object (w W s p \" ' ` ( ) b [ ] { } B < > t)")
            }
            return complete(.operate(pendingOperator ?? .operatorYank, .object(kind, around: around)))
        case (_, .character):
            return fail("a character came with nothing waiting for one")
        case (.nothing, .digit(let digit)):
            if pendingOperator == nil {
                countBefore = min((countBefore ?? 0) * 10 + digit, Self.maxCount)
            } else {
                countAfter = min((countAfter ?? 0) * 10 + digit, Self.maxCount)
            }
            return .pending
        case (.nothing, .command(let command, let keys)):
            return feed(command, keys: keys)
        default:
            return fail("unexpected input")
        }
    }

    private mutating func feed(_ command: EditorCommand, keys: [Key]) -> Result {
        if let pending = pendingOperator {
            // `dd`, `>>`, and `gUU` / `gUgU`: the operator again, or its last key, means lines.
            if command == pending || (operatorKeys.count > 1 && keys == [operatorKeys.last!]) { return complete(.operate(pending, .lines)) }
            if command == .innerObject || command == .aroundObject {
                awaiting = .object(around: command == .aroundObject)
                return .pending
            }
            guard command.isVimMotion else { return fail("\(operatorKeys.keyNames) \(keys.keyNames): \(command.rawValue) is not a motion") }
        }
        if command == .register {
            guard pendingOperator == nil, register == nil else { return fail("a register is named before the command") }
            awaiting = .register
            return .pending
        }
        if command.isVimOperator {
            if visual { return complete(.operate(command, .selection)) }
            pendingOperator = command
            operatorKeys = keys
            return .pending
        }
        if command.takesCharacter {
            awaiting = .argument(command)
            return .pending
        }
        if command.isVimMotion { return finish(motion: VimMotion(command: command, character: nil)) }
        if command == .innerObject || command == .aroundObject {
            return fail("\(keys.keyNames) selects a text object after an operator (diw, ca\", yip)")
        }
        return complete(.command(command, nil))
    }

    private mutating func finish(motion: VimMotion) -> Result {
        if let pending = pendingOperator { return complete(.operate(pending, .motion(motion))) }
        return complete(.move(motion))
    }

    private mutating func complete(_ kind: VimAction.Kind) -> Result {
        var count: Int?
        if countBefore != nil || countAfter != nil {
            let limit = switch kind {
            case .move(let motion), .operate(_, .motion(let motion)): Self.lineMotions.contains(motion.command) ? Self.maxCount : Self.maxRepeats
            default: Self.maxRepeats
            }
            count = min((countBefore ?? 1) * (countAfter ?? 1), limit)
        }
        let action = VimAction(kind: kind, count: count, register: register)
        reset()
        return .action(action)
    }

    private mutating func fail(_ reason: String) -> Result {
        reset()
        return .invalid(reason)
    }

    static let objectKinds: Set<Character> = ["w", "W", "s", "p", "\"", "'", "`", "(", ")", "b", "[", "]", "{", "}", "B", "<", ">", "t"]

    static func isRegisterName(_ name: Character) -> Bool {
        guard name.isASCII else { return false }
        return name.isLetter || name.isNumber || ["\"", "-", "_", "+", "*"].contains(name)
    }
}
