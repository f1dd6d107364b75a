import Testing
import WeftTestTraits
@testable import WeftEditor

/// The vim grammar, frame by frame: keys on a text, the text and cursor after them, and undo
/// back to the start. Expectations follow vim's `:help motion.txt`, `:help text-objects`,
/// `:help change.txt` and `:help undo-blocks`.
@Suite("Vim grammar table", .ownThread)
struct VimGrammarTableTests {
    static let motions: [VimCase] = [
        VimCase("‸foo bar", "w", "foo ‸bar"),
        VimCase("‸foo bar baz", "2w", "foo bar ‸baz"),
        VimCase("‸foo.bar", "w", "foo‸.bar"),
        VimCase("‸foo.bar baz", "W", "foo.bar ‸baz"),
        VimCase("foo bar ‸baz", "b", "foo ‸bar baz"),
        VimCase("foo.bar ‸baz", "B", "‸foo.bar baz"),
        VimCase("foo.bar ‸baz", "2b", "foo‸.bar baz"),
        VimCase("‸foo bar", "e", "fo‸o bar"),
        VimCase("fo‸o bar", "e", "foo ba‸r"),
        VimCase("‸foo.bar baz", "E", "foo.ba‸r baz"),
        VimCase("‸foo\n\nbar", "w", "foo\n‸\nbar"),
        VimCase("foo\n\n‸bar", "b", "foo\n‸\nbar"),
        VimCase("‸one two\nthree", "2w", "one two\n‸three"),
        VimCase("‸one\n  two", "w", "one\n  ‸two"),
        VimCase("  foo ‸bar", "0", "‸  foo bar"),
        VimCase("  foo ‸bar", "^", "  ‸foo bar"),
        VimCase("‸foo bar", "$", "foo ba‸r"),
        VimCase("‸ab\ncd\nef", "2$", "ab\nc‸d\nef"),
        VimCase("‸a b c d", "fc", "a b ‸c d"),
        VimCase("‸a b c d", "tc", "a b‸ c d"),
        VimCase("a b c ‸d", "Fb", "a ‸b c d"),
        VimCase("a b c ‸d", "Tb", "a b‸ c d"),
        VimCase("‸a-b-c-d", "f-;", "a-b‸-c-d"),
        VimCase("‸a-b-c-d", "2f-", "a-b‸-c-d"),
        VimCase("a-b-‸c-d", "f-,", "a-b‸-c-d"),
        VimCase("‸a-b-c", "t-;", "a-‸b-c"),
        VimCase("‸a b", "fz", "‸a b"),
        VimCase("‸(a (b) c)", "%", "(a (b) c‸)"),
        VimCase("(a (b) c‸)", "%", "‸(a (b) c)"),
        VimCase("‸x (a) y", "%", "x (a‸) y"),
        VimCase("‸{\n  [x]\n}", "%", "{\n  [x]\n‸}"),
        VimCase("‸a\nb\n\nc\nd", "}", "a\nb\n‸\nc\nd"),
        VimCase("a\nb\n\nc\n‸d", "{", "a\nb\n‸\nc\nd"),
        VimCase("‸a\nb", "}", "a\n‸b"),
        VimCase("‸a\n\nb\n\nc", "2}", "a\n\nb\n‸\nc"),
        VimCase("‸a\nb\nc", "G", "a\nb\n‸c"),
        VimCase("a\nb\n‸c", "gg", "‸a\nb\nc"),
        VimCase("‸a\nb\nc", "2G", "a\n‸b\nc"),
        VimCase("‸a\n  b\nc", "2gg", "a\n  ‸b\nc"),
        VimCase("ab‸c\nde", "j", "abc\nd‸e"),
        VimCase("abc\n‸de", "k", "‸abc\nde"),
        VimCase("‸a\nb\nc\nd", "3j", "a\nb\nc\n‸d"),
        VimCase("‸abc", "2l", "ab‸c"),
        VimCase("ab‸c", "l", "ab‸c"),
        VimCase("ab‸c", "2h", "‸abc"),
        VimCase("‸foo bar foo", "*", "foo bar ‸foo"),
        VimCase("foo bar ‸foo", "#", "‸foo bar foo"),
        VimCase("‸foo foobar foo", "*", "foo foobar ‸foo"),
        VimCase("‸foo Foo foo", "*", "foo Foo ‸foo"),
        VimCase("‸foo bar foo", "*n", "‸foo bar foo"),
        VimCase("a\n  ‸b x\nc", "mbgg`b", "a\n  ‸b x\nc"),
        VimCase("a\n  b ‸x\nc", "mlgg'l", "a\n  ‸b x\nc"),
        VimCase("‸a\nb\nc", "G''", "‸a\nb\nc"),
        VimCase("a\n  b ‸x\nc", "dgg", "‸c", undo: 1),
    ]

