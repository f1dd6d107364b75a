import Foundation
import TOMLKit

extension Theme {
    /// Loads theme `name` from `library` (the user's file over the shipped one), following `inherits`.
    /// - Throws: `DataFileError` naming the file and line of the first problem.
    public static func load(_ name: String, from library: DataFileLibrary) throws(DataFileError) -> Theme {
        try load(url: library.require(name), name: name, library: library, chain: [])
    }

    private static let sections: Set<String> = ["description", "inherits", "palette", "styles", "peers"]
    private static let attributes: Set<String> = ["fg", "bg", "bold", "underline", "reverse"]

    private static func load(url: URL, name: String, library: DataFileLibrary, chain: [String]) throws(DataFileError) -> Theme {
        let source = try TOMLSource(url: url)
        var theme = Theme(name: name, styles: [:], peerColours: [])
        var palette: [String: Colour] = [:]
        if let parent = try source.inherited(name: name, library: library, chain: chain + [url.path]) {
            theme = try load(url: parent.url, name: parent.name, library: library, chain: chain + [url.path])
            theme.name = name
        }
        for key in source.table.keys where !sections.contains(key) {
            throw source.error("unknown setting \"\(key)\" (a theme has \(sections.sorted().joined(separator: ", ")))", key: key)
        }
        if let table = source.table["palette"]?.table {
            for key in table.keys {
                guard let text = table[key]?.string, let colour = Colour(parsing: text) else {
                    throw source.error("palette colour \"\(key)\" must be \"#rrggbb\", a colour name or \"0\"…\"255\"", key: key, in: "palette")
                }
                palette[key] = colour
            }
        }
        func colour(_ text: String, for key: String) throws(DataFileError) -> Colour {
            if let named = palette[text] { return named }
            guard let colour = Colour(parsing: text) else {
                throw source.error("\"\(text)\" is not a colour: use \"#rrggbb\", \"default\", a standard name such as \"bright-blue\", \"0\"…\"255\", or a name from [palette]", key: key, in: "styles")
            }
            return colour
        }
        if let styles = source.table["styles"]?.table {
            for key in styles.keys {
                guard let role = StyleRole(rawValue: key) else {
                    throw source.error("\"\(key)\" is not a part of the screen (parts: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))", key: key, in: "styles")
                }
                guard let table = styles[key]?.table else {
                    throw source.error("\(key) must be a table such as { fg = \"#ffffff\", bg = \"blue\", bold = true }", key: key, in: "styles")
                }
                var style = theme.styles[role] ?? TextStyle()
                for attribute in table.keys {
                    guard attributes.contains(attribute) else {
                        throw source.error("\(key) has unknown attribute \"\(attribute)\" (known: fg, bg, bold, underline, reverse)", key: key, in: "styles")
                    }
                }
                if let fg = table["fg"] {
                    guard let text = fg.string else { throw source.error("\(key).fg must be a string", key: key, in: "styles") }
                    style.foreground = try colour(text, for: key)
                }
                if let bg = table["bg"] {
                    guard let text = bg.string else { throw source.error("\(key).bg must be a string", key: key, in: "styles") }
                    style.background = try colour(text, for: key)
                }
                for (attribute, path) in [("bold", \TextStyle.bold), ("underline", \TextStyle.underline), ("reverse", \TextStyle.reverse)] as [(String, WritableKeyPath<TextStyle, Bool>)] {
                    guard let value = table[attribute] else { continue }
                    guard let flag = value.bool else { throw source.error("\(key).\(attribute) must be true or false", key: key, in: "styles") }
                    style[keyPath: path] = flag
                }
                theme.styles[role] = style
            }
        }
        if let peers = try source.strings("peers") {
            var colours: [UInt32] = []
            for text in peers {
                switch palette[text] ?? Colour(parsing: text) {
                case .rgb(let value)?: colours.append(value)
                case .indexed(let index)?:
                    let (r, g, b) = Colour.rgb(ofIndex: index)
                    colours.append(UInt32(r << 16 | g << 8 | b))
                default:
                    throw source.error("peers must be colours such as \"#e06c75\" (\"\(text)\" is not)", key: "peers")
                }
            }
            guard !colours.isEmpty else { throw source.error("peers needs at least one colour", key: "peers") }
            theme.peerColours = colours
        }
        guard theme.styles[.text] != nil else {
            throw source.error("no [styles] text = { … }: every theme styles the text (or inherits a theme that does)")
        }
        if theme.peerColours.isEmpty { theme.peerColours = Theme.plain.peerColours }
        return theme
    }
}
