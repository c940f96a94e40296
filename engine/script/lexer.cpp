// Over 800 lines: one hand-written scanner for Elixir's token grammar. Sigils, heredocs,
// interpolation, numbers, atoms and operators share one cursor and its line/column tracking;
// splitting them would move that private state into a header. Escapes (decode_fragment) and the
// token names (to_string) at the end are the parts that could move out first.
#include "engine/script/lexer.h"

#include "engine/script/operators.h"
#include "engine/script/utf8.h"

#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace tasklens::script {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_lower(char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_ident_char(char c) {
    return is_lower(c) || is_upper(c) || is_digit(c);
}
bool is_hspace(char c) {
    return c == ' ' || c == '\t';
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Newlines right after these tokens do not end the expression.
bool continues_after(const Token& token) {
    switch (token.kind) {
        case TokenKind::Comma:
        case TokenKind::LParen:
        case TokenKind::LBracket:
        case TokenKind::LBrace:
        case TokenKind::BitOpen:
        case TokenKind::InterpStart:
        case TokenKind::Dot:
        case TokenKind::Percent:
        case TokenKind::At:
        case TokenKind::Ampersand:
        case TokenKind::Arrow:
        case TokenKind::LeftArrow:
        case TokenKind::FatArrow:
        case TokenKind::Bar:
        case TokenKind::Backslashes:
        case TokenKind::DoubleColon:
        case TokenKind::Fn:
        case TokenKind::Do:
        case TokenKind::KwIdentifier:
        case TokenKind::When:
        case TokenKind::And:
        case TokenKind::Or:
        case TokenKind::Not:
        case TokenKind::In:
        case TokenKind::NotIn:
        case TokenKind::Plus:
        case TokenKind::Minus:
        case TokenKind::Star:
        case TokenKind::Slash:
        case TokenKind::Power:
        case TokenKind::PlusPlus:
        case TokenKind::MinusMinus:
        case TokenKind::Concat:
        case TokenKind::Range:
        case TokenKind::StepSlash:
        case TokenKind::Pipe:
        case TokenKind::Less:
        case TokenKind::Greater:
        case TokenKind::LessEqual:
        case TokenKind::GreaterEqual:
        case TokenKind::EqualEqual:
        case TokenKind::NotEqual:
        case TokenKind::StrictEqual:
        case TokenKind::StrictNotEqual:
        case TokenKind::RegexMatch:
        case TokenKind::AndAnd:
        case TokenKind::OrOr:
        case TokenKind::Bang:
        case TokenKind::Caret:
        case TokenKind::Match:
        case TokenKind::UnsupportedOperator:
            return true;
        case TokenKind::StringEnd:
            return token.kw_key;
        default:
            return false;
    }
}

// A newline right before these tokens does not end the expression (`x\n|> f()`). `-` and `+`
// are left out: at the start of a line they read as unary.
bool joins_previous_line(TokenKind kind) {
    switch (kind) {
        case TokenKind::Pipe:
        case TokenKind::Match:
        case TokenKind::EqualEqual:
        case TokenKind::NotEqual:
        case TokenKind::StrictEqual:
        case TokenKind::StrictNotEqual:
        case TokenKind::RegexMatch:
        case TokenKind::Less:
        case TokenKind::Greater:
        case TokenKind::LessEqual:
        case TokenKind::GreaterEqual:
        case TokenKind::AndAnd:
        case TokenKind::OrOr:
        case TokenKind::Star:
        case TokenKind::Slash:
        case TokenKind::Power:
        case TokenKind::PlusPlus:
        case TokenKind::MinusMinus:
        case TokenKind::Concat:
        case TokenKind::StepSlash:
        case TokenKind::When:
        case TokenKind::And:
        case TokenKind::Or:
        case TokenKind::In:
        case TokenKind::NotIn:
        case TokenKind::Arrow:
        case TokenKind::LeftArrow:
        case TokenKind::FatArrow:
        case TokenKind::Bar:
        case TokenKind::Backslashes:
        case TokenKind::DoubleColon:
        case TokenKind::UnsupportedOperator:
        // Closing brackets: the newline before them is never significant.
        case TokenKind::RParen:
        case TokenKind::RBracket:
        case TokenKind::RBrace:
        case TokenKind::BitClose:
        case TokenKind::InterpEnd:
            return true;
        default:
            return false;
    }
}

// Operators that name a function: after '.' or before '/' they become identifiers.
bool is_named_operator(TokenKind kind) {
    if (kind == TokenKind::Bang) return true;
    const BinaryOperatorInfo* info = binary_operator_info(kind);
    return info && info->names_function;
}

struct Keyword {
    std::string_view word;
    TokenKind kind;
};
constexpr std::array kKeywords{
    Keyword{"true", TokenKind::True},     Keyword{"false", TokenKind::False},
    Keyword{"nil", TokenKind::Nil},       Keyword{"fn", TokenKind::Fn},
    Keyword{"do", TokenKind::Do},         Keyword{"end", TokenKind::End},
    Keyword{"else", TokenKind::Else},     Keyword{"after", TokenKind::After},
    Keyword{"rescue", TokenKind::Rescue}, Keyword{"catch", TokenKind::Catch},
    Keyword{"when", TokenKind::When},     Keyword{"and", TokenKind::And},
    Keyword{"or", TokenKind::Or},         Keyword{"not", TokenKind::Not},
    Keyword{"in", TokenKind::In},         Keyword{"__MODULE__", TokenKind::CurrentModule},
};

struct Operator {
    std::string_view spelling;
    TokenKind kind;
};
// Longest spellings first so that the first match is the longest one.
constexpr std::array kOperators{
    Operator{"<<<", TokenKind::UnsupportedOperator},
    Operator{">>>", TokenKind::UnsupportedOperator},
    Operator{"|||", TokenKind::UnsupportedOperator},
    Operator{"&&&", TokenKind::UnsupportedOperator},
    Operator{"^^^", TokenKind::UnsupportedOperator},
    Operator{"~>>", TokenKind::UnsupportedOperator},
    Operator{"<<~", TokenKind::UnsupportedOperator},
    Operator{"<~>", TokenKind::UnsupportedOperator},
    Operator{"<|>", TokenKind::UnsupportedOperator},
    Operator{"+++", TokenKind::UnsupportedOperator},
    Operator{"---", TokenKind::UnsupportedOperator},
    Operator{"~~~", TokenKind::UnsupportedOperator},
    Operator{"===", TokenKind::StrictEqual},
    Operator{"!==", TokenKind::StrictNotEqual},
    Operator{"...", TokenKind::Ellipsis},
    Operator{"~>", TokenKind::UnsupportedOperator},
    Operator{"<~", TokenKind::UnsupportedOperator},
    Operator{"==", TokenKind::EqualEqual},
    Operator{"!=", TokenKind::NotEqual},
    Operator{"=~", TokenKind::RegexMatch},
    Operator{"=>", TokenKind::FatArrow},
    Operator{"<=", TokenKind::LessEqual},
    Operator{">=", TokenKind::GreaterEqual},
    Operator{"<-", TokenKind::LeftArrow},
    Operator{"<>", TokenKind::Concat},
    Operator{"<<", TokenKind::BitOpen},
    Operator{">>", TokenKind::BitClose},
    Operator{"|>", TokenKind::Pipe},
    Operator{"||", TokenKind::OrOr},
    Operator{"&&", TokenKind::AndAnd},
    Operator{"++", TokenKind::PlusPlus},
    Operator{"--", TokenKind::MinusMinus},
    Operator{"->", TokenKind::Arrow},
    Operator{"**", TokenKind::Power},
    Operator{"..", TokenKind::Range},
    Operator{"//", TokenKind::StepSlash},
    Operator{"::", TokenKind::DoubleColon},
    Operator{"\\\\", TokenKind::Backslashes},
    Operator{"<", TokenKind::Less},
    Operator{">", TokenKind::Greater},
    Operator{"=", TokenKind::Match},
    Operator{"!", TokenKind::Bang},
    Operator{"|", TokenKind::Bar},
    Operator{"&", TokenKind::Ampersand},
    Operator{"+", TokenKind::Plus},
    Operator{"-", TokenKind::Minus},
    Operator{"*", TokenKind::Star},
    Operator{"/", TokenKind::Slash},
    Operator{"^", TokenKind::Caret},
    Operator{".", TokenKind::Dot},
    Operator{"@", TokenKind::At},
    Operator{"%", TokenKind::Percent},
    Operator{"(", TokenKind::LParen},
    Operator{")", TokenKind::RParen},
    Operator{"[", TokenKind::LBracket},
    Operator{"]", TokenKind::RBracket},
    Operator{"{", TokenKind::LBrace},
    Operator{"}", TokenKind::RBrace},
    Operator{",", TokenKind::Comma},
};

// Operators that may follow ':' to form an atom such as :+ or :"|>".
constexpr std::array<std::string_view, 33> kOperatorAtoms{
    "===", "!==", "...", "==", "!=", "=~", "<=", ">=", "<-",   "<>", "|>",
    "||",  "&&",  "++",  "--", "->", "**", "..", "//", "\\\\", "<",  ">",
    "=",   "!",   "|",   "&",  "+",  "-",  "*",  "/",  "^",    "@",  "."};

struct LexError {
    SourceLocation location;
    std::string message;
};

class Lexer {
  public:
    explicit Lexer(const SourceFile& file) : file_(file), src_(file.text()) {}

    LexResult run() {
        LexResult result;
        tokens_.reserve(src_.size() / 2 + 16);  // scenarios have about one token per 3 bytes
        try {
            lex_all();
        } catch (const LexError& error) {
            result.error = Diagnostic{error.location, error.message, {}};
        }
        result.tokens = std::move(tokens_);
        return result;
    }

  private:
    // One entry per open string literal or interpolation.
    struct Mode {
        bool in_string = false;
        // string mode
        StringKind kind = StringKind::String;
        char close = '"';
        bool heredoc = false;
        bool interpolates = true;
        std::uint32_t start_index = 0;  // index of the StringStart token
        SourceLocation start;
        // interpolation mode: '{' nesting inside the interpolation
        std::uint32_t brace_depth = 0;
    };

    const SourceFile& file_;
    std::string_view src_;
    std::size_t pos_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;
    std::vector<Token> tokens_;
    std::vector<Mode> modes_;

    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
    }
    bool at_end() const { return pos_ >= src_.size(); }
    bool starts_with(std::string_view text) const { return src_.substr(pos_).starts_with(text); }

    SourceLocation here() const {
        return {file_.id(), line_, static_cast<std::uint32_t>(pos_ - line_start_ + 1)};
    }

    [[noreturn]] void fail(SourceLocation at, std::string message) {
        throw LexError{at, std::move(message)};
    }

    void newline() {
        ++pos_;
        ++line_;
        line_start_ = pos_;
    }

    void emit(Token token) {
        if (token.kind == TokenKind::Eol) {
            // A ';' always separates (`x = ;` is an error); a newline may continue the line.
            if (tokens_.empty() || (token.from_newline && continues_after(tokens_.back()))) {
                return;
            }
            if (tokens_.back().kind == TokenKind::Eol) {
                Token& previous = tokens_.back();
                previous.from_newline |= token.from_newline;
                // A merged separator that holds a ';' reports at the ';' (the parser refuses
                // ';' where only newlines are allowed, e.g. inside brackets).
                if (token.text == ";" && previous.text != ";") {
                    previous.text = token.text;
                    previous.location = token.location;
                }
                return;
            }
        } else if (joins_previous_line(token.kind) && !tokens_.empty() &&
                   tokens_.back().kind == TokenKind::Eol && tokens_.back().text != ";") {
            tokens_.pop_back();
        }
        tokens_.push_back(token);
    }

    Token make(TokenKind kind, SourceLocation at, std::size_t begin, bool space_before) {
        Token token;
        token.kind = kind;
        token.location = at;
        token.text = src_.substr(begin, pos_ - begin);
        token.space_before = space_before;
        token.space_after = at_end() || is_space(peek()) || peek() == '#';
        return token;
    }

    void lex_all() {
        bool space_before = true;
        while (true) {
            if (!modes_.empty() && modes_.back().in_string) {
                lex_string_content();
                space_before = false;
                continue;
            }
            // whitespace, comments, newlines
            char c = peek();
            if (at_end()) {
                if (!modes_.empty()) {
                    fail(modes_.back().start, "missing terminator: } (for interpolation #{ )");
                }
                Token eof;
                eof.kind = TokenKind::EndOfFile;
                eof.location = here();
                Token eol;
                eol.kind = TokenKind::Eol;
                eol.location = here();
                eol.from_newline = true;
                emit(eol);
                tokens_.push_back(eof);
                return;
            }
            if (is_hspace(c) || c == '\r') {
                ++pos_;
                space_before = true;
                continue;
            }
            if (c == '#') {
                while (!at_end() && peek() != '\n') ++pos_;
                continue;
            }
            if (c == '\n') {
                Token eol;
                eol.kind = TokenKind::Eol;
                eol.location = here();
                eol.from_newline = true;
                newline();
                emit(eol);
                space_before = true;
                continue;
            }
            if (c == '\\' && (peek(1) == '\n' || (peek(1) == '\r' && peek(2) == '\n'))) {
                // line continuation
                pos_ += peek(1) == '\r' ? 2 : 1;
                newline();
                space_before = true;
                continue;
            }
            lex_token(space_before);
            space_before = false;
        }
    }

    void lex_token(bool space_before) {
        SourceLocation at = here();
        std::size_t begin = pos_;
        char c = peek();

        if (is_digit(c)) return lex_number(at, space_before);
        if (is_lower(c) || is_upper(c)) return lex_identifier(at, space_before);
        if (c == '"' || c == '\'') return open_string(at, space_before, c);
        if (c == ':') return lex_colon(at, space_before);
        if (c == '?') return lex_char(at, space_before);
        if (c == '~' && (is_lower(peek(1)) || is_upper(peek(1))) && peek(1) != '_') {
            return open_sigil(at, space_before);
        }
        if (c == '&' && is_digit(peek(1))) {
            ++pos_;
            std::uint64_t value = 0;
            while (is_digit(peek())) {
                if (value < 1'000'000) value = value * 10 + static_cast<unsigned>(peek() - '0');
                ++pos_;
            }
            Token token = make(TokenKind::CaptureArg, at, begin, space_before);
            token.integer = value;
            return emit(token);
        }
        if (c == ';') {
            ++pos_;
            Token eol = make(TokenKind::Eol, at, begin, space_before);
            return emit(eol);
        }
        if (c == '{' && !modes_.empty()) {
            ++modes_.back().brace_depth;
        }
        if (c == '}' && !modes_.empty()) {
            Mode& mode = modes_.back();
            if (mode.brace_depth == 0) {
                ++pos_;
                emit(make(TokenKind::InterpEnd, at, begin, space_before));
                modes_.pop_back();
                return;
            }
            --mode.brace_depth;
        }
        for (const Operator& op : kOperators) {
            if (op.spelling[0] == c && starts_with(op.spelling)) {
                pos_ += op.spelling.size();
                Token token = make(op.kind, at, begin, space_before);
                // As in Elixir's tokenizer, an operator right after '.' (`Kernel.+(1, 2)`) or
                // followed by '/' (`&+/2`, `&Kernel.*/2`) is a function name.
                if (is_named_operator(op.kind) && (after_dot() || followed_by_slash())) {
                    token.kind = TokenKind::Identifier;
                }
                return emit(token);
            }
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
            fail(at,
                 "unexpected non-ASCII character outside a string or comment "
                 "(identifiers must be ASCII)");
        }
        if (byte < 0x20 || byte == 0x7F) {
            fail(at, fmt::format("unexpected control character 0x{:02X}", byte));
        }
        fail(at, fmt::format("unexpected character '{}'", c));
    }

    bool after_dot() const { return !tokens_.empty() && tokens_.back().kind == TokenKind::Dot; }

    // Whether the next non-blank character is a '/' that is not the start of `//`.
    bool followed_by_slash() const {
        std::size_t ahead = pos_;
        while (ahead < src_.size() && is_hspace(src_[ahead])) ++ahead;
        return ahead < src_.size() && src_[ahead] == '/' &&
               (ahead + 1 >= src_.size() || src_[ahead + 1] != '/');
    }

    void lex_number(SourceLocation at, bool space_before) {
        std::size_t begin = pos_;
        int base = 10;
        if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'b' || peek(1) == 'o')) {
            base = peek(1) == 'x' ? 16 : peek(1) == 'b' ? 2 : 8;
            pos_ += 2;
            std::uint64_t value = 0;
            bool overflow = false;
            bool any = false;
            while (true) {
                char d = peek();
                if (d == '_' && any && hex_value(peek(1)) >= 0 && hex_value(peek(1)) < base) {
                    ++pos_;
                    continue;
                }
                int digit = hex_value(d);
                if (digit < 0 || digit >= base) break;
                any = true;
                if (value >
                    (UINT64_MAX - static_cast<unsigned>(digit)) / static_cast<unsigned>(base)) {
                    overflow = true;
                }
                value = value * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
                ++pos_;
            }
            if (!any) fail(at, "invalid number: expected digits after the base prefix");
            if (is_ident_char(peek())) fail(here(), "invalid digit in number literal");
            Token token = make(TokenKind::Integer, at, begin, space_before);
            token.integer = value;
            token.overflow = overflow;
            return emit(token);
        }
        std::string digits;
        auto read_digits = [&] {
            while (true) {
                if (is_digit(peek())) {
                    digits += peek();
                    ++pos_;
                } else if (peek() == '_' && is_digit(peek(1))) {
                    ++pos_;
                } else {
                    break;
                }
            }
        };
        read_digits();
        bool is_float = false;
        if (peek() == '.' && is_digit(peek(1))) {
            is_float = true;
            digits += '.';
            ++pos_;
            read_digits();
            if ((peek() == 'e' || peek() == 'E') &&
                (is_digit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && is_digit(peek(2))))) {
                digits += 'e';
                ++pos_;
                if (peek() == '-' || peek() == '+') {
                    digits += peek();
                    ++pos_;
                }
                read_digits();
            }
        }
        if (is_ident_char(peek())) fail(here(), "invalid character in number literal");
        if (is_float) {
            Token token = make(TokenKind::Float, at, begin, space_before);
            token.number = std::strtod(digits.c_str(), nullptr);
            if (!std::isfinite(token.number)) fail(at, "float literal out of range");
            return emit(token);
        }
        std::uint64_t value = 0;
        bool overflow = false;
        for (char d : digits) {
            auto digit = static_cast<unsigned>(d - '0');
            if (value > (UINT64_MAX - digit) / 10) overflow = true;
            value = value * 10 + digit;
        }
        Token token = make(TokenKind::Integer, at, begin, space_before);
        token.integer = value;
        token.overflow = overflow;
        emit(token);
    }

    void lex_identifier(SourceLocation at, bool space_before) {
        std::size_t begin = pos_;
        bool alias = is_upper(peek());
        while (is_ident_char(peek())) ++pos_;
        if (!alias && (peek() == '?' || peek() == '!') && peek(1) != '=') ++pos_;
        // `foo!=` is `foo != ...`; `foo?=`... keep the suffix otherwise.
        std::string_view word = src_.substr(begin, pos_ - begin);
        // keyword key: `name: ` (a colon then whitespace), but not `name::`
        if (peek() == ':' && peek(1) != ':' && (pos_ + 1 >= src_.size() || is_space(peek(1)))) {
            Token token = make(TokenKind::KwIdentifier, at, begin, space_before);
            token.text = word;
            ++pos_;
            token.space_after = true;
            return emit(token);
        }
        TokenKind kind = alias ? TokenKind::Alias : TokenKind::Identifier;
        // After '.', every name is a function name (`Kernel.and(a, b)`, `x.end`).
        if (!alias && !after_dot()) {
            for (const Keyword& keyword : kKeywords) {
                if (keyword.word == word) kind = keyword.kind;
            }
        }
        // `&and/2`, `&in/2`: a word operator followed by '/' is a function name.
        if ((kind == TokenKind::And || kind == TokenKind::Or || kind == TokenKind::Not ||
             kind == TokenKind::In) &&
            followed_by_slash()) {
            kind = TokenKind::Identifier;
        }
        if (kind == TokenKind::Not) {
            // `not in` is one operator
            std::size_t ahead = pos_;
            while (ahead < src_.size() && is_hspace(src_[ahead])) ++ahead;
            if (ahead > pos_ && src_.substr(ahead).starts_with("in") &&
                (ahead + 2 >= src_.size() || !is_ident_char(src_[ahead + 2]))) {
                pos_ = ahead + 2;
                Token token = make(TokenKind::NotIn, at, begin, space_before);
                return emit(token);
            }
        }
        Token token = make(kind, at, begin, space_before);
        emit(token);
    }

    void lex_colon(SourceLocation at, bool space_before) {
        std::size_t begin = pos_;
        char next = peek(1);
        if (next == ':') {
            pos_ += 2;
            return emit(make(TokenKind::DoubleColon, at, begin, space_before));
        }
        if (next == '"' || next == '\'') {
            ++pos_;
            return open_string(at, space_before, next, StringKind::QuotedAtom);
        }
        if (is_lower(next) || is_upper(next)) {
            ++pos_;
            std::size_t name_begin = pos_;
            while (is_ident_char(peek()) || peek() == '@') ++pos_;
            if ((peek() == '?' || peek() == '!') && peek(1) != '=') ++pos_;
            Token token = make(TokenKind::Atom, at, begin, space_before);
            token.text = src_.substr(name_begin, pos_ - name_begin);
            // As elixir's tokenizer: the BEAM holds atoms of at most 255 characters.
            if (token.text.size() > 255)
                fail(at, "atom length must be less than system limit: " + std::string(token.text));
            return emit(token);
        }
        ++pos_;
        for (std::string_view op : kOperatorAtoms) {
            if (op[0] == peek() && starts_with(op)) {
                pos_ += op.size();
                Token token = make(TokenKind::Atom, at, begin, space_before);
                token.text = op;
                return emit(token);
            }
        }
        fail(at, "unexpected ':' (atoms are written :name, :\"quoted name\" or :+)");
    }

    // Reads one possibly escaped character after '?' or in a char context; returns the code
    // point.
    std::uint32_t read_escaped_char(SourceLocation at) {
        if (at_end()) fail(at, "incomplete character literal after ?");
        char c = peek();
        if (c == '\\') {
            ++pos_;
            if (at_end()) fail(at, "incomplete character literal after ?\\");
            char e = peek();
            ++pos_;
            switch (e) {
                case 'n':
                    return '\n';
                case 't':
                    return '\t';
                case 'r':
                    return '\r';
                case 's':
                    return ' ';
                case 'e':
                    return 27;
                case 'a':
                    return 7;
                case 'b':
                    return 8;
                case 'd':
                    return 127;
                case 'f':
                    return 12;
                case 'v':
                    return 11;
                case '0':
                    return 0;
                case '\n':
                    --pos_;
                    newline();
                    return '\n';
                default:
                    return static_cast<unsigned char>(e);
            }
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte == '\n') {
            newline();
            return '\n';
        }
        ++pos_;
        if (byte < 0x80) return byte;
        // UTF-8 sequence
        int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : -1;
        if (extra < 0) fail(at, "invalid UTF-8 in character literal");
        std::uint32_t code = byte & (0x3F >> extra);
        for (int i = 0; i < extra; ++i) {
            auto cont = static_cast<unsigned char>(peek());
            if ((cont & 0xC0) != 0x80) fail(at, "invalid UTF-8 in character literal");
            code = (code << 6) | (cont & 0x3F);
            ++pos_;
        }
        return code;
    }

    void lex_char(SourceLocation at, bool space_before) {
        std::size_t begin = pos_;
        ++pos_;
        std::uint32_t code = read_escaped_char(at);
        Token token = make(TokenKind::Char, at, begin, space_before);
        token.integer = code;
        emit(token);
    }

    void open_string(SourceLocation at, bool space_before, char quote,
                     std::optional<StringKind> forced = std::nullopt) {
        std::size_t begin = pos_;
        Mode mode;
        mode.in_string = true;
        mode.close = quote;
        mode.start = at;
        mode.kind = quote == '"' ? StringKind::String : StringKind::Charlist;
        if (!forced && peek(1) == quote && peek(2) == quote) {
            pos_ += 3;
            open_heredoc(at);
            mode.heredoc = true;
            mode.kind = quote == '"' ? StringKind::StringHeredoc : StringKind::CharlistHeredoc;
        } else {
            ++pos_;
        }
        if (forced) mode.kind = *forced;
        Token token = make(TokenKind::StringStart, at, begin, space_before);
        token.string_kind = mode.kind;
        mode.start_index = static_cast<std::uint32_t>(tokens_.size());
        emit(token);
        modes_.push_back(mode);
    }

    // After an opening """: only whitespace may follow on that line.
    void open_heredoc(SourceLocation at) {
        while (is_hspace(peek()) || peek() == '\r') ++pos_;
        if (peek() != '\n') {
            fail(at, "heredoc allows only whitespace after the opening delimiter on its line");
        }
        newline();
    }

    void open_sigil(SourceLocation at, bool space_before) {
        std::size_t begin = pos_;
        char letter = peek(1);
        pos_ += 2;
        if (is_ident_char(peek())) {
            fail(at,
                 "Tasklens does not support multi-letter sigils yet (see "
                 "docs/scenario-language.md)");
        }
        char open = peek();
        char close = 0;
        switch (open) {
            case '/':
            case '|':
            case '"':
            case '\'':
                close = open;
                break;
            case '(':
                close = ')';
                break;
            case '[':
                close = ']';
                break;
            case '{':
                close = '}';
                break;
            case '<':
                close = '>';
                break;
            default:
                fail(at, "invalid sigil delimiter (expected one of / | \" ' ( [ { <)");
        }
        Mode mode;
        mode.in_string = true;
        mode.kind = StringKind::Sigil;
        mode.close = close;
        mode.start = at;
        mode.interpolates = is_lower(letter);
        if ((open == '"' || open == '\'') && peek(1) == open && peek(2) == open) {
            pos_ += 3;
            open_heredoc(at);
            mode.heredoc = true;
        } else {
            ++pos_;
        }
        Token token = make(TokenKind::StringStart, at, begin, space_before);
        token.string_kind = StringKind::Sigil;
        token.sigil = letter;
        mode.start_index = static_cast<std::uint32_t>(tokens_.size());
        emit(token);
        modes_.push_back(mode);
    }

    void emit_fragment(std::size_t begin, SourceLocation at) {
        if (pos_ == begin) return;
        Token token;
        token.kind = TokenKind::StringFragment;
        token.location = at;
        token.text = src_.substr(begin, pos_ - begin);
        tokens_.push_back(token);
    }

    void close_string(Mode mode, SourceLocation at, std::size_t begin, std::uint32_t indent) {
        Token token;
        token.kind = TokenKind::StringEnd;
        token.location = at;
        token.heredoc_indent = indent;
        token.string_kind = mode.kind;
        if (mode.kind == StringKind::Sigil) {
            std::size_t mods = pos_;
            while (is_lower(peek()) || is_upper(peek())) ++pos_;
            token.text = src_.substr(mods, pos_ - mods);
        }
        // "quoted key": value
        if (!mode.heredoc &&
            (mode.kind == StringKind::String || mode.kind == StringKind::Charlist) &&
            peek() == ':' && (pos_ + 1 >= src_.size() || is_space(peek(1)))) {
            ++pos_;
            token.kw_key = true;
        }
        (void)begin;
        token.space_after = at_end() || is_space(peek());
        auto end_index = static_cast<std::uint32_t>(tokens_.size());
        tokens_[mode.start_index].match = end_index;
        if (token.kw_key) tokens_[mode.start_index].kw_key = true;
        tokens_.push_back(token);
        modes_.pop_back();
    }

    void lex_string_content() {
        Mode mode = modes_.back();
        std::size_t begin = pos_;
        SourceLocation at = here();
        bool line_start = mode.heredoc && pos_ == line_start_;
        while (true) {
            if (at_end()) {
                fail(mode.start, mode.heredoc
                                     ? "missing terminator: heredoc closing delimiter not found"
                                     : fmt::format("missing terminator: {}", mode.close));
            }
            if (line_start) {
                // A heredoc closes on a line holding only indentation and the delimiter.
                std::size_t ahead = pos_;
                while (ahead < src_.size() && is_hspace(src_[ahead])) ++ahead;
                std::string_view rest = src_.substr(ahead);
                if (rest.size() >= 3 && rest[0] == mode.close && rest[1] == mode.close &&
                    rest[2] == mode.close) {
                    emit_fragment(begin, at);
                    auto indent = static_cast<std::uint32_t>(ahead - pos_);
                    SourceLocation close_at = here();
                    pos_ = ahead + 3;
                    close_string(mode, close_at, begin, indent);
                    return;
                }
                line_start = false;
            }
            char c = peek();
            if (c == '\\') {
                if (peek(1) == '\n') {
                    ++pos_;
                    newline();
                    line_start = mode.heredoc;
                } else {
                    pos_ += pos_ + 1 < src_.size() ? 2 : 1;
                }
                continue;
            }
            if (c == '\n') {
                newline();
                line_start = mode.heredoc;
                continue;
            }
            if (!mode.heredoc && c == mode.close) {
                emit_fragment(begin, at);
                SourceLocation close_at = here();
                ++pos_;
                close_string(mode, close_at, begin, 0);
                return;
            }
            if (mode.interpolates && c == '#' && peek(1) == '{') {
                emit_fragment(begin, at);
                Token token;
                token.kind = TokenKind::InterpStart;
                token.location = here();
                pos_ += 2;
                token.text = src_.substr(pos_ - 2, 2);
                tokens_.push_back(token);
                Mode interpolation;
                interpolation.start = token.location;
                modes_.push_back(interpolation);
                return;
            }
            ++pos_;
        }
    }
};

}  // namespace