    static let operators: [VimCase] = [
        VimCase("foo ‸bar baz", "dw", "foo ‸baz"),
        VimCase("foo ‸bar baz", "d2w", "foo‸ "),
        VimCase("foo ‸bar baz", "2dw", "foo‸ "),
        VimCase("foo ‸bar", "dw", "foo‸ "),
        VimCase("‸foo\nbar", "dw", "‸\nbar"),
        VimCase("‸a b c d e", "2d2w", "‸e"),
        VimCase("foo ‸bar baz", "de", "foo ‸ baz"),
        VimCase("foo bar ‸baz", "db", "foo ‸baz"),
        VimCase("foo ba‸r baz", "dB", "foo ‸r baz"),
        VimCase("foo.b‸ar baz", "dW", "foo.b‸baz"),
        VimCase("foo.‸bar baz", "dE", "foo.‸ baz"),
        VimCase("foo ‸bar baz", "d$", "foo‸ "),
        VimCase("foo ‸bar baz", "D", "foo‸ "),
        VimCase("foo ‸bar baz", "d0", "‸bar baz"),
        VimCase("  foo ‸bar", "d^", "  ‸bar"),
        VimCase("foo ‸bar baz", "dfa", "foo ‸r baz"),
        VimCase("foo ‸bar baz", "dta", "foo ‸ar baz"),
        VimCase("foo ‸bar baz", "dtz", "foo ‸z"),
        VimCase("foo bar ‸baz", "dFo", "fo‸baz"),
        VimCase("foo bar ‸baz", "dTo", "foo‸baz"),
        VimCase("‸a-b-c-d", "d2f-", "‸c-d"),
        VimCase("‸a b", "dfz", "‸a b"),
        VimCase("‸a\nb\nc", "dj", "‸c"),
        VimCase("a\nb\n‸c", "dk", "‸a\n"),
        VimCase("a\n‸b\nc", "dd", "a\n‸c"),
        VimCase("a\nb\n‸c", "dd", "a\n‸b\n"),
        VimCase("‸a\nb\nc", "2dd", "‸c"),
        VimCase("‸a\nb\nc", "d2d", "‸c"),
        VimCase("a\n‸  b\nc", "dd", "a\n‸c"),
        VimCase("‸a\n  b\nc", "dd", "  ‸b\nc"),
        VimCase("‸a\nb\nc", "dG", "‸"),
        VimCase("a\n‸b\nc", "dgg", "‸c"),
        VimCase("‸a\nb\n\nc", "d}", "‸\nc"),
        VimCase("a‸a\nb\n\nc", "d}", "‸a\n\nc"),
        VimCase("x (a ‸b) y", "d%", "x ‸) y"),
        VimCase("x ‸(a b) y", "d%", "x ‸ y"),
        VimCase("foo ‸bar", "dl", "foo ‸ar"),
        VimCase("foo ba‸r", "dl", "foo b‸a"),
        VimCase("fo‸o", "dh", "f‸o"),
        VimCase("‸foo", "dh", "‸foo"),
        VimCase("ab‸c", "x", "a‸b"),
        VimCase("‸abc", "2x", "‸c"),
        VimCase("ab‸cd", "5x", "a‸b"),
        VimCase("a‸bc", "X", "‸bc"),
        VimCase("abc‸d", "2X", "a‸d"),
        VimCase("‸a\nb", "x", "‸\nb"),
        VimCase("‸a\nb\nc", "d3j", "‸"),
        VimCase("‸a\nb\nc", "dap", "‸", cursor: true),
        VimCase("a\n\n‸b\nc\nd", "d2j", "a\n‸\n"),
    ]

