/// Makes text that came from users safe to print on a terminal.
public enum TerminalText {
    /// `text` with every character that could move the cursor, change colours, reorder the line
    /// or hide text shown as a visible escape: C0 controls (line feeds and tabs included), DEL,
    /// C1 controls (0x80-0x9F), and the bidirectional overrides and isolates U+202A-U+202E,
    /// U+2066-U+2069. Everything else is kept.
    /// - Parameter keepingLineBreaks: keep tab, CR and LF (for CSV, where quoting holds them).
    public static func sanitized(_ text: String, keepingLineBreaks: Bool = false) -> String {
        let unsafe = { (scalar: Unicode.Scalar) in
            isUnsafe(scalar) && !(keepingLineBreaks && (scalar == "\t" || scalar == "\r" || scalar == "\n"))
        }
        guard mayBeUnsafe(text, keepingLineBreaks: keepingLineBreaks) && text.unicodeScalars.contains(where: unsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if unsafe(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "\\u{\(hex)}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// False when no scalar of `text` is unsafe, read from its UTF-8 bytes (most text, at once):
    /// a C0 control or DEL is one byte below 0x20 or 0x7F, a C1 control is C2 80-9F, and the
    /// overrides and isolates are E2 80 AA-AE and E2 81 A6-A9. True may be wrong; false is not.
    static func mayBeUnsafe(_ text: String, keepingLineBreaks: Bool) -> Bool {
        scan(text, keepingLineBreaks: keepingLineBreaks).mayBeUnsafe
    }

    /// One reading of `text`'s UTF-8 bytes for `mayBeUnsafe`, `width` and `measured`: whether a
    /// scalar may be unsafe, and the width when every scalar is simple (Latin, Greek and Cyrillic
    /// without combining marks: one column a scalar, each its own character), else nil. A
    /// simple scalar is one byte (0x20-0x7E) or two (U+00A0-U+052F but the soft hyphen and the
    /// Cyrillic combining marks); no unsafe scalar is simple.
    private static func scan(_ text: String, keepingLineBreaks: Bool) -> (mayBeUnsafe: Bool, simpleWidth: Int?) {
        var text = text
        return text.withUTF8 { bytes in
            var scalars = 0
            var isSimple = true
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x20 && b <= 0x7E {
                    scalars += 1
                    i += 1
                } else if b < 0x20 || b == 0x7F {
                    if !(keepingLineBreaks && (b == 0x09 || b == 0x0D || b == 0x0A)) { return (true, nil) }
                    isSimple = false
                    i += 1
                } else if b >= 0xC2 && b <= 0xD4 && i + 1 < bytes.count {
                    let next = bytes[i + 1]
                    if b == 0xC2 && next <= 0x9F { return (true, nil) }
                    let v = UInt32(b & 0x1F) << 6 | UInt32(next & 0x3F)
                    if !(((0xA0...0x2FF).contains(v) && v != 0xAD) || (0x370...0x482).contains(v) || (0x48A...0x52F).contains(v)) { isSimple = false }
                    scalars += 1
                    i += 2
                } else {
                    if b == 0xC2 || (b == 0xE2 && (i + 1 >= bytes.count || bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81)) { return (true, nil) }
                    isSimple = false
                    i += 1
                }
            }
            return (false, isSimple ? scalars : nil)
        }
    }

    /// True for a scalar that must not reach a terminal as it is.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// How many terminal columns `text` takes: East Asian wide and fullwidth characters take two,
    /// combining marks and zero-width characters none, everything else one.
    public static func width(_ text: String) -> Int {
        // Most names and labels are simple (`scan`): their width is read from the bytes, without
        // the cost of breaking the text into characters.
        scan(text, keepingLineBreaks: false).simpleWidth ?? widthByCharacter(text)
    }

    /// `text` made safe (`sanitized`) and its width (`width`), read in one pass over the UTF-8
    /// bytes for most text: text with no unsafe scalar is returned as it is.
    public static func measured(_ text: String) -> (text: String, width: Int) {
        let reading = scan(text, keepingLineBreaks: false)
        guard !reading.mayBeUnsafe else {
            let safe = sanitized(text)
            return (safe, width(safe))
        }
        return (text, reading.simpleWidth ?? widthByCharacter(text))
    }

    /// `width(_:)` worked out character by character, for any text.
    static func widthByCharacter(_ text: String) -> Int {
        var columns = 0
        for character in text {
            guard let first = character.unicodeScalars.first else { continue }
            let v = first.value
            let category = first.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark || category == .format { continue }
            let isWide = first.properties.isEmojiPresentation || (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
                || (0x20000...0x3FFFD).contains(v)
            columns += isWide ? 2 : 1
        }
        return columns
    }

    /// `text` padded with spaces to `columns` terminal columns (or cut, with an ellipsis).
    public static func padded(_ text: String, to columns: Int) -> String {
        let current = width(text)
        if current <= columns { return text + String(repeating: " ", count: columns - current) }
        var out = ""
        var used = 0
        for character in text {
            let w = width(String(character))
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…" + String(repeating: " ", count: max(0, columns - used - 1))
    }
}