LexResult lex(const SourceFile& file) {
    // elixir refuses a file that is not UTF-8 before running any of it (Code.require_file reads
    // it as a string); so do we, at the first bad byte rather than part-way through the run
    std::string_view text = file.text();
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp;
        bool valid;
        std::size_t length = utf8_decode(text, i, cp, valid);
        if (!valid) {
            LexResult result;
            result.error = Diagnostic{
                {file.id(), line, static_cast<std::uint32_t>(i - line_start + 1)},
                fmt::format("invalid UTF-8 in the source file (byte 0x{:02X}): scenarios are "
                            "UTF-8, as elixir reads them",
                            static_cast<unsigned char>(text[i]))};
            return result;
        }
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
        i += length;
    }
    return Lexer(file).run();
}

void append_utf8(std::uint32_t code_point, std::string& out) {
    if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        code_point = 0xFFFD;
    }
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

void decode_fragment(std::string_view raw, EscapeMode mode, char delimiter,
                     std::uint32_t strip_indent, bool at_line_start, std::string& out) {
    std::size_t i = 0;
    auto strip = [&] {
        for (std::uint32_t n = 0;
             n < strip_indent && i < raw.size() && (raw[i] == ' ' || raw[i] == '\t'); ++n) {
            ++i;
        }
    };
    if (strip_indent > 0 && at_line_start) strip();
    while (i < raw.size()) {
        char c = raw[i];
        if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') {
            ++i;  // CRLF line endings read as LF
            continue;
        }
        if (c == '\n') {
            out += '\n';
            ++i;
            if (strip_indent > 0) strip();
            continue;
        }
        if (c != '\\' || i + 1 >= raw.size()) {
            out += c;
            ++i;
            continue;
        }
        char e = raw[i + 1];
        if (mode != EscapeMode::Standard) {
            // Raw and regex sigils only unescape their own delimiter.
            if (e == delimiter) {
                out += e;
            } else {
                out += c;
                out += e;
            }
            i += 2;
            continue;
        }
        i += 2;
        switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 's':
                out += ' ';
                break;
            case 'e':
                out += '\x1B';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'd':
                out += '\x7F';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case '0':
                out += '\0';
                break;
            case '\n':
                if (strip_indent > 0) strip();
                break;  // escaped newline: line continuation
            case 'x': {
                if (i < raw.size() && raw[i] == '{') {
                    // \x{H...}: a code point, like \u{H...}
                    std::size_t j = i + 1;
                    std::uint32_t code = 0;
                    int digits = 0;
                    while (j < raw.size() && hex_value(raw[j]) >= 0 && digits < 6) {
                        code = code * 16 + static_cast<std::uint32_t>(hex_value(raw[j]));
                        ++j;
                        ++digits;
                    }
                    if (digits > 0 && j < raw.size() && raw[j] == '}') {
                        append_utf8(code, out);
                        i = j + 1;
                        break;
                    }
                }
                int hi = i < raw.size() ? hex_value(raw[i]) : -1;
                int lo = i + 1 < raw.size() ? hex_value(raw[i + 1]) : -1;
                if (hi >= 0 && lo >= 0) {
                    out += static_cast<char>(hi * 16 + lo);
                    i += 2;
                } else if (hi >= 0) {
                    out += static_cast<char>(hi);
                    i += 1;
                } else {
                    out += 'x';
                }
                break;
            }
            case 'u': {
                std::uint32_t code = 0;
                if (i < raw.size() && raw[i] == '{') {
                    std::size_t j = i + 1;
                    int digits = 0;
                    while (j < raw.size() && hex_value(raw[j]) >= 0 && digits < 6) {
                        code = code * 16 + static_cast<std::uint32_t>(hex_value(raw[j]));
                        ++j;
                        ++digits;
                    }
                    if (digits > 0 && j < raw.size() && raw[j] == '}') {
                        append_utf8(code, out);
                        i = j + 1;
                    } else {
                        out += 'u';
                    }
                } else {
                    int digits = 0;
                    std::size_t j = i;
                    while (j < raw.size() && digits < 4 && hex_value(raw[j]) >= 0) {
                        code = code * 16 + static_cast<std::uint32_t>(hex_value(raw[j]));
                        ++j;
                        ++digits;
                    }
                    if (digits == 4) {
                        append_utf8(code, out);
                        i = j;
                    } else {
                        out += 'u';
                    }
                }
                break;
            }
            default:
                out += e;
                break;
        }
    }
}