    static let changes: [VimCase] = [
        VimCase("foo ‸bar baz", "cwxy<Esc>", "foo x‸y baz"),
        VimCase("foo ‸bar baz", "cexy<Esc>", "foo x‸y baz"),
        VimCase("foo ‸bar baz", "c2wxy<Esc>", "foo x‸y"),
        VimCase("fo‸o bar", "cwX<Esc>", "fo‸X bar"),
        VimCase("foo‸ bar", "cwX<Esc>", "foo‸Xbar"),
        VimCase("foo ‸bar baz", "cWxy<Esc>", "foo x‸y baz"),
        VimCase("foo ‸bar baz", "Cxy<Esc>", "foo x‸y"),
        VimCase("foo ‸bar baz", "c$xy<Esc>", "foo x‸y"),
        VimCase("a\n‸bcd\ne", "ccxy<Esc>", "a\nx‸y\ne"),
        VimCase("a\n‸bcd\ne", "Sxy<Esc>", "a\nx‸y\ne"),
        VimCase("‸a\nb\nc", "cjx<Esc>", "‸x\nc"),
        VimCase("‸abc", "sX<Esc>", "‸Xbc"),
        VimCase("‸abc", "2sX<Esc>", "‸Xc"),
        VimCase("‸abc", "cl<Esc>", "‸bc"),
        VimCase("foo ‸bar baz", "cbx<Esc>", "‸xbar baz"),
        VimCase("f(‸a, b)", "ci(x<Esc>", "f(‸x)"),
        VimCase("f(‸a, b)", "cibx<Esc>", "f(‸x)"),
        VimCase("f(‸a, b)", "ca(x<Esc>", "f‸x"),
        VimCase("say \"he‸llo\" now", "ci\"bye<Esc>", "say \"by‸e\" now"),
        VimCase("foo ‸bar baz", "ciwx<Esc>", "foo ‸x baz"),
        VimCase("foo ‸bar baz", "cawx<Esc>", "foo ‸xbaz"),
        VimCase("a [b ‸c] d", "ci[<Esc>", "a ‸[] d"),
        VimCase("foo ‸bar baz", "ctzx<Esc>", "foo ‸xz"),
    ]

    static let objects: [VimCase] = [
        VimCase("say \"he‸llo\" now", "da\"", "say ‸now"),
        VimCase("say \"he‸llo\" now", "di\"", "say \"‸\" now"),
        VimCase("x = 'a‸b'", "di'", "x = '‸'"),
        VimCase("‸x \"ab\" y", "di\"", "x \"‸\" y"),
        VimCase("a `c‸d` e", "da`", "a ‸e"),
        VimCase("a [b ‸c] d", "di[", "a [‸] d"),
        VimCase("a [b ‸c] d", "da[", "a ‸ d"),
        VimCase("a [b ‸c] d", "di]", "a [‸] d"),
        VimCase("{ x ‸y }", "di{", "{‸}"),
        VimCase("{ x ‸y }", "daB", "‸"),
        VimCase("{ x ‸y }", "diB", "{‸}"),
        VimCase("<a ‸b>", "di<", "<‸>"),
        VimCase("<a ‸b>", "da>", "‸"),
        VimCase("f(a, (‸b))", "d2i(", "f(‸)"),
        VimCase("f(a, (‸b))", "2di(", "f(‸)"),
        VimCase("f‸(a)", "di(", "f(‸)"),
        VimCase("f(a‸)", "di(", "f(‸)"),
        VimCase("‸f(a)", "di(", "‸f(a)"),
        VimCase("foo ‸bar baz", "diw", "foo ‸ baz"),
        VimCase("foo ‸bar baz", "daw", "foo ‸baz"),
        VimCase("foo bar ‸baz", "daw", "foo ba‸r"),
        VimCase("foo‸ bar", "diw", "foo‸bar"),
        VimCase("foo‸ bar baz", "daw", "foo‸ baz"),
        VimCase("foo.‸bar baz", "diW", "‸ baz"),
        VimCase("foo.‸bar baz", "daW", "‸baz"),
        VimCase("foo.‸bar baz", "diw", "foo.‸ baz"),
        VimCase("‸one two three", "d2aw", "‸three"),
        VimCase("‸one two three", "3diw", "‸ three"),
        VimCase("One. ‸Two three. Four.", "dis", "One. ‸ Four."),
        VimCase("One. ‸Two three. Four.", "das", "One. ‸Four."),
        VimCase("One. Two three. ‸Four.", "das", "One. Two three‸."),
        VimCase("a\n‸b\n\nc", "dip", "‸\nc"),
        VimCase("a\n‸b\n\nc", "dap", "‸c"),
        VimCase("a\n\n‸c", "dap", "‸a\n"),
        VimCase("a\n\n  \n‸c", "dip", "a\n\n ‸ \n"),
        VimCase("a\n‸b\n\nc\n\nd", "d2ap", "‸d"),
        VimCase("a\n\n‸\nc", "dip", "a\n‸c"),
        VimCase("foo ‸bar", "yiwP", "foo ba‸rbar", undo: 1),
        VimCase("foo ‸bar", "diwx", "fo‸o", undo: 2),
        VimCase("foo ‸bar", "dip", "‸"),
        VimCase("<a><b>x‸y</b></a>", "dit", "<a><b>‸</b></a>"),
        VimCase("<a><b>x‸y</b></a>", "dat", "<a>‸</a>"),
        VimCase("<a><b>x‸y</b></a>", "d2it", "<a>‸</a>"),
        VimCase("<p class=\"x\">one <br/>tw‸o</p>", "citz<Esc>", "<p class=\"x\">‸z</p>"),
        VimCase("<a>x</a> ‸y", "dit", "<a>x</a> ‸y", undo: 0),
    ]

