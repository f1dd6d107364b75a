import Foundation

/// A vim regular expression (`:help pattern`, the default "magic" syntax) turned into the ICU
/// syntax of `NSRegularExpression`: `\(` `\)` `\|` `\+` `\?` `\=` `\<` `\>` and the counts
/// `\{n,m}` `\{n}` `\{n,}` `\{,m}` `\{}` `\{-n,m}` become their ICU forms, while a bare `(`, `)`,
/// `|`, `+`, `?` and `{` match themselves. `.` matches a character with its combining marks. `\v` switches
/// to "very magic" (ICU's own syntax), `\c` ignores case and `\C` respects it.
struct VimPattern: Equatable, Sendable {
    var icu: String
    /// `\c` or `\C` in the pattern; nil when it says nothing about case.
    var ignoresCase: Bool?

    init(_ vim: String) {
        var output = ""
        var ignoresCase: Bool?
        var veryMagic = false
        var inBrackets = false
        var characters = Array(vim)[...]
        while let character = characters.popFirst() {
            if !inBrackets, character == "[" {
                // A bracket expression: `]` first (after an optional `^`) is one of its members.
                inBrackets = true
                output.append("[")
                if characters.first == "^" { output.append(characters.removeFirst()) }
                if characters.first == "]" {
                    characters.removeFirst()
                    output += "\\]"
                }
            } else if inBrackets, character == "]" {
                inBrackets = false
                output.append("]")
            } else if character == ".", !inBrackets {
                // Any character but a line feed, a base with its combining marks being one (as
                // vim's `.` matches "é" written as e and an accent): a whole grapheme cluster,
                // except that CR stays apart from the LF after it.
                output += "(?:\\r|(?!\\n)\\X)"
            } else if character == "\\", let next = characters.popFirst() {
                switch next {
                case "v": veryMagic = true
                case "m", "M", "V": veryMagic = false
                case "c": ignoresCase = true
                case "C": ignoresCase = false
                case "<", ">": output += veryMagic ? "\\\(next)" : Self.wordEdge(next)
                case "{" where !veryMagic: output += Self.count(from: &characters)
                case "(", ")", "|", "+", "?", "{", "}": output += veryMagic ? "\\\(next)" : String(next)
                case "=": output += veryMagic ? "=" : "?"
                case "t": output += "\\t"
                case "n": output += "\\n"
                default: output += "\\\(next)"
                }
            } else if veryMagic {
                switch character {
                case "<", ">": output += Self.wordEdge(character)
                case "=": output += "?"
                case "{": output += Self.count(from: &characters)
                default: output.append(character)
                }
            } else if "()|+?{}".contains(character) {
                output += "\\\(character)"
            } else {
                output.append(character)
            }
        }
        icu = output
        self.ignoresCase = ignoresCase
    }

    /// Vim's `\<` (a word starts) and `\>` (a word ends): ICU's `\b` alone is either, so `\<x*\>`
    /// also matched nothing between two spaces.
    private static func wordEdge(_ side: Character) -> String {
        side == "<" ? "\\b(?=\\w)" : "\\b(?<=\\w)"
    }

    /// A count after `\{` (`{` in very magic), up to its `}` (or `\}`): `n,m`, `n`, `n,`, `,m`,
    /// nothing (any number), and with `-` first the fewest that match (`\{-1,}`), in ICU's form.
    /// Anything else is left for the expression to be refused as not valid.
    private static func count(from characters: inout ArraySlice<Character>) -> String {
        var body = ""
        while let character = characters.popFirst() {
            if character == "}" { break }
            if character == "\\", characters.first == "}" {
                characters.removeFirst()
                break
            }
            body.append(character)
        }
        let lazy = body.hasPrefix("-")
        if lazy { body.removeFirst() }
        let bounds = body.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count <= 2, bounds.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return "{" + body + "}" }
        let low = bounds.first.flatMap { Int($0) } ?? 0
        let quantifier: String
        if bounds.count == 1 {
            quantifier = bounds[0].isEmpty ? "*" : "{\(low)}"
        } else if let high = Int(bounds[1]) {
            quantifier = "{\(min(low, high)),\(max(low, high))}"
        } else {
            quantifier = "{\(low),}"
        }
        return quantifier + (lazy ? "?" : "")
    }

    /// The compiled expression.
    /// - Throws: the library's error when the pattern is not a valid expression.
    func expression(ignoringCase: Bool) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: icu, options: (ignoresCase ?? ignoringCase) ? [.caseInsensitive, .anchorsMatchLines] : [.anchorsMatchLines])
    }

    /// A vim replacement (`&` and `\0` the match, `\1`…`\9` groups, `\r` or `\n` a line break,
    /// `\&` a plain `&`, `\u` `\U` `\l` `\L` not supported) as the text for one match.
    static func replacement(_ template: String, match: NSTextCheckingResult, in text: NSString) -> String {
        var output = ""
        var characters = Array(template)[...]
        func group(_ index: Int) -> String {
            guard index < match.numberOfRanges, match.range(at: index).location != NSNotFound else { return "" }
            return text.substring(with: match.range(at: index))
        }
        while let character = characters.popFirst() {
            if character == "\\", let next = characters.popFirst() {
                if let digit = next.wholeNumberValue, next.isASCII {
                    output += group(digit)
                } else if next == "r" || next == "n" {
                    output += "\n"
                } else if next == "t" {
                    output += "\t"
                } else {
                    output.append(next)
                }
            } else if character == "&" {
                output += group(0)
            } else {
                output.append(character)
            }
        }
        return output
    }
}