std::string_view to_string(TokenKind kind) {
    switch (kind) {
        case TokenKind::EndOfFile:
            return "end of file";
        case TokenKind::Eol:
            return "end of line";
        case TokenKind::Identifier:
            return "identifier";
        case TokenKind::Alias:
            return "alias";
        case TokenKind::KwIdentifier:
            return "keyword key";
        case TokenKind::Atom:
            return "atom";
        case TokenKind::Integer:
            return "integer";
        case TokenKind::Float:
            return "float";
        case TokenKind::Char:
            return "character literal";
        case TokenKind::CaptureArg:
            return "capture argument";
        case TokenKind::Ellipsis:
            return "'...'";
        case TokenKind::StringStart:
            return "string";
        case TokenKind::StringFragment:
            return "string";
        case TokenKind::InterpStart:
            return "'#{'";
        case TokenKind::InterpEnd:
            return "'}'";
        case TokenKind::StringEnd:
            return "end of string";
        case TokenKind::True:
            return "'true'";
        case TokenKind::False:
            return "'false'";
        case TokenKind::Nil:
            return "'nil'";
        case TokenKind::Fn:
            return "'fn'";
        case TokenKind::Do:
            return "'do'";
        case TokenKind::End:
            return "'end'";
        case TokenKind::Else:
            return "'else'";
        case TokenKind::After:
            return "'after'";
        case TokenKind::Rescue:
            return "'rescue'";
        case TokenKind::Catch:
            return "'catch'";
        case TokenKind::When:
            return "'when'";
        case TokenKind::And:
            return "'and'";
        case TokenKind::Or:
            return "'or'";
        case TokenKind::Not:
            return "'not'";
        case TokenKind::In:
            return "'in'";
        case TokenKind::NotIn:
            return "'not in'";
        case TokenKind::CurrentModule:
            return "'__MODULE__'";
        case TokenKind::LParen:
            return "'('";
        case TokenKind::RParen:
            return "')'";
        case TokenKind::LBracket:
            return "'['";
        case TokenKind::RBracket:
            return "']'";
        case TokenKind::LBrace:
            return "'{'";
        case TokenKind::RBrace:
            return "'}'";
        case TokenKind::BitOpen:
            return "'<<'";
        case TokenKind::BitClose:
            return "'>>'";
        case TokenKind::Comma:
            return "','";
        case TokenKind::Dot:
            return "'.'";
        case TokenKind::Percent:
            return "'%'";
        case TokenKind::At:
            return "'@'";
        case TokenKind::Ampersand:
            return "'&'";
        case TokenKind::Arrow:
            return "'->'";
        case TokenKind::LeftArrow:
            return "'<-'";
        case TokenKind::FatArrow:
            return "'=>'";
        case TokenKind::Bar:
            return "'|'";
        case TokenKind::Backslashes:
            return "'\\\\'";
        case TokenKind::DoubleColon:
            return "'::'";
        case TokenKind::Plus:
            return "'+'";
        case TokenKind::Minus:
            return "'-'";
        case TokenKind::Star:
            return "'*'";
        case TokenKind::Slash:
            return "'/'";
        case TokenKind::Power:
            return "'**'";
        case TokenKind::PlusPlus:
            return "'++'";
        case TokenKind::MinusMinus:
            return "'--'";
        case TokenKind::Concat:
            return "'<>'";
        case TokenKind::Range:
            return "'..'";
        case TokenKind::StepSlash:
            return "'//'";
        case TokenKind::Pipe:
            return "'|>'";
        case TokenKind::Less:
            return "'<'";
        case TokenKind::Greater:
            return "'>'";
        case TokenKind::LessEqual:
            return "'<='";
        case TokenKind::GreaterEqual:
            return "'>='";
        case TokenKind::EqualEqual:
            return "'=='";
        case TokenKind::NotEqual:
            return "'!='";
        case TokenKind::StrictEqual:
            return "'==='";
        case TokenKind::StrictNotEqual:
            return "'!=='";
        case TokenKind::RegexMatch:
            return "'=~'";
        case TokenKind::AndAnd:
            return "'&&'";
        case TokenKind::OrOr:
            return "'||'";
        case TokenKind::Bang:
            return "'!'";
        case TokenKind::Caret:
            return "'^'";
        case TokenKind::Match:
            return "'='";
        case TokenKind::UnsupportedOperator:
            return "operator";
    }
    return "token";
}

}  // namespace tasklens::script