    static let registers: [VimCase] = [
        VimCase("‸foo bar", "ywP", "foo‸ foo bar"),
        VimCase("‸foo bar", "yiwP", "fo‸ofoo bar"),
        VimCase("‸foo bar", "yiw$p", "foo barfo‸o"),
        VimCase("‸a\nb", "yyp", "a\n‸a\nb"),
        VimCase("‸a\nb", "yjP", "‸a\nb\na\nb"),
        VimCase("‸a\nb", "Yp", "a\n‸a\nb"),
        VimCase("‸a\nb", "2yyGp", "a\nb\n‸a\nb"),
        VimCase("‸a\nb", "yyjp", "a\nb\n‸a"),
        VimCase("‸foo bar", "\"ayww\"aP", "foo foo‸ bar"),
        VimCase("‸foo bar", "\"ayiww\"Ayiw$\"ap", "foo barfooba‸r"),
        VimCase("‸a\nb", "\"ayyj\"Ayy\"aP", "a\n‸a\nb\nb"),
        VimCase("‸a\nb", "yyj\"_ddp", "a\n‸a\n", undo: 2),
        VimCase("‸a\nb\nc", "dddd\"2p", "c\n‸a", undo: 3),
        VimCase("‸a\nb\nc", "dddd\"1p", "c\n‸b", undo: 3),
        VimCase("‸a\nb", "yyjdd\"0p", "a\n‸a\n", undo: 2),
        VimCase("‸ab", "yl3p", "aaa‸ab"),
        VimCase("‸a\nb", "yy2p", "a\n‸a\na\nb"),
        VimCase("‸foo bar", "dwwp", "barfoo‸ ", undo: 2),
        VimCase("‸foo bar", "dwx\"-p", "a‸br", undo: 3),
        VimCase("‸foo bar", "\"+yiwwviw\"+p", "foo fo‸o", undo: 1, cursor: false),
        VimCase("‸foo bar", "yiwwviwpx", "foo fo", undo: 2, cursor: false),
        VimCase("‸a b", "\"zdwp", "ba‸ ", undo: 2),
        VimCase("‸a b", "\"zdw\"zP", "a‸ b", undo: 2),
    ]

    static let shiftsAndCase: [VimCase] = [
        VimCase("‸a\nb", ">>", "\t‸a\nb"),
        VimCase("‸a\nb", ">j", "\t‸a\n\tb"),
        VimCase("‸a\nb", "2>>", "\t‸a\n\tb"),
        VimCase("\t‸a", "<<", "‸a"),
        VimCase("        ‸a", "<<", "‸a"),
        VimCase("    ‸a", "<<", "‸a"),
        VimCase("\t\t‸a", "<<", "\t‸a"),
        VimCase("‸a\nb\n\nc", ">ip", "\t‸a\n\tb\n\nc"),
        VimCase("‸a\n\nb", ">G", "\t‸a\n\n\tb"),
        VimCase("‸a", "<<", "‸a"),
        VimCase("‸foo bar", "gUiw", "‸FOO bar"),
        VimCase("‸foo bar", "gUU", "‸FOO BAR"),
        VimCase("‸foo bar", "gUgU", "‸FOO BAR"),
        VimCase("‸Foo", "g~iw", "‸fOO"),
        VimCase("‸Foo bar", "g~~", "‸fOO BAR"),
        VimCase("‸FOO bar", "guw", "‸foo bar"),
        VimCase("‸FOO BAR", "guu", "‸foo bar"),
        VimCase("foo ‸bar", "gUb", "‸FOO bar"),
        VimCase("‸ab", "~~", "A‸B", undo: 2),
        VimCase("‸abc", "2~", "AB‸c"),
        VimCase("‸a.b", "3~", "A.‸B"),
    ]

