import Testing
@testable import WeftEditor

/// The grammar parser alone: inputs in, actions out, without an editor.
@Suite("Vim grammar parser")
struct VimGrammarParserTests {
    private func parse(_ inputs: [VimGrammar.Input]) -> [VimGrammar.Result] {
        var grammar = VimGrammar()
        return inputs.map { grammar.feed($0) }
    }

    private func command(_ command: EditorCommand, _ key: Character) -> VimGrammar.Input { .command(command, keys: [.character(key)]) }

    @Test("\"a2d3w is register a, count 6, delete, word-next")
    func registerCountsOperatorMotion() {
        let results = parse([command(.register, "\""), .character("a"), .digit(2), command(.operatorDelete, "d"), .digit(3), command(.wordNext, "w")])
        #expect(results.dropLast().allSatisfy { $0 == .pending })
        #expect(results.last == .action(VimAction(kind: .operate(.operatorDelete, .motion(VimMotion(command: .wordNext))), count: 6, register: "a")))
    }

    @Test("dd and gUU are lines; ci( is an object; dfx carries its character")
    func targets() {
        #expect(parse([command(.operatorDelete, "d"), command(.operatorDelete, "d")]).last == .action(VimAction(kind: .operate(.operatorDelete, .lines))))
        let upper = VimGrammar.Input.command(.operatorUppercase, keys: [.character("g"), .character("U")])
        #expect(parse([upper, .command(.redo, keys: [.character("U")])]).last == .action(VimAction(kind: .operate(.operatorUppercase, .lines))))
        #expect(parse([command(.operatorChange, "c"), command(.innerObject, "i"), .character("(")]).last
            == .action(VimAction(kind: .operate(.operatorChange, .object("(", around: false)))))
        #expect(parse([command(.operatorDelete, "d"), command(.findChar, "f"), .character("x")]).last
            == .action(VimAction(kind: .operate(.operatorDelete, .motion(VimMotion(command: .findChar, character: "x"))))))
    }

    @Test("mistakes say why and leave the parser idle")
    func mistakes() {
        var grammar = VimGrammar()
        _ = grammar.feed(command(.operatorDelete, "d"))
        guard case .invalid(let reason) = grammar.feed(command(.pasteAfter, "p")) else { Issue.record("dp is not a command"); return }
        #expect(reason.contains("not a motion"))
        #expect(grammar.isIdle)
        _ = grammar.feed(command(.operatorYank, "y"))
        _ = grammar.feed(command(.aroundObject, "a"))
        guard case .invalid(let object) = grammar.feed(.character("z")) else { Issue.record("az is not an object"); return }
        #expect(object.contains("not a text object"))
        _ = grammar.feed(command(.register, "\""))
        guard case .invalid = grammar.feed(.character("!")) else { Issue.record("\"! is not a register"); return }
    }

    @Test("in visual mode an operator applies to the selection at once")
    func visual() {
        var grammar = VimGrammar()
        grammar.visual = true
        #expect(grammar.feed(command(.operatorYank, "y")) == .action(VimAction(kind: .operate(.operatorYank, .selection))))
    }
}

/// Screen motions and scrolling, the system clipboard register, and unknown keys.
@Suite("Vim screen and clipboard")
struct VimScreenTests {
    static let text = (1...40).map { "line \($0)" }.joined(separator: "\n")

    @Test("H M L go to the top, middle and bottom lines on screen; zt zz zb scroll the cursor's line")
    func screenLines() throws {
        var vim = try VimHarness("‸" + Self.text, width: 20, height: 9)  // 7 text rows
        vim.type("L")
        #expect(vim.editor.cursorLineColumn.line == 7)
        vim.type("M")
        #expect(vim.editor.cursorLineColumn.line == 4)
        vim.type("2H")
        #expect(vim.editor.cursorLineColumn.line == 2)
        vim.type("20Gzt")
        #expect(vim.editor.frame().lines[0] == "line 20")
        vim.type("zb")
        #expect(vim.editor.frame().lines[6] == "line 20")
        vim.type("zz")
        #expect(vim.editor.frame().lines[3] == "line 20")
    }

    @Test("\"+y sends the text to the system clipboard; a plain yank does too, as every copy")
    func clipboard() throws {
        var vim = try VimHarness("‸foo bar")
        vim.type("\"+yiw")
        #expect(vim.editor.takeTerminalRequests() == [.copyToClipboard("foo")])
        vim.type("w\"+P")
        #expect(vim.editor.text == "foo foobar")
    }

    @Test("the status line says a macro is being recorded until q ends it")
    func recording() throws {
        var vim = try VimHarness("‸foo")
        vim.type("qax")
        #expect(vim.editor.frame().lines[10].contains("recording @a"))
        vim.type("q")
        #expect(!vim.editor.frame().lines[10].contains("recording"))
    }

    @Test("a key bound to nothing says so; an operator with a command that is not a motion too")
    func unknownKeys() throws {
        var vim = try VimHarness("‸foo")
        vim.type("Q")
        #expect(vim.editor.frame().lines[6...].joined(separator: " ").contains("Q is not bound in vim's normal mode"))
        vim.type("dp")
        #expect(vim.editor.frame().lines[6...].joined(separator: " ").contains("paste-after is not a motion"))
        #expect(vim.editor.text == "foo")
    }
}
