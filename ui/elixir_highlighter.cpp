#include "ui/elixir_highlighter.h"

#include <QTextDocument>

namespace tasklens::ui {

namespace {

// Block states. Bits 0-3: what continues; bit 4: it interpolates; bits 8-15: the closing
// delimiter of a one-line-delimiter sigil.
enum Continues : int {
    kNone = 0,
    kString = 1,           // "... spanning lines
    kStringHeredoc = 2,    // """
    kCharlist = 3,         // '... spanning lines
    kCharlistHeredoc = 4,  // '''
    kSigil = 5,            // ~s( ... spanning lines
    kSigilHeredocDouble = 6,
    kSigilHeredocSingle = 7,
};
constexpr int kKindMask = 0xF;
constexpr int kInterpolates = 0x10;

int makeState(int kind, bool interpolates, QChar closer = QChar()) {
    return kind | (interpolates ? kInterpolates : 0) | (closer.unicode() << 8);
}

bool isIdentifierStart(QChar c) {
    return (c >= u'a' && c <= u'z') || c == u'_';
}
bool isIdentifierChar(QChar c) {
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
           c == u'_';
}
bool isDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}
bool isLetter(QChar c) {
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isKeyword(QStringView word) {
    static const QStringView keywords[] = {
        u"def",
        u"defp",
        u"defmodule",
        u"defmacro",
        u"defmacrop",
        u"defstruct",
        u"defexception",
        u"defdelegate",
        u"defguard",
        u"defguardp",
        u"defimpl",
        u"defprotocol",
        u"defoverridable",
        u"do",
        u"end",
        u"fn",
        u"case",
        u"cond",
        u"with",
        u"receive",
        u"after",
        u"else",
        u"rescue",
        u"catch",
        u"try",
        u"if",
        u"unless",
        u"for",
        u"when",
        u"in",
        u"not",
        u"and",
        u"or",
        u"true",
        u"false",
        u"nil",
        u"import",
        u"alias",
        u"require",
        u"use",
        u"quote",
        u"unquote",
        u"unquote_splicing",
        u"raise",
        u"reraise",
        u"throw",
        u"__MODULE__",
        u"__ENV__",
        u"__CALLER__",
        u"__DIR__",
    };
    for (QStringView keyword : keywords)
        if (word == keyword) return true;
    return false;
}

QChar closingDelimiter(QChar open) {
    switch (open.unicode()) {
        case u'(':
            return u')';
        case u'[':
            return u']';
        case u'{':
            return u'}';
        case u'<':
            return u'>';
        default:
            return open;
    }
}

bool isSigilDelimiter(QChar c) {
    return c == u'/' || c == u'|' || c == u'"' || c == u'\'' || c == u'(' || c == u'[' ||
           c == u'{' || c == u'<';
}

class LineScanner {
  public:
    explicit LineScanner(QStringView line) : s_(line), n_(static_cast<int>(line.size())) {}

    ElixirLineResult run(int start_state) {
        if (start_state > 0 && !resume(start_state)) return finish();
        scanCode(false);
        return finish();
    }

  private:
    ElixirLineResult finish() { return {std::move(spans_), end_state_}; }

    void add(int start, int end, ElixirToken token) {
        if (end <= start) return;
        // Adjacent pieces of one token read as one span (a string split by an escape, say).
        if (!spans_.empty() && spans_.back().token == token &&
            spans_.back().start + spans_.back().length == start) {
            spans_.back().length += end - start;
            return;
        }
        spans_.push_back({start, end - start, token});
    }

    QChar at(int i) const { return i < n_ ? s_[i] : QChar(); }
    bool startsWith(int i, QStringView what) const { return s_.mid(i).startsWith(what); }

    /// Continues a construct from the previous line. Returns false if it runs past this line.
    bool resume(int state) {
        const int kind = state & kKindMask;
        const bool interpolates = (state & kInterpolates) != 0;
        switch (kind) {
            case kString:
                return quoted(0, u'"', interpolates, ElixirToken::String, state);
            case kCharlist:
                return quoted(0, u'\'', interpolates, ElixirToken::Charlist, state);
            case kSigil:
                return quoted(0, QChar(static_cast<char16_t>(state >> 8)), interpolates,
                              ElixirToken::Sigil, state, true);
            case kStringHeredoc:
                return heredoc(0, u"\"\"\"", interpolates, ElixirToken::String, state);
            case kCharlistHeredoc:
                return heredoc(0, u"'''", interpolates, ElixirToken::Charlist, state);
            case kSigilHeredocDouble:
                return heredoc(0, u"\"\"\"", interpolates, ElixirToken::Sigil, state, true);
            case kSigilHeredocSingle:
                return heredoc(0, u"'''", interpolates, ElixirToken::Sigil, state, true);
            default:
                return true;
        }
    }

    /// A heredoc line starting at `from`: closed when the line (after indentation) starts with
    /// the closing quotes. Sets i_ past the closer and returns true, or returns false.
    bool heredoc(int from, QStringView closer, bool interpolates, ElixirToken token, int state,
                 bool modifiers = false) {
        int first = from;
        while (first < n_ && (s_[first] == u' ' || s_[first] == u'\t')) ++first;
        if (startsWith(first, closer)) {
            int end = first + static_cast<int>(closer.size());
            if (modifiers)
                while (end < n_ && isLetter(s_[end])) ++end;
            add(from, end, token);
            i_ = end;
            return true;
        }
        body(from, n_, interpolates, token);
        end_state_ = state;
        return false;
    }

    /// Text of a string-like token from `from` to `to`, with its interpolations.
    void body(int from, int to, bool interpolates, ElixirToken token) {
        int i = from;
        int piece = from;
        while (i < to) {
            if (s_[i] == u'\\') {
                i += 2;
                continue;
            }
            if (interpolates && s_[i] == u'#' && at(i + 1) == u'{') {
                add(piece, i, token);
                add(i, i + 2, ElixirToken::Interpolation);
                i_ = i + 2;
                scanCode(true);
                if (i_ < n_ && s_[i_] == u'}') {
                    add(i_, i_ + 1, ElixirToken::Interpolation);
                    ++i_;
                }
                i = i_;
                piece = i;
                continue;
            }
            ++i;
        }
        add(piece, std::min(i, to), token);
    }

    /// A string-like token from `from` (just after its opening delimiter, or 0 when resumed)
    /// to `closer`. Sets i_ past it and returns true, or returns false if it continues.
    bool quoted(int from, QChar closer, bool interpolates, ElixirToken token, int state,
                bool modifiers = false) {
        int i = from;
        while (i < n_) {
            if (s_[i] == u'\\') {
                i += 2;
                continue;
            }
            if (s_[i] == closer) break;
            if (interpolates && s_[i] == u'#' && at(i + 1) == u'{') {
                // Find the interpolation's end so a closer inside it does not end the string.
                int depth = 0;
                int j = i + 2;
                for (; j < n_; ++j) {
                    if (s_[j] == u'{') ++depth;
                    if (s_[j] == u'}' && depth-- == 0) break;
                }
                i = j + 1;
                continue;
            }
            ++i;
        }
        if (i >= n_) {
            body(from, n_, interpolates, token);
            end_state_ = state;
            return false;
        }
        int end = i + 1;
        if (modifiers)
            while (end < n_ && isLetter(s_[end])) ++end;
        body(from, i, interpolates, token);
        add(i, end, token);
        i_ = end;
        return true;
    }

    void scanCode(bool in_interpolation) {
        int depth = 0;
        while (i_ < n_) {
            const QChar c = s_[i_];
            if (c == u'#') {
                add(i_, n_, ElixirToken::Comment);
                i_ = n_;
                return;
            }
            if (c == u'"' || c == u'\'') {
                const bool is_string = c == u'"';
                const ElixirToken token = is_string ? ElixirToken::String : ElixirToken::Charlist;
                const int start = i_;
                if (startsWith(i_, is_string ? QStringView(u"\"\"\"") : QStringView(u"'''"))) {
                    add(start, n_, token);
                    end_state_ = makeState(is_string ? kStringHeredoc : kCharlistHeredoc, true);
                    i_ = n_;
                    return;
                }
                add(start, start + 1, token);
                if (!quoted(start + 1, c, true, token,
                            makeState(is_string ? kString : kCharlist, true)))
                    return;
                continue;
            }
            if (c == u'~' && isLetter(at(i_ + 1))) {
                if (sigil()) continue;
                return;
            }
            if (c == u':') {
                if (at(i_ + 1) == u':') {
                    i_ += 2;
                    continue;
                }
                if (at(i_ + 1) == u'"') {
                    const int start = i_;
                    add(start, start + 2, ElixirToken::Atom);
                    if (!quoted(start + 2, u'"', true, ElixirToken::Atom, makeState(kString, true)))
                        return;
                    continue;
                }
                if (isLetter(at(i_ + 1)) || at(i_ + 1) == u'_') {
                    int end = i_ + 1;
                    while (end < n_ && (isIdentifierChar(s_[end]) || s_[end] == u'@')) ++end;
                    if (end < n_ && (s_[end] == u'?' || s_[end] == u'!')) ++end;
                    add(i_, end, ElixirToken::Atom);
                    i_ = end;
                    continue;
                }
                if (const int length = operatorAtomLength(i_ + 1); length > 0) {
                    add(i_, i_ + 1 + length, ElixirToken::Atom);
                    i_ += 1 + length;
                    continue;
                }
                ++i_;
                continue;
            }
            if (c == u'?' && i_ + 1 < n_ && s_[i_ + 1] != u' ') {
                // A character literal: ?a, ?\n.
                const int end = std::min(n_, i_ + (s_[i_ + 1] == u'\\' ? 3 : 2));
                add(i_, end, ElixirToken::Number);
                i_ = end;
                continue;
            }
            if (isDigit(c)) {
                number();
                continue;
            }
            if (c == u'@' && (isIdentifierStart(at(i_ + 1)))) {
                int end = i_ + 1;
                while (end < n_ && isIdentifierChar(s_[end])) ++end;
                add(i_, end, ElixirToken::Attribute);
                i_ = end;
                continue;
            }
            if (c == u'&') {
                if (at(i_ + 1) == u'&') {
                    i_ += at(i_ + 2) == u'&' ? 3 : 2;
                    continue;
                }
                int end = i_ + 1;
                while (end < n_ && isDigit(s_[end])) ++end;
                add(i_, end, ElixirToken::Capture);
                i_ = end;
                continue;
            }
            if (isIdentifierStart(c) || (c >= u'A' && c <= u'Z')) {
                identifier();
                continue;
            }
            if (c == u'{') ++depth;
            if (c == u'}') {
                if (in_interpolation && depth == 0) return;
                --depth;
            }
            ++i_;
        }
    }

    int operatorAtomLength(int i) const {
        static const QStringView operators[] = {
            u"<<>>", u"|||", u"&&&", u"<<<", u">>>", u"===", u"!==", u"|>", u"<>", u"++",
            u"--",   u"==",  u"!=",  u"<=",  u">=",  u"&&",  u"||",  u"..", u"+",  u"-",
            u"*",    u"/",   u"<",   u">",   u"!",   u"^",   u"%",   u"{}", u"="};
        for (QStringView op : operators)
            if (startsWith(i, op)) return static_cast<int>(op.size());
        return 0;
    }

    /// ~x<delimiter>...<closer><modifiers>. Returns false if it continues on the next line.
    bool sigil() {
        const int start = i_;
        int letters_end = i_ + 1;
        if (s_[letters_end] >= u'A' && s_[letters_end] <= u'Z') {
            while (letters_end < n_ && s_[letters_end] >= u'A' && s_[letters_end] <= u'Z')
                ++letters_end;
        } else {
            ++letters_end;
        }
        const QChar open = at(letters_end);
        if (!isSigilDelimiter(open)) {
            ++i_;
            return true;
        }
        const bool interpolates = s_[start + 1] >= u'a' && s_[start + 1] <= u'z';
        for (QStringView quotes : {QStringView(u"\"\"\""), QStringView(u"'''")}) {
            if (startsWith(letters_end, quotes)) {
                add(start, n_, ElixirToken::Sigil);
                end_state_ = makeState(
                    quotes[0] == u'"' ? kSigilHeredocDouble : kSigilHeredocSingle, interpolates);
                i_ = n_;
                return false;
            }
        }
        const QChar closer = closingDelimiter(open);
        add(start, letters_end + 1, ElixirToken::Sigil);
        return quoted(letters_end + 1, closer, interpolates, ElixirToken::Sigil,
                      makeState(kSigil, interpolates, closer), true);
    }

    void number() {
        const int start = i_;
        int i = i_;
        if (s_[i] == u'0' && (at(i + 1) == u'x' || at(i + 1) == u'b' || at(i + 1) == u'o')) {
            i += 2;
            while (i < n_ && (s_[i].isLetterOrNumber() || s_[i] == u'_')) ++i;
        } else {
            while (i < n_ && (isDigit(s_[i]) || s_[i] == u'_')) ++i;
            if (at(i) == u'.' && isDigit(at(i + 1))) {
                i += 2;
                while (i < n_ && (isDigit(s_[i]) || s_[i] == u'_')) ++i;
                if (at(i) == u'e' || at(i) == u'E') {
                    int j = i + 1;
                    if (at(j) == u'-' || at(j) == u'+') ++j;
                    if (isDigit(at(j))) {
                        i = j;
                        while (i < n_ && isDigit(s_[i])) ++i;
                    }
                }
            }
        }
        add(start, i, ElixirToken::Number);
        i_ = i;
    }

    void identifier() {
        const int start = i_;
        const bool capital = s_[start] >= u'A' && s_[start] <= u'Z';
        int end = start + 1;
        while (end < n_ && isIdentifierChar(s_[end])) ++end;
        if (!capital && end < n_ && (s_[end] == u'?' || s_[end] == u'!')) ++end;
        const bool after_dot =
            start > 0 && s_[start - 1] == u'.' && (start < 2 || s_[start - 2] != u'.');
        i_ = end;
        // `key: value` (a keyword key) needs whitespace after the colon, which tells it from
        // `a::b`.
        if (at(end) == u':' && at(end + 1) != u':' && (end + 1 >= n_ || at(end + 1).isSpace())) {
            add(start, end + 1, ElixirToken::Atom);
            i_ = end + 1;
            return;
        }
        if (capital) {
            add(start, end, ElixirToken::Module);
            return;
        }
        if (!after_dot && isKeyword(s_.mid(start, end - start)))
            add(start, end, ElixirToken::Keyword);
    }

    QStringView s_;
    int n_;
    int i_ = 0;
    int end_state_ = 0;
    std::vector<ElixirSpan> spans_;
};

}  // namespace

ElixirLineResult scanElixirLine(QStringView line, int start_state) {
    return LineScanner(line).run(start_state);
}

ElixirHighlighter::ElixirHighlighter(QTextDocument* document, CanvasScheme scheme)
    : QSyntaxHighlighter(document), scheme_(scheme) {
    buildFormats();
}

void ElixirHighlighter::setScheme(CanvasScheme scheme) {
    if (scheme == scheme_) return;
    scheme_ = scheme;
    buildFormats();
    rehighlight();
}

const QTextCharFormat& ElixirHighlighter::formatFor(ElixirToken token) const {
    return formats_[static_cast<size_t>(token)];
}

int ElixirHighlighter::tokenOf(const QTextFormat& format) {
    const QVariant value = format.property(QTextFormat::UserProperty);
    return value.isValid() ? value.toInt() : -1;
}

void ElixirHighlighter::buildFormats() {
    const SyntaxColors& colors = syntaxColors(scheme_);
    const QColor by_token[kElixirTokenCount] = {
        colors.keyword,       colors.atom,      colors.module, colors.string,
        colors.interpolation, colors.charlist,  colors.sigil,  colors.comment,
        colors.number,        colors.attribute, colors.capture};
    for (int i = 0; i < kElixirTokenCount; ++i) {
        QTextCharFormat format;
        format.setForeground(by_token[i]);
        format.setProperty(QTextFormat::UserProperty, i);
        const auto token = static_cast<ElixirToken>(i);
        if (token == ElixirToken::Keyword || token == ElixirToken::Interpolation)
            format.setFontWeight(QFont::Bold);
        if (token == ElixirToken::Comment) format.setFontItalic(true);
        formats_[static_cast<size_t>(i)] = format;
    }
}

void ElixirHighlighter::highlightBlock(const QString& text) {
    const ElixirLineResult result = scanElixirLine(text, previousBlockState());
    for (const ElixirSpan& span : result.spans)
        setFormat(span.start, span.length, formatFor(span.token));
    setCurrentBlockState(result.end_state);
}

}  // namespace tasklens::ui