    static let simpleChanges: [VimCase] = [
        VimCase("‸abc", "rx", "‸xbc"),
        VimCase("‸abc", "2rx", "x‸xc"),
        VimCase("‸abc", "4rx", "‸abc"),
        VimCase("a‸bc", "r<CR>", "a\n‸c"),
        VimCase("‸abc", "Rxy<Esc>", "x‸yc"),
        VimCase("‸ab", "Rxyz<Esc>", "xy‸z"),
        VimCase("‸a\nb", "J", "a‸ b"),
        VimCase("‸a\n   b", "J", "a‸ b"),
        VimCase("‸a\nb\nc", "3J", "a b‸ c"),
        VimCase("‸a\nb\nc", "2J", "a‸ b\nc"),
        VimCase("‸a\n)b", "J", "a‸)b"),
        VimCase("‸a", "J", "‸a"),
        VimCase("‸x", "3iab<Esc>", "ababa‸bx"),
        VimCase("x‸y", "2ai<Esc>", "xyi‸i"),
        VimCase("‸x", "3Ao<Esc>", "xoo‸o"),
        VimCase("‸xy", "2Io<Esc>", "o‸oxy"),
        VimCase("‸a", "2ox<Esc>", "a\nx\n‸x"),
        VimCase("‸a", "2Ox<Esc>", "x\n‸x\na"),
        VimCase("‸ab", "ix<CR>y<Esc>", "x\n‸yab"),
        VimCase("‸ab", "ix<BS>y<Esc>", "‸yab"),
    ]

    static let repeats: [VimCase] = [
        VimCase("‸a b c d", "dw.", "‸c d", undo: 2),
        VimCase("‸a b c d", "dw2.", "‸d", undo: 2),
        VimCase("‸a b c d e", "2dw.", "‸e", undo: 2),
        VimCase("‸foo foo", "cwbar<Esc>w.", "bar ba‸r", undo: 2),
        VimCase("‸a\nb\nc", "dd.", "‸c", undo: 2),
        VimCase("‸abc", "x..", "‸", undo: 3),
        VimCase("‸a\nb", ">>j.", "\ta\n\t‸b", undo: 2),
        VimCase("‸ab", "~.", "A‸B", undo: 2),
        VimCase("‸abc", "rxl.", "x‸xc", undo: 2),
        VimCase("‸x", "iab<Esc>.", "aa‸bbx", undo: 2),
        VimCase("‸x", "3ia<Esc>.", "aaaa‸aax", undo: 2),
        VimCase("‸foo bar", "gUiww.", "FOO ‸BAR", undo: 2),
        VimCase("‸one two three", "daw.", "‸three", undo: 2),
        VimCase("‸a.b.c", "f.r-;.", "a-b‸-c", undo: 2),
        VimCase("‸ab ab", "cwx<Esc>w.", "x ‸x", undo: 2),
        VimCase("‸a b", "A!<Esc>.", "a b!‸!", undo: 2),
        VimCase("‸a\nb", "A;<Esc>j.", "a;\nb‸;", undo: 2),
        VimCase("f(‸a) g(b)", "ci(x<Esc>fb.", "f(x) g(‸x)", undo: 2),
        VimCase("‸a\nb\nc\nd", "Jj.", "a b\nc‸ d", undo: 2),
        VimCase("‸ab\ncd", "ddp.", "cd\nab\n‸ab", undo: 3),
        VimCase("‸a b c", "xp.", " aa‸b c", undo: 3, cursor: false),
        VimCase("‸a\nb", "ox<Esc>j.", "a\nx\nb\n‸x", undo: 2),
        VimCase("‸abc", "sX<Esc>l.", "X‸Xc", undo: 2),
        VimCase("‸a b c", "dtc.", "‸c", undo: 2),
        VimCase("‸foo bar", "yiw.", "‸foo bar", undo: 0),
        VimCase("‸a\nb\nc", "S-<Esc>j.", "-\n‸-\nc", undo: 2),
        VimCase("‸ab\ncd", "C!<Esc>j.", "!\n‸!", undo: 2),
        VimCase("‸a b c", "de.", "‸", undo: 2),
    ]

    static let undos: [VimCase] = [
        VimCase("‸foo bar", "dwu", "‸foo bar", undo: 0),
        VimCase("‸ab", "3ix<Esc>u", "‸ab", undo: 0),
        VimCase("‸a b c", "dw.uu", "‸a b c", undo: 0),
        VimCase("‸foo bar", "cwxy<Esc>u", "‸foo bar", undo: 0),
        VimCase("‸ab", "xu<C-r>", "‸b"),
        VimCase("‸a\nb", "ddu", "‸a\nb", undo: 0),
        VimCase("‸a\nb", "Ju", "a‸\nb", undo: 0, cursor: false),
        VimCase("‸ab", "ix<Esc>ay<Esc>u", "‸xab", undo: 1, cursor: false),
    ]

    static let macros: [VimCase] = [
        VimCase("‸a\nb\nc", "qaA!<Esc>jq@a", "a!\nb!\n‸c", undo: 2),
        VimCase("‸a\nb\nc", "qaA!<Esc>jq2@a", "a!\nb!\nc‸!", undo: 3),
        VimCase("‸a\nb\nc", "qaA!<Esc>jq@a@@", "a!\nb!\nc‸!", undo: 3),
        VimCase("‸1 2 3 4", "qqxwq@q", "‸  3 4", undo: 2, cursor: false),
        VimCase("‸a b", "@z", "‸a b", undo: 0),
    ]

    static let visual: [VimCase] = [
        VimCase("‸foo bar", "vlld", "‸ bar"),
        VimCase("‸foo bar", "vey$p", "foo barfo‸o", cursor: false),
        VimCase("‸a\nb\nc", "Vjd", "‸c"),
        VimCase("‸a\nb\nc", "VyGp", "a\nb\nc\n‸a"),
        VimCase("‸foo bar", "veU", "‸FOO bar"),
        VimCase("‸foo bar", "vecx<Esc>", "‸x bar"),
        VimCase("‸a\nb", "Vj>", "\t‸a\n\tb"),
        VimCase("‸ab", "v~", "‸Ab"),
        VimCase("a‸bc", "vhx", "‸c"),
        VimCase("‸a\nb\nc", "Vjvd", "‸\nc"),
        VimCase("‸foo bar", "wvbd", "‸ar"),
        VimCase("‸a\nb\nc", "VjJ", "a‸ b\nc"),
    ]

    /// Ctrl-V: the same columns of several lines.
    static let block: [VimCase] = [
        VimCase("‸abc\nabc\nabc", "<C-v>jjld", "‸c\nc\nc"),
        VimCase("‸abc\nabc", "<C-v>jIX<Esc>", "‸Xabc\nXabc"),
        VimCase("a‸bc\nabc\nabc", "<C-v>jjAX<Esc>", "ab‸Xc\nabXc\nabXc"),
        VimCase("ab‸cd\na\nabcd", "<C-v>jjIX<Esc>", "ab‸Xcd\na\nabXcd"),
        VimCase("‸a\nabc", "<C-v>jllAX<Esc>", "a  ‸X\nabcX"),
        VimCase("‸abc\nabc", "<C-v>jlcZ<Esc>", "‸Zc\nZc"),
        VimCase("‸abc\nabc", "<C-v>jlU", "‸ABc\nABc"),
        VimCase("‸abc\nabc", "<C-v>jl<Esc>gvd", "‸c\nc"),
        VimCase("‸abc\nabc", "<C-v>jl>", "\t‸abc\n\tabc", cursor: false),
        VimCase("‸abc\nabc", "<C-v>jvd", "‸bc", cursor: false),
        // o goes to the other end (the selection stays); O to the block's other corner on this line.
        VimCase("a‸bcdef", "vlloh", "‸abcdef", undo: 0),
        VimCase("a‸bcdef", "vllohd", "‸ef"),
        VimCase("‸abc\nabc\nabc", "<C-v>jlOd", "‸c\nc\nabc"),
        VimCase("‸abc\nabc\nabc", "<C-v>jlOjd", "‸c\nc\nc"),
        VimCase("‸abc\nabc", "<C-v>jlod", "‸c\nc"),
        // r on a selection: each selected character, line breaks kept.
        VimCase("‸abc\nabc", "vlrx", "‸xxc\nabc"),
        VimCase("a‸bc\nabc", "vjrx", "a‸xx\nxxc"),
        VimCase("‸abc\nabc\nz", "Vjr-", "‸---\n---\nz"),
        VimCase("‸abc\na\nabc", "<C-v>jjlr.", "‸..c\n.\n..c"),
        VimCase("‸ab\ncd\nef\ngh", "<C-v>jly3Gl3p", "ab\ncd\nefababab\nghcdcdcd", cursor: false),
        VimCase("‸ab\ncd\nef\ngh", "<C-v>jly3G2P", "ab\ncd\nababef\ncdcdgh", cursor: false),
    ]

    static let reselect: [VimCase] = [
        VimCase("‸abc def", "vlly0gvd", "‸ def"),
        VimCase("‸a\nb\nc", "VjyGgvd", "‸c"),
        VimCase("a‸bc def", "vl<Esc>$gvU", "aBC def", cursor: false),
        VimCase("‸abc", "gv", "‸abc", undo: 0),
    ]

    static let commandLine: [VimCase] = [
        VimCase("‸foo foo\nfoo", ":s/foo/bar/<CR>", "‸bar foo\nfoo"),
        VimCase("‸foo foo\nfoo", ":s/foo/bar/g<CR>", "‸bar bar\nfoo"),
        VimCase("‸foo foo\nfoo", ":%s/foo/bar/g<CR>", "bar bar\n‸bar"),
        VimCase("‸foo foo\nfoo", ":%s/o\\+/0/g<CR>", "f0 f0\n‸f0"),
        VimCase("‸foo foo\nfoo", ":%s/\\(f\\)oo/\\1X/<CR>", "fX foo\n‸fX"),
        VimCase("‸foo foo\nfoo", ":s/FOO/x/i<CR>", "‸x foo\nfoo"),
        VimCase("‸foo foo\nfoo", ":%s/^/> /<CR>", "> foo foo\n‸> foo"),
        VimCase("‸foo foo\nfoo", ":s/o/(&)/g<CR>", "‸f(o)(o) f(o)(o)\nfoo"),
        VimCase("‸foo foo\nfoo", ":2s/foo/x/<CR>", "foo foo\n‸x"),
        VimCase("‸foo foo\nfoo", ":1,2s/foo/x/<CR>", "x foo\n‸x"),
        VimCase("‸foo foo\nfoo", ":%s/foo$/end/<CR>", "foo end\n‸end"),
        VimCase("‸foo foobar", ":s/\\<foo\\>/x/g<CR>", "‸x foobar"),
        VimCase("‸a,b", ":s/,/\\r/<CR>", "a\n‸b", cursor: false),
        VimCase("‸a+b", ":s/+/ plus /<CR>", "‸a plus b"),
        VimCase("‸aaa", ":s#a#b#g<CR>", "‸bbb"),
        VimCase("‸a1b22", ":s/\\v\\d+/N/g<CR>", "‸aNbN"),
        VimCase("‸1 11 111 1111", ":s/\\<1\\{3}\\>/N/g<CR>", "‸1 11 N 1111"),
        VimCase("‸1 11 111 1111", ":s/\\<1\\{2,3\\}\\>/N/g<CR>", "‸1 N N 1111"),
        VimCase("‸1 11 111 1111", ":s/\\<1\\{3,}\\>/N/g<CR>", "‸1 11 N N"),
        VimCase("‸1111", ":s/^1\\{,2}/N/<CR>", "‸N11"),
        VimCase("‸1 11 111 1111", ":s/\\<1\\{,2}\\>/N/g<CR>", "‸N N 111 1111"),
        VimCase("‸ab cd", ":s/\\v<\\w*>/N/g<CR>", "‸N N"),
        VimCase("‸a111b", ":s/1\\{-1,}/N/<CR>", "‸aN11b"),
        VimCase("‸a111b", ":s/a1\\{}/N/<CR>", "‸Nb"),
        VimCase("‸a111b", ":s/\\va1{-}/N/<CR>", "‸N111b"),
        VimCase("‸a{2}b", ":s/a{2}/N/<CR>", "‸Nb"),
        VimCase("‸z e\u{301}t", ":s/z .t/N/<CR>", "‸N"),
        VimCase("‸a.b e\u{301}", ":s/[.]/X/g<CR>", "‸aXb e\u{301}"),
        VimCase("‸a]b^c", ":s/[]^]/X/g<CR>", "‸aXbXc"),
        VimCase("‸a]b^c", ":s/[^]^]/X/g<CR>", "‸X]X^X"),
        VimCase("‸ab\r\ncd", ":s/b./X/<CR>", "‸aX\ncd"),
        VimCase("‸x 111 y", "/1\\{3}<CR>", "x ‸111 y", undo: 0),
        VimCase("‸foo", ":s/x/y/<CR>", "‸foo", undo: 0),
        VimCase("‸a\nb\nc", ":$<CR>", "a\nb\n‸c", undo: 0),
        VimCase("‸x12 y345", "/\\d\\+5<CR>", "x12 y‸345", undo: 0),
        VimCase("‸a.b axb", "/a\\.b<CR>n", "‸a.b axb", undo: 0),
        VimCase("‸foo(1) foo(2)", "/foo(2<CR>", "foo(1) ‸foo(2)", undo: 0),
        VimCase("‸cat concat cat", "/\\<cat\\><CR>", "cat concat ‸cat", undo: 0),
        VimCase("‸a\nb\nc", ":2<CR>", "a\n‸b\nc", undo: 0),
        VimCase("‸a1\nb\na2\nc", ":g/a/d<CR>", "b\n‸c"),
        VimCase("‸a1\nb\na2\nc", ":g!/a/d<CR>", "a1\n‸a2\n"),
        VimCase("‸a1\nb\na2\nc", ":v/a/d<CR>", "a1\n‸a2\n"),
        VimCase("‸x\nx\nx\nx", ":2,3g/x/d<CR>", "x\n‸x"),
        VimCase("‸a1\nb\na2\nc", ":g/a/s/\\d/N/<CR>", "aN\nb\n‸aN\nc"),
        VimCase("‸a1\nb\na2\nc", ":g/a/normal Ax<CR>", "a1x\nb\na2‸x\nc"),
        VimCase("‸a1\nb\na2\nc", ":g/^a/norm dd<CR>", "b\n‸c"),
        VimCase("‸a\nb", ":%normal I-<CR>", "-a\n‸-b"),
        VimCase("a\n‸b\nc", ":normal dd<CR>", "a\n‸c"),
        VimCase("‸ab\nab", ":g/a/p<CR>", "‸ab\nab", undo: 0),
        VimCase("‸ab\nab", ":g/z/d<CR>", "‸ab\nab", undo: 0),
    ]

    /// A final line feed ends the last line (`:help eol`): nothing stands after it.
    static let finalLineFeed: [VimCase] = [
        VimCase("‸a\nb\n", "G", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", "jj", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", "}", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", "100%", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", ":$<CR>", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", "Gox<Esc>", "a\nb\n‸x\n"),
        VimCase("‸a\nb\n", "yyGp", "a\nb\n‸a\n"),
        VimCase("a\n‸b\n", "dd", "‸a\n"),
        VimCase("a\n‸b\n", "x", "a\n‸\n"),
        VimCase("a\n‸b\n", "J", "a\n‸b\n", undo: 0),
        VimCase("‸a\nb\n", "dG", "‸"),
        VimCase("‸a\nb\n", ":%s/^/> /<CR>", "> a\n‸> b\n"),
        VimCase("‸a\nb\n", "dap", "‸"),
        VimCase("‸\n", "G", "‸\n", undo: 0),
    ]

    static let all = finalLineFeed + motions + operators + changes + objects + registers + shiftsAndCase + simpleChanges + repeats + undos + macros + visual + block + reselect + commandLine

    @Test("keys leave the text and cursor vim leaves, and undo takes the change back", arguments: all)
    func row(_ row: VimCase) throws {
        var harness = try VimHarness(row.start)
        harness.type(row.keys)
        let expected = VimCase.split(row.expected)
        #expect(harness.editor.text == expected.text, "text after \(row.keys)")
        if row.checksCursor {
            #expect(harness.marked == row.expected, "cursor after \(row.keys)")
        }
        if harness.editor.mode != "normal" { harness.type("<Esc>") }
        let steps = row.undoSteps ?? (expected.text == VimCase.split(row.start).text ? 0 : 1)
        let before = harness.editor.text
        for _ in 0..<steps { harness.type("u") }
        #expect(harness.editor.text == VimCase.split(row.start).text, "\(steps) undo steps take \(row.keys) back")
        if steps > 0 {
            // One more would go further than the keys went: nothing else is left to undo.
            harness.type("u")
            #expect(harness.editor.text == VimCase.split(row.start).text, "the keys made exactly \(steps) undo steps")
            _ = before
        }
    }

    @Test("a block selection is drawn as a block: the same columns of each line, nothing between")
    func blockIsDrawnAsABlock() throws {
        var harness = try VimHarness("‸abcd\nabcd\nabcd")
        harness.type("l<C-v>jjl")
        let rows = harness.editor.frame().rows
        for row in 0..<3 {
            let selected = rows[row].indices.filter { rows[row][$0].style == .role(.selection) }
            #expect(selected == [1, 2], "row \(row): \(selected)")
        }
    }

    @Test("after a final line feed vim's ~ is drawn, not an empty line, with or without numbers")
    func noLineAfterTheFinalLineFeed() throws {
        var harness = try VimHarness("‸one\ntwo\n")
        #expect(Array(harness.editor.frame().lines.prefix(3)) == ["one", "two", "~"])
        harness.type(":set nu<CR>")
        #expect(harness.editor.frame().lines[2] == "~")
        harness.type("Go<Esc>")
        #expect(harness.editor.frame().lines[2].hasSuffix("3"), "a line made there is drawn: \(harness.editor.frame().lines[2])")
    }

    @Test("the table has at least 150 rows")
    func size() {
        #expect(Self.all.count >= 150)
    }
}
