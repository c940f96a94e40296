// Over 800 lines: a hand-written recursive-descent parser for Elixir's grammar, one function per
// grammar rule with one precedence table; splitting it would scatter the grammar.
#include "engine/script/parser.h"

#include "engine/script/operators.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "engine/script/lexer.h"

namespace tasklens::script {

namespace {

struct ParseError {
    SourceLocation location;
    std::string message;
    std::string construct;
};

// Elixir's precedence table (lib/elixir/pages/references/operators.md), higher binds tighter.
// Operators handled structurally elsewhere (`->`, `|`, `=>`, `&`, unary ones) are absent.
constexpr int kPrecCapture = 90;
constexpr int kPrecAssocKey = 81;  // map keys stop before `=>` (80) and `|` (70)

struct BinaryInfo {
    int precedence = -1;
    bool right_assoc = false;
    BinaryOperator op = BinaryOperator::Add;
};

BinaryInfo binary_info(TokenKind kind) {
    const BinaryOperatorInfo* info = binary_operator_info(kind);
    if (!info) return {};
    return {info->precedence, info->right_assoc, info->op};
}

// Bitwise's binary operators, or -1.
int bitwise_precedence(std::string_view op) {
    for (const auto& info : kBitwiseOperators)
        if (info.spelling == op) return info.precedence;
    return -1;
}

bool is_block_keyword(TokenKind kind) {
    return kind == TokenKind::Else || kind == TokenKind::After || kind == TokenKind::Rescue ||
           kind == TokenKind::Catch;
}

// Calls the scenario language refuses by name.
constexpr std::array<std::string_view, 6> kRefusedCalls{"quote",    "unquote",   "unquote_splicing",
                                                        "defmacro", "defmacrop", "defoverridable"};

// Parsing context that Elixir's grammar encodes in its matched/no_parens/unmatched split.
struct Context {
    // A call without parentheses may take several comma-separated arguments (statement level,
    // and the only argument of a call with parentheses: `f(g a, b)` is `f(g(a, b))`).
    // Elsewhere (inside brackets, later arguments, keyword values) it takes one.
    bool many = true;
    // `do` belongs to an enclosing call without parentheses (we are in its arguments).
    bool no_do = false;
    // A keyword value in the arguments of a call without parentheses. A call without
    // parentheses there takes the following arguments, keywords included, as Elixir's grammar
    // has it: `if a, do: f x, else: y` is `if(a, do: f(x, else: y))`.
    bool keyword_value = false;
    // Inside [...], {...}, %{...} or a keyword value there (only changes the error message).
    bool container = false;
    // A list item: `|` ends it (`[h | t]`) instead of being the binary operator `|`.
    bool list_item = false;
};

constexpr Context kStatement{true, false, false, false};
constexpr Context kContainer{false, false, false, true};
constexpr Context kCallArgument{false, false, false, false};  // f(a, HERE)
constexpr Context kListItem{false, false, false, true, true};

class Parser {
  public:
    Parser(std::vector<Token> tokens, Ast& ast, const ParseOptions& options)
        : tokens_(std::move(tokens)), ast_(ast) {
        max_depth_ = std::clamp<std::uint32_t>(options.max_depth, 8, 60000);
        // Matching ')' of every '(' (a hint for clause heads written `(a, b) ->`).
        paren_match_.assign(tokens_.size(), kNoMatch);
        std::vector<std::uint32_t> open;
        for (std::uint32_t i = 0; i < tokens_.size(); ++i) {
            if (tokens_[i].kind == TokenKind::LParen) {
                open.push_back(i);
            } else if (tokens_[i].kind == TokenKind::RParen && !open.empty()) {
                paren_match_[open.back()] = i;
                open.pop_back();
            }
        }
    }

    Node* parse_file() {
        Token start = peek();
        Node* body =
            parse_block_body(TokenKind::EndOfFile, TokenKind::EndOfFile, false, start, "file");
        return body;
    }

  private:
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    Ast& ast_;
    std::uint32_t depth_ = 0;
    std::uint32_t max_depth_ = 1000;
    int capture_depth_ = 0;
    int guard_depth_ = 0;
    static constexpr std::uint32_t kNoMatch = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> paren_match_;  // token index of the matching ')' of a '('

    // ---- tokens ----
    const Token& peek(std::size_t ahead = 0) const {
        std::size_t index = std::min(pos_ + ahead, tokens_.size() - 1);
        return tokens_[index];
    }
    TokenKind kind() const { return peek().kind; }
    bool at(TokenKind k) const { return kind() == k; }
    const Token& advance() {
        const Token& token = tokens_[pos_];
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return token;
    }
    // Between statements: newlines and ';'.
    void skip_separators() {
        while (at(TokenKind::Eol)) advance();
    }
    // Inside brackets, after operators and commas: newlines only, as in Elixir's grammar
    // (`[1;2]` and `f(1,;2)` are syntax errors).
    void skip_newlines() {
        while (at(TokenKind::Eol)) {
            if (peek().text == ";") unexpected(peek());
            advance();
        }
    }

    [[noreturn]] void fail(SourceLocation at, std::string message, std::string construct = {}) {
        throw ParseError{at, std::move(message), std::move(construct)};
    }
    [[noreturn]] void unsupported(SourceLocation at, std::string construct,
                                  std::string_view detail = {}) {
        // The same wording as the compiler's refusals (compiler_internal.h).
        std::string message = "Tasklens does not support " + construct + " yet (";
        if (!detail.empty()) {
            message += detail;
            message += "; ";
        }
        message += "see docs/scenario-language.md)";
        fail(at, std::move(message), std::move(construct));
    }
    [[noreturn]] void unexpected(const Token& token) {
        if (token.kind == TokenKind::EndOfFile) fail(token.location, "unexpected end of file");
        std::string shown = describe(token);
        fail(token.location, fmt::format("syntax error before: {}", shown));
    }
    static std::string describe(const Token& token) {
        switch (token.kind) {
            case TokenKind::Identifier:
            case TokenKind::Alias:
            case TokenKind::Integer:
            case TokenKind::Float:
                return std::string(token.text);
            case TokenKind::KwIdentifier:
                return fmt::format("{}:", token.text);
            case TokenKind::Eol:
                return token.text == ";" ? "';'" : "end of line";
            case TokenKind::Atom:
                return fmt::format(":{}", token.text);
            case TokenKind::StringStart:
                return "string";
            default:
                return std::string(to_string(token.kind));
        }
    }
    void expect(TokenKind k, const Token& opener, std::string_view closer) {
        if (at(k)) {
            advance();
            return;
        }
        if (at(TokenKind::EndOfFile)) {
            fail(peek().location, fmt::format("missing terminator: {} (for {} starting at line {})",
                                              closer, describe(opener), opener.location.line));
        }
        unexpected(peek());
    }

    // ---- nodes ----
    struct DepthGuard {
        Parser& parser;
        explicit DepthGuard(Parser& p, SourceLocation at) : parser(p) {
            if (++parser.depth_ > parser.max_depth_) {
                parser.fail(at, fmt::format("expression nested too deeply (the limit is {} levels)",
                                            parser.max_depth_));
            }
        }
        ~DepthGuard() { --parser.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
    };

    Node* leaf(NodeKind kind, SourceLocation at) { return ast_.make(kind, at); }

    Node* branch(NodeKind kind, SourceLocation at, std::span<Node* const> children) {
        Node* node = ast_.make(kind, at);
        set_children(node, children);
        return node;
    }
    Node* branch(NodeKind kind, SourceLocation at, std::initializer_list<Node*> children) {
        return branch(kind, at, std::span<Node* const>(children.begin(), children.size()));
    }

    void set_children(Node* node, std::span<Node* const> children) {
        node->children = ast_.copy_children(children);
        std::uint32_t height = 0;
        for (const Node* child : children) height = std::max<std::uint32_t>(height, child->height);
        if (height + 1 > max_depth_) {
            fail(node->location,
                 fmt::format("expression nested too deeply (the limit is {} levels)", max_depth_));
        }
        node->height = static_cast<std::uint16_t>(height + 1);
    }

    Node* atom(SourceLocation at, std::string_view name) {
        Node* node = leaf(NodeKind::Atom, at);
        node->text = ast_.intern(name);
        return node;
    }

    Node* keyword_tuple(SourceLocation at, Node* key, Node* value) {
        Node* tuple = branch(NodeKind::Tuple, at, {key, value});
        tuple->flags |= kKeyword;
        return tuple;
    }

    // ---- ~D ~T ~N ~U: the calendar struct the literal stands for ----
    Node* integer_leaf(SourceLocation at, std::int64_t value) {
        Node* node = leaf(NodeKind::Integer, at);
        node->integer = value;
        return node;
    }

    // Reads `count` digits at `pos` of `text`; -1 when they are not all digits.
    static std::int64_t read_digits(std::string_view text, size_t pos, size_t count) {
        if (pos + count > text.size()) return -1;
        std::int64_t value = 0;
        for (size_t k = pos; k < pos + count; ++k) {
            if (text[k] < '0' || text[k] > '9') return -1;
            value = value * 10 + (text[k] - '0');
        }
        return value;
    }

    // `%Date{year: .., month: .., day: .., calendar: Calendar.ISO}` and its relatives, as
    // Elixir's sigil_D/sigil_T/sigil_N/sigil_U expand at compile time.
    Node* calendar_sigil(char letter, std::string_view text, SourceLocation at) {
        static constexpr const char* kNames[] = {"Date", "Time", "NaiveDateTime", "DateTime"};
        const char* name = letter == 'D'   ? kNames[0]
                           : letter == 'T' ? kNames[1]
                           : letter == 'N' ? kNames[2]
                                           : kNames[3];
        auto bad = [&](const char* reason) {
            fail(at, fmt::format("cannot parse \"{}\" as {} for Calendar.ISO, reason: {}", text,
                                 name, reason));
        };
        std::vector<Node*> pairs;
        auto field = [&](std::string_view key, Node* value) {
            Node* pair = branch(NodeKind::Pair, at, {atom(at, key), value});
            pair->flags |= kKeyword;
            pairs.push_back(pair);
        };
        size_t pos = 0;
        if (letter != 'T') {
            std::int64_t y = read_digits(text, 0, 4), m = read_digits(text, 5, 2),
                         d = read_digits(text, 8, 2);
            if (y < 0 || m < 0 || d < 0 || text[4] != '-' || text[7] != '-') bad(":invalid_format");
            static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0))
                bad(":invalid_date");
            field("year", integer_leaf(at, y));
            field("month", integer_leaf(at, m));
            field("day", integer_leaf(at, d));
            pos = 10;
            if (letter != 'D') {
                if (pos >= text.size() || (text[pos] != ' ' && text[pos] != 'T'))
                    bad(":invalid_format");
                ++pos;
            }
        }
        if (letter != 'D') {
            std::int64_t h = read_digits(text, pos, 2), mi = read_digits(text, pos + 3, 2),
                         sec = read_digits(text, pos + 6, 2);
            if (h < 0 || mi < 0 || sec < 0 || text[pos + 2] != ':' || text[pos + 5] != ':')
                bad(":invalid_format");
            if (h > 23 || mi > 59 || sec > 59) bad(":invalid_time");
            pos += 8;
            std::int64_t micro = 0, precision = 0;
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                size_t start = ++pos;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
                if (pos == start) bad(":invalid_format");
                precision = static_cast<std::int64_t>(std::min<size_t>(pos - start, 6));
                micro = read_digits(text, start, static_cast<size_t>(precision));
                for (std::int64_t k = precision; k < 6; ++k) micro *= 10;
            }
            field("hour", integer_leaf(at, h));
            field("minute", integer_leaf(at, mi));
            field("second", integer_leaf(at, sec));
            field("microsecond", branch(NodeKind::Tuple, at,
                                        {integer_leaf(at, micro), integer_leaf(at, precision)}));
        }
        if (letter == 'U') {
            std::string_view rest = text.substr(std::min(pos, text.size()));
            if (rest != "Z" && rest != "+00:00" && rest != "+0000" && rest != "+00")
                bad(rest.empty() ? ":missing_offset" : ":non_utc_offset");
            pos = text.size();
            field("time_zone", string_leaf(at, "Etc/UTC"));
            field("zone_abbr", string_leaf(at, "UTC"));
            field("utc_offset", integer_leaf(at, 0));
            field("std_offset", integer_leaf(at, 0));
        }
        if (pos != text.size()) bad(":invalid_format");
        Node* calendar = leaf(NodeKind::Alias, at);
        calendar->text = ast_.intern("Elixir.Calendar.ISO");
        field("calendar", calendar);
        Node* module = leaf(NodeKind::Alias, at);
        module->text = ast_.intern(std::string("Elixir.") + name);
        return branch(NodeKind::Struct, at, {module, branch(NodeKind::Map, at, pairs)});
    }

    Node* string_leaf(SourceLocation at, std::string_view text) {
        Node* node = leaf(NodeKind::String, at);
        node->text = ast_.intern(text);
        return node;
    }

    // ---- blocks and stab clauses ----

    bool at_terminator(TokenKind a, TokenKind b) const {
        TokenKind k = kind();
        if (k == a || k == b) return true;
        if (a == TokenKind::End && is_block_keyword(k)) return true;
        return false;
    }

    // Parses statements (or stab clauses when allowed) until a terminator; returns a Block or a
    // Clauses node. `end` as terminator also stops at else/after/rescue/catch.
    Node* parse_block_body(TokenKind terminator, TokenKind terminator2, bool allow_stab,
                           const Token& opener, std::string_view what) {
        std::vector<Node*> statements;
        std::vector<Node*> clauses;
        // The clause being filled: its head, guard and body statements.
        struct OpenClause {
            SourceLocation location;
            std::vector<Node*> patterns;
            Node* guard = nullptr;
            std::vector<Node*> body;
        };
        std::optional<OpenClause> open;

        auto close_clause = [&] {
            if (!open) return;
            std::vector<Node*> children = open->patterns;
            if (open->guard) children.push_back(open->guard);
            Node* body = branch(NodeKind::Block, open->location, open->body);
            children.push_back(body);
            Node* clause = branch(NodeKind::StabClause, open->location, children);
            clause->arity = static_cast<std::uint32_t>(open->patterns.size());
            if (open->guard) clause->flags |= kHasGuard;
            clauses.push_back(clause);
            open.reset();
        };

        SourceLocation block_location = peek().location;
        skip_separators();
        while (!at_terminator(terminator, terminator2)) {
            if (at(TokenKind::EndOfFile)) {
                fail(peek().location,
                     fmt::format("missing terminator: {} (for {} starting at line {})",
                                 terminator == TokenKind::End      ? "end"
                                 : terminator == TokenKind::RParen ? ")"
                                                                   : "}",
                                 what, opener.location.line));
            }
            std::vector<Node*> head;
            Node* parens_guard = nullptr;
            SourceLocation item_location = peek().location;
            if (allow_stab && parenthesized_clause_head()) {
                // `(a, b) -> body`, `(a, b) when guard -> body`, `() -> body`
                parse_parens_arguments(head);
                if (at(TokenKind::When)) {
                    const Token& when = advance();
                    skip_newlines();
                    ++guard_depth_;
                    parens_guard = parse_expr(kStatement, binary_info(TokenKind::When).precedence);
                    --guard_depth_;
                    if (!at(TokenKind::Arrow) && head.size() == 1) {
                        // `(x) when y` as an ordinary expression
                        Node* expression =
                            make_binary(when, BinaryOperator::When, head.front(), parens_guard);
                        head.front() = parse_binary_rest(expression, kStatement, 0);
                        parens_guard = nullptr;
                    }
                }
                if (!at(TokenKind::Arrow) && head.size() != 1) unexpected(peek());
            } else if (!at(TokenKind::Arrow)) {
                head.push_back(parse_expr(kStatement));
                while (at(TokenKind::Comma)) {
                    const Token& comma = advance();
                    skip_newlines();
                    if (!allow_stab) unexpected(comma);
                    head.push_back(parse_expr(kCallArgument));
                }
            }
            if (at(TokenKind::Arrow)) {
                const Token& arrow = advance();
                if (!allow_stab) unexpected(arrow);
                if (!statements.empty()) {
                    fail(arrow.location,
                         "unexpected ->: a block cannot mix expressions and clauses "
                         "(pattern -> body)");
                }
                close_clause();
                open.emplace();
                open->location = item_location;
                if (parens_guard != nullptr) {
                    open->guard = parens_guard;
                } else if (!head.empty() && head.back()->kind == NodeKind::BinaryOp &&
                           head.back()->binary_op == BinaryOperator::When &&
                           !head.back()->has(kParens)) {
                    Node* when = head.back();
                    head.back() = when->child(0);
                    open->guard = when->child(1);
                }
                open->patterns = std::move(head);
                skip_separators();
                continue;
            }
            if (head.size() > 1) fail(item_location, "unexpected comma");
            if (open) {
                open->body.push_back(head.front());
            } else {
                statements.push_back(head.front());
            }
            if (at_terminator(terminator, terminator2)) break;
            if (!at(TokenKind::Eol)) unexpected(peek());
            skip_separators();
        }
        if (open || !clauses.empty()) {
            close_clause();
            return branch(NodeKind::Clauses, clauses.front()->location, clauses);
        }
        return branch(NodeKind::Block, block_location, statements);
    }

    // At `(` whose matching `)` is followed by `->` or `when`: a clause head in parentheses.
    bool parenthesized_clause_head() const {
        if (!at(TokenKind::LParen)) return false;
        std::uint32_t close = paren_match_[pos_];
        if (close == kNoMatch || close + 1 >= tokens_.size()) return false;
        TokenKind after = tokens_[close + 1].kind;
        return after == TokenKind::Arrow || after == TokenKind::When;
    }

    // `do ... [else/after/rescue/catch ...] end` -> keyword list [do: ..., else: ...].
    Node* parse_do_block() {
        const Token& do_token = advance();
        Token opener = do_token;
        std::vector<Node*> items;
        Node* body = parse_block_body(TokenKind::End, TokenKind::End, true, opener, "\"do\"");
        items.push_back(keyword_tuple(opener.location, atom(opener.location, "do"), body));
        while (is_block_keyword(kind())) {
            const Token& keyword = advance();
            SourceLocation at = keyword.location;
            std::string_view name = keyword.text;
            Node* value = parse_block_body(TokenKind::End, TokenKind::End, true, opener, "\"do\"");
            items.push_back(keyword_tuple(at, atom(at, name), value));
        }
        expect(TokenKind::End, opener, "end");
        Node* list = branch(NodeKind::List, opener.location, items);
        list->flags |= kKeyword | kDoBlock;
        return list;
    }

    // ---- expressions ----

    Node* parse_expr(Context ctx, int min_prec = 0) {
        DepthGuard guard(*this, peek().location);
        Node* left = parse_unary(ctx);
        return parse_binary_rest(left, ctx, min_prec);
    }

    Node* parse_binary_rest(Node* left, Context ctx, int min_prec) {
        while (true) {
            const Token& op_token = peek();
            BinaryInfo info = binary_info(op_token.kind);
            if (info.precedence < 0 || info.precedence < min_prec) return left;
            if (op_token.kind == TokenKind::Bar && ctx.list_item) return left;
            if (op_token.kind == TokenKind::UnsupportedOperator) {
                // Bitwise's operators are calls of the functions of that name, as in Elixir's
                // quoted form: `a &&& b` is `{:&&&, _, [a, b]}` (found through `import Bitwise`).
                int precedence = bitwise_precedence(op_token.text);
                if (precedence < 0)
                    unsupported(op_token.location, fmt::format("operator {}", op_token.text));
                if (precedence < min_prec) return left;
                advance();
                skip_newlines();
                Node* right = parse_expr(ctx, precedence + 1);
                Node* call = branch(NodeKind::LocalCall, op_token.location, {left, right});
                call->text = ast_.intern(op_token.text);
                call->flags |= kParens;
                left = call;
                continue;
            }
            advance();
            int next_min = info.right_assoc ? info.precedence : info.precedence + 1;
            bool guard = op_token.kind == TokenKind::When;
            Node* right = nullptr;
            if (guard && starts_keyword(peek())) {
                // `... when name: type` (typespecs): a keyword list without brackets
                std::vector<Node*> pairs;
                SourceLocation where = peek().location;
                parse_keyword_pairs(Context{false, ctx.no_do, true, false}, pairs, std::nullopt);
                right = keyword_list(where, pairs);
            } else {
                if (guard) ++guard_depth_;
                right = parse_expr(ctx, next_min);
                if (guard) --guard_depth_;
            }
            left = make_binary(op_token, info.op, left, right);
        }
    }

    Node* make_binary(const Token& op_token, BinaryOperator op, Node* left, Node* right) {
        SourceLocation at = op_token.location;
        // `not a in b` means `not(a in b)` (Elixir rewrites it the same way).
        if (op == BinaryOperator::In && left->kind == NodeKind::UnaryOp &&
            (left->unary_op == UnaryOperator::Not || left->unary_op == UnaryOperator::Bang) &&
            !left->has(kParens)) {
            Node* in = branch(NodeKind::BinaryOp, at, {left->child(0), right});
            in->binary_op = BinaryOperator::In;
            Node* negated = branch(NodeKind::UnaryOp, left->location, {in});
            negated->unary_op = left->unary_op;
            return negated;
        }
        if (op == BinaryOperator::RangeStep) {
            if (left->kind != NodeKind::BinaryOp || left->binary_op != BinaryOperator::Range ||
                left->has(kParens)) {
                unsupported(at, "operator //", "only valid as first..last//step");
            }
            Node* node =
                branch(NodeKind::BinaryOp, left->location, {left->child(0), left->child(1), right});
            node->binary_op = BinaryOperator::RangeStep;
            return node;
        }
        Node* node = branch(NodeKind::BinaryOp, at, {left, right});
        node->binary_op = op;
        return node;
    }

    Node* parse_unary(Context ctx) {
        DepthGuard guard(*this, peek().location);
        const Token& token = peek();
        switch (token.kind) {
            case TokenKind::Minus:
            case TokenKind::Plus: {
                advance();
                skip_newlines();
                Node* operand = parse_unary(ctx);
                bool negate = token.kind == TokenKind::Minus;
                if (operand->kind == NodeKind::Integer && !operand->has(kParens)) {
                    // Literal folding; the lexer left the magnitude unsigned, see parse_primary.
                    if (operand->has(kBigInteger)) {
                        if (negate) {
                            std::string text = operand->text.starts_with('-')
                                                   ? std::string(operand->text.substr(1))
                                                   : "-" + std::string(operand->text);
                            operand->text = ast_.intern(text);
                        }
                    } else if (negate) {
                        // unsigned negation: -9223372036854775808 arrives as INT64_MIN
                        operand->integer = static_cast<std::int64_t>(
                            std::uint64_t{0} - static_cast<std::uint64_t>(operand->integer));
                    }
                    operand->location = token.location;
                    return operand;
                }
                if (operand->kind == NodeKind::Float && !operand->has(kParens)) {
                    if (negate) operand->number = -operand->number;
                    operand->location = token.location;
                    return operand;
                }
                Node* node = branch(NodeKind::UnaryOp, token.location, {operand});
                node->unary_op = negate ? UnaryOperator::Negate : UnaryOperator::Plus;
                return node;
            }
            case TokenKind::UnsupportedOperator:
                if (token.text == "~~~") {  // Bitwise.~~~/1, a unary operator
                    advance();
                    skip_newlines();
                    Node* operand = parse_unary(ctx);
                    Node* call = branch(NodeKind::LocalCall, token.location, {operand});
                    call->text = ast_.intern(token.text);
                    call->flags |= kParens;
                    return call;
                }
                return parse_primary(ctx);
            case TokenKind::Not:
            case TokenKind::Bang: {
                advance();
                skip_newlines();
                Node* operand = parse_unary(ctx);
                Node* node = branch(NodeKind::UnaryOp, token.location, {operand});
                node->unary_op =
                    token.kind == TokenKind::Not ? UnaryOperator::Not : UnaryOperator::Bang;
                return node;
            }
            case TokenKind::Caret: {
                advance();
                Node* operand = parse_unary(ctx);
                if (operand->kind != NodeKind::Variable) {
                    unsupported(token.location, "pin ^ on a non-variable",
                                "only ^name is supported");
                }
                operand->flags |= kPinned;
                operand->location = token.location;
                return operand;
            }
            case TokenKind::Ampersand:
                return parse_capture(ctx);
            case TokenKind::At:
                return parse_postfix(parse_attribute(ctx), ctx);
            default:
                return parse_postfix(parse_primary(ctx), ctx);
        }
    }

    Node* parse_capture(Context ctx) {
        const Token& amp = advance();
        skip_newlines();
        if (capture_depth_ > 0) {
            fail(amp.location, "nested captures are not allowed (use fn ... end inside &)");
        }
        ++capture_depth_;
        Node* body = parse_expr(Context{ctx.many, ctx.no_do}, kPrecCapture + 1);
        --capture_depth_;
        // &name/arity and &Mod.name/arity
        if (body->kind == NodeKind::BinaryOp && body->binary_op == BinaryOperator::Divide &&
            body->child(1)->kind == NodeKind::Integer && !body->has(kParens)) {
            Node* target = body->child(0);
            Node* arity = body->child(1);
            if (arity->integer < 0 || arity->integer > 255) {
                fail(arity->location, "invalid arity in function capture");
            }
            if (target->kind == NodeKind::Variable && !target->has(kPinned)) {
                Node* node = leaf(NodeKind::CaptureFunction, amp.location);
                node->text = target->text;
                node->arity = static_cast<std::uint32_t>(arity->integer);
                return node;
            }
            if (target->kind == NodeKind::RemoteCall && target->children.size() == 1 &&
                !target->has(kParens)) {
                Node* node = branch(NodeKind::CaptureFunction, amp.location, {target->child(0)});
                node->text = target->text;
                node->arity = static_cast<std::uint32_t>(arity->integer);
                return node;
            }
        }
        return branch(NodeKind::Capture, amp.location, {body});
    }

    Node* parse_attribute(Context ctx) {
        const Token& at_token = advance();
        if (!at(TokenKind::Identifier) || peek().space_before) {
            unsupported(at_token.location, "@ on something other than a name",
                        "module attributes are written @name");
        }
        const Token& name = advance();
        Node* node = leaf(NodeKind::Attribute, at_token.location);
        node->text = ast_.intern(name.text);
        if (at(TokenKind::LParen) && !peek().space_before) {
            Token open = advance();
            skip_newlines();
            Node* value = parse_expr(kContainer);
            skip_newlines();
            expect(TokenKind::RParen, open, ")");
            set_children(node, std::span<Node* const>(&value, 1));
        } else if (starts_keyword(peek())) {
            // `@doc since: "1.0"`
            std::vector<Node*> pairs;
            SourceLocation where = peek().location;
            parse_keyword_pairs(Context{false, ctx.no_do, true, false}, pairs, std::nullopt);
            Node* value = keyword_list(where, pairs);
            set_children(node, std::span<Node* const>(&value, 1));
        } else if (starts_no_parens_argument(peek())) {
            Node* value = parse_expr(Context{ctx.many, ctx.no_do});
            set_children(node, std::span<Node* const>(&value, 1));
        }
        return node;
    }

    // Whether `token`, right after a name, starts the arguments of a call without parentheses
    // (`IO.puts "x"`, `foo -1`, `foo [1]`), as opposed to a binary operator or an access.
    static bool starts_no_parens_argument(const Token& token) {
        switch (token.kind) {
            case TokenKind::Identifier:
            case TokenKind::Alias:
            case TokenKind::KwIdentifier:
            case TokenKind::Atom:
            case TokenKind::Integer:
            case TokenKind::Float:
            case TokenKind::Char:
            case TokenKind::CaptureArg:
            case TokenKind::StringStart:
            case TokenKind::True:
            case TokenKind::False:
            case TokenKind::Nil:
            case TokenKind::CurrentModule:
            case TokenKind::LBrace:
            case TokenKind::Percent:
            case TokenKind::Fn:
            case TokenKind::Ampersand:
            case TokenKind::At:
            case TokenKind::Not:
            case TokenKind::Bang:
            case TokenKind::Caret:
            case TokenKind::BitOpen:
                return true;
            case TokenKind::LBracket:
            case TokenKind::LParen:
                return token.space_before;
            case TokenKind::Minus:
            case TokenKind::Plus:
                return token.space_before && !token.space_after;
            default:
                return false;
        }
    }

    static bool starts_keyword(const Token& token) {
        return token.kind == TokenKind::KwIdentifier ||
               (token.kind == TokenKind::StringStart && token.kw_key);
    }

    // Keyword pairs `a: 1, "b c": 2` -> keyword tuples appended to `out`. Stops before a comma
    // that is not followed by another keyword, and after a trailing comma before `closer`.
    void parse_keyword_pairs(Context value_ctx, std::vector<Node*>& out,
                             std::optional<TokenKind> closer) {
        while (true) {
            const Token& key_token = peek();
            Node* key = nullptr;
            if (key_token.kind == TokenKind::KwIdentifier) {
                advance();
                key = atom(key_token.location, key_token.text);
            } else {
                Node* text = parse_string();
                if (text->kind != NodeKind::String) {
                    unsupported(key_token.location, "interpolated keyword key");
                }
                key = atom(key_token.location, text->text);
            }
            skip_newlines();
            Node* value = parse_expr(value_ctx);
            out.push_back(keyword_tuple(key_token.location, key, value));
            if (!at(TokenKind::Comma)) return;
            if (starts_keyword(peek(1))) {
                advance();
                continue;
            }
            if (closer && peek(1).kind == *closer) {
                advance();
                return;
            }
            if (closer) {
                advance();
                fail(peek().location,
                     "syntax error: keyword pairs must come last (write [a, b, k: v])");
            }
            return;
        }
    }

    Node* keyword_list(SourceLocation at, std::vector<Node*>& pairs) {
        Node* list = branch(NodeKind::List, at, pairs);
        list->flags |= kKeyword;
        return list;
    }

    // Arguments of a call without parentheses, up to the end of the expression.
    void parse_no_parens_arguments(Context ctx, std::vector<Node*>& args) {
        bool first = true;
        while (true) {
            if (starts_keyword(peek())) {
                std::vector<Node*> pairs;
                SourceLocation where = peek().location;
                // Elixir's `kw_eol no_parens_expr`: a keyword value may itself be a call
                // without parentheses taking several arguments, the rest of the keywords
                // included (`def f(x), do: max x, 3`; `if c, do: f x, else: y` gives f two).
                parse_keyword_pairs(Context{true, true, true, false}, pairs, std::nullopt);
                args.push_back(keyword_list(where, pairs));
                if (at(TokenKind::Comma) && !ctx.many) return;
                if (at(TokenKind::Comma)) {
                    advance();
                    fail(peek().location,
                         "syntax error: keyword arguments must come last in a call");
                }
                return;
            }
            Context arg_ctx =
                first ? Context{ctx.many, true, ctx.keyword_value, ctx.container, ctx.list_item}
                      : Context{false, true, false, false, ctx.list_item};
            args.push_back(parse_expr(arg_ctx));
            if (!at(TokenKind::Comma)) return;
            if (!ctx.many) {
                // In a keyword value, a comma before the next key ends the value; any other
                // comma is ambiguous (Elixir refuses `[f a, b]` and `g(x, f a, b)`).
                if (ctx.keyword_value && starts_keyword(peek(1))) return;
                fail(peek().location, ctx.container
                                          ? "unexpected comma. Parentheses are required to solve "
                                            "ambiguity inside containers"
                                          : "unexpected comma. Parentheses are required to solve "
                                            "ambiguity in nested calls");
            }
            advance();
            skip_newlines();
            first = false;
        }
    }

    // `(args)` of a call; the current token is the opening parenthesis.
    void parse_parens_arguments(std::vector<Node*>& args) {
        Token open = advance();
        skip_newlines();
        bool first = true;
        while (!at(TokenKind::RParen)) {
            if (at(TokenKind::EndOfFile)) expect(TokenKind::RParen, open, ")");
            if (starts_keyword(peek())) {
                std::vector<Node*> pairs;
                SourceLocation where = peek().location;
                parse_keyword_pairs(kContainer, pairs, TokenKind::RParen);
                args.push_back(keyword_list(where, pairs));
                skip_newlines();
                break;
            }
            // The first argument may be a call without parentheses that takes the following
            // arguments: `IO.inspect(if a, do: b)`, `f(g a, b)` (Elixir's no_parens_expr as
            // the only argument). Later arguments may not (`f(x, g a, b)` is ambiguous).
            args.push_back(parse_expr(first ? kStatement : kCallArgument));
            first = false;
            skip_newlines();
            if (at(TokenKind::Comma)) {
                advance();
                skip_newlines();
                if (at(TokenKind::RParen)) unexpected(peek());  // `f(1,)` (Elixir refuses it)
                continue;
            }
            break;
        }
        skip_newlines();
        expect(TokenKind::RParen, open, ")");
    }

    // Finishes a call: arguments are in `args`; adds a do-block when one follows.
    Node* finish_call(Node* call, std::vector<Node*>& args, Context ctx) {
        if (!ctx.no_do && at(TokenKind::Do)) {
            if (guard_depth_ > 0) {
                std::string name =
                    call->kind == NodeKind::LocalCall ? std::string(call->text) : "do-block";
                unsupported(call->location, name + " in guard");
            }
            args.push_back(parse_do_block());
        }
        set_children(call, args);
        return call;
    }

    void check_refused(const Token& name) {
        for (std::string_view refused : kRefusedCalls) {
            if (name.text == refused) unsupported(name.location, std::string(refused));
        }
    }

    Node* parse_identifier(Context ctx) {
        const Token& name = advance();
        const Token& next = peek();
        if (next.kind == TokenKind::LParen && !next.space_before) {
            check_refused(name);
            Node* call = leaf(NodeKind::LocalCall, name.location);
            call->text = ast_.intern(name.text);
            call->flags |= kParens;
            std::vector<Node*> args;
            parse_parens_arguments(args);
            if (at(TokenKind::LParen) && !peek().space_before) {
                unsupported(peek().location, "nested call f(a)(b)");
            }
            return finish_call(call, args, ctx);
        }
        bool has_args = starts_no_parens_argument(next);
        if (has_args || (!ctx.no_do && next.kind == TokenKind::Do)) {
            check_refused(name);
            Node* call = leaf(NodeKind::LocalCall, name.location);
            call->text = ast_.intern(name.text);
            // `x -1`: a call of x in Elixir's grammar, but `x - 1` when x is a variable.
            if (next.kind == TokenKind::Minus || next.kind == TokenKind::Plus) {
                call->flags |= kAmbiguousOperator;
            }
            std::vector<Node*> args;
            if (has_args) parse_no_parens_arguments(ctx, args);
            return finish_call(call, args, ctx);
        }
        if (name.text == "_") return leaf(NodeKind::Underscore, name.location);
        Node* variable = leaf(NodeKind::Variable, name.location);
        variable->text = ast_.intern(name.text);
        return variable;
    }

    Node* parse_primary(Context ctx) {
        const Token& token = peek();
        switch (token.kind) {
            case TokenKind::Identifier:
                return parse_identifier(ctx);
            case TokenKind::Integer: {
                advance();
                Node* node = leaf(NodeKind::Integer, token.location);
                // 2^63 fits only negated; the unary minus folds it back to INT64_MIN.
                bool negated_min = token.integer == std::uint64_t{1} << 63 && pos_ >= 2 &&
                                   tokens_[pos_ - 2].kind == TokenKind::Minus;
                if (token.overflow || (token.integer >= std::uint64_t{1} << 63 && !negated_min)) {
                    node->flags |= kBigInteger;
                    node->text = ast_.intern(token.text);
                    return node;
                }
                node->integer = static_cast<std::int64_t>(token.integer);
                return node;
            }
            case TokenKind::Float: {
                advance();
                Node* node = leaf(NodeKind::Float, token.location);
                node->number = token.number;
                return node;
            }
            case TokenKind::Char: {
                advance();
                Node* node = leaf(NodeKind::Integer, token.location);
                node->integer = static_cast<std::int64_t>(token.integer);
                return node;
            }
            case TokenKind::CaptureArg: {
                advance();
                if (capture_depth_ == 0) {
                    fail(token.location,
                         fmt::format("capture argument &{} must be used within the capture "
                                     "operator &",
                                     token.integer));
                }
                if (token.integer == 0 || token.integer > 255) {
                    fail(token.location, "capture argument must be between &1 and &255");
                }
                Node* node = leaf(NodeKind::CaptureArg, token.location);
                node->integer = static_cast<std::int64_t>(token.integer);
                return node;
            }
            case TokenKind::Atom:
                advance();
                return atom(token.location, token.text);
            case TokenKind::True:
                advance();
                return atom(token.location, "true");
            case TokenKind::False:
                advance();
                return atom(token.location, "false");
            case TokenKind::Nil:
                advance();
                return atom(token.location, "nil");
            case TokenKind::CurrentModule:
                advance();
                return leaf(NodeKind::CurrentModule, token.location);
            case TokenKind::Alias: {
                advance();
                Node* node = leaf(NodeKind::Alias, token.location);
                node->text = ast_.intern(fmt::format("Elixir.{}", token.text));
                return node;
            }
            case TokenKind::StringStart:
                if (token.kw_key) {
                    fail(token.location,
                         "syntax error: keyword list outside of brackets or call arguments");
                }
                return parse_string();
            case TokenKind::LBracket:
                return parse_list();
            case TokenKind::LBrace:
                return parse_tuple();
            case TokenKind::Percent:
                return parse_map_or_struct();
            case TokenKind::LParen:
                return parse_parenthesized();
            case TokenKind::Fn:
                return parse_fn();
            case TokenKind::BitOpen:
                return parse_bitstring();
            case TokenKind::Ellipsis:
                unsupported(token.location, "...");
            case TokenKind::KwIdentifier:
                fail(token.location,
                     "syntax error: keyword list outside of brackets or call arguments");
            case TokenKind::Bar:
                fail(token.location,
                     "unexpected '|' (valid only in [head | tail] and %{map | key: value})");
            case TokenKind::FatArrow:
                fail(token.location, "unexpected '=>' (valid only inside %{...})");
            case TokenKind::UnsupportedOperator:
                unsupported(token.location, fmt::format("operator {}", token.text));
            default:
                unexpected(token);
        }
    }

    // ---- bitstrings ----

    // `<<seg, ...>>`; each segment `value` or `value::modifiers`, normalized to a BitSegment.
    Node* parse_bitstring() {
        Token open = advance();
        skip_newlines();
        std::vector<Node*> segments;
        while (!at(TokenKind::BitClose)) {
            if (at(TokenKind::EndOfFile)) expect(TokenKind::BitClose, open, ">>");
            segments.push_back(parse_bit_segment());
            if (at(TokenKind::LeftArrow)) {
                // `for <<c <- string>>`: the bitstring generator, `<-` after the last segment
                const Token& arrow = advance();
                skip_newlines();
                Node* source =
                    parse_expr(kContainer, binary_info(TokenKind::LeftArrow).precedence + 1);
                skip_newlines();
                if (!at(TokenKind::BitClose)) unexpected(peek());
                segments.back() =
                    make_binary(arrow, BinaryOperator::LeftArrow, segments.back(), source);
                break;
            }
            skip_newlines();
            if (!at(TokenKind::Comma)) break;
            advance();
            skip_newlines();
        }
        expect(TokenKind::BitClose, open, ">>");
        if (Node* folded = fold_literal_bitstring(open.location, segments)) return folded;
        return branch(NodeKind::Bitstring, open.location, segments);
    }

    // `<<1, 2, "abc">>`: when every segment is a literal byte (an integer with the default
    // 8-bit size, truncated like Elixir does) or a literal string, the bitstring is that binary:
    // a String node, which the compiler already handles in expressions and patterns.
    Node* fold_literal_bitstring(SourceLocation where, const std::vector<Node*>& segments) {
        std::string bytes;
        for (const Node* segment : segments) {
            if (segment->kind != NodeKind::BitSegment) return nullptr;  // a generator
            const Node* value = segment->child(0);
            bool default_shape = segment->modifiers == 0 && segment->children.size() == 1;
            if (value->kind == NodeKind::Integer && segment->bit_type == BitType::Integer &&
                segment->arity == 1 && default_shape) {
                bytes += static_cast<char>(static_cast<std::uint64_t>(value->integer) & 0xFF);
            } else if (value->kind == NodeKind::String && segment->bit_type == BitType::Binary &&
                       segment->arity == 8 && default_shape) {
                bytes += value->text;
            } else {
                return nullptr;
            }
        }
        Node* node = leaf(NodeKind::String, where);
        node->text = ast_.intern(bytes);
        return node;
    }

    struct SegmentSpec {
        std::optional<BitType> type;
        std::optional<bool> sign;  // true = signed
        std::optional<std::uint8_t> endian;
        Node* size = nullptr;
        std::optional<std::uint32_t> unit;
    };

    Node* parse_bit_segment() {
        constexpr int kAboveType = 61;  // `::` binds at 60
        Node* value = parse_expr(kContainer, kAboveType);
        SegmentSpec spec;
        SourceLocation where = value->location;
        if (at(TokenKind::DoubleColon)) {
            const Token& colons = advance();
            where = colons.location;
            skip_newlines();
            Node* modifiers = parse_expr(kContainer, kAboveType);
            if (modifiers->kind == NodeKind::BinaryOp &&
                modifiers->binary_op == BinaryOperator::Multiply && !modifiers->has(kParens)) {
                // `::size*unit` with integer literals
                const Node* size = modifiers->child(0);
                const Node* unit = modifiers->child(1);
                if (size->kind != NodeKind::Integer || unit->kind != NodeKind::Integer) {
                    fail(modifiers->location,
                         "size and unit in value::size*unit must be integer literals");
                }
                spec.size = modifiers->child(0);
                spec.unit = bit_unit(unit);
            } else {
                apply_bit_modifiers(modifiers, spec);
            }
        }
        BitType type = spec.type.value_or(value->kind == NodeKind::String ||
                                                  value->kind == NodeKind::InterpolatedString
                                              ? BitType::Binary
                                              : BitType::Integer);
        bool utf = type == BitType::Utf8 || type == BitType::Utf16 || type == BitType::Utf32;
        if (utf && (spec.size != nullptr || spec.unit)) {
            fail(where,
                 fmt::format("size and unit are not supported on {} types", to_string(type)));
        }
        if (type == BitType::Bitstring && spec.unit && *spec.unit != 1) {
            fail(where, "bitstring specifier cannot have a unit other than 1");
        }
        std::uint32_t unit = spec.unit.value_or(utf ? 0 : type == BitType::Binary ? 8 : 1);
        Node* segment = spec.size != nullptr
                            ? branch(NodeKind::BitSegment, where, {value, spec.size})
                            : branch(NodeKind::BitSegment, where, {value});
        segment->bit_type = type;
        segment->arity = unit;
        segment->modifiers = static_cast<std::uint8_t>(
            (spec.sign.value_or(false) ? kBitSigned : 0) | spec.endian.value_or(0));
        return segment;
    }

    std::uint32_t bit_unit(const Node* unit) {
        if (unit->kind != NodeKind::Integer || unit->integer < 1 || unit->integer > 256) {
            fail(unit->location, "unit in bitstring must be an integer literal from 1 to 256");
        }
        return static_cast<std::uint32_t>(unit->integer);
    }

    // `type-sign-endian-size(n)-unit(n)` in any order, or a bare integer size.
    void apply_bit_modifiers(Node* modifiers, SegmentSpec& spec) {
        // The chain is left-associative: walk down the left spine, then apply left to right.
        std::vector<Node*> items;
        Node* node = modifiers;
        while (node->kind == NodeKind::BinaryOp && node->binary_op == BinaryOperator::Subtract &&
               !node->has(kParens)) {
            items.push_back(node->child(1));
            node = node->child(0);
        }
        items.push_back(node);
        std::reverse(items.begin(), items.end());
        for (Node* item : items) apply_bit_modifier(item, spec);
    }

    void apply_bit_modifier(Node* item, SegmentSpec& spec) {
        auto set_once = [&](auto& slot, auto value, std::string_view what) {
            if (slot && *slot != value) {
                fail(item->location,
                     fmt::format("conflicting {} specification in bitstring", what));
            }
            slot = value;
        };
        if (item->kind == NodeKind::Integer) {
            if (spec.size != nullptr) fail(item->location, "duplicate size in bitstring segment");
            spec.size = item;
            return;
        }
        if (item->kind == NodeKind::LocalCall && item->has(kParens) && item->children.size() == 1 &&
            (item->text == "size" || item->text == "unit")) {
            if (item->text == "size") {
                if (spec.size != nullptr) {
                    fail(item->location, "duplicate size in bitstring segment");
                }
                spec.size = item->child(0);
            } else {
                set_once(spec.unit, bit_unit(item->child(0)), "unit");
            }
            return;
        }
        std::string_view name;
        if (item->kind == NodeKind::Variable && !item->has(kPinned)) name = item->text;
        if (item->kind == NodeKind::LocalCall && item->has(kParens) && item->children.empty()) {
            name = item->text;  // `binary()`
        }
        struct Named {
            std::string_view name;
            int group;  // 0 type, 1 sign, 2 endianness
            std::uint8_t value;
        };
        static constexpr std::array kNamed{
            Named{"integer", 0, static_cast<std::uint8_t>(BitType::Integer)},
            Named{"float", 0, static_cast<std::uint8_t>(BitType::Float)},
            Named{"binary", 0, static_cast<std::uint8_t>(BitType::Binary)},
            Named{"bytes", 0, static_cast<std::uint8_t>(BitType::Binary)},
            Named{"bitstring", 0, static_cast<std::uint8_t>(BitType::Bitstring)},
            Named{"bits", 0, static_cast<std::uint8_t>(BitType::Bitstring)},
            Named{"utf8", 0, static_cast<std::uint8_t>(BitType::Utf8)},
            Named{"utf16", 0, static_cast<std::uint8_t>(BitType::Utf16)},
            Named{"utf32", 0, static_cast<std::uint8_t>(BitType::Utf32)},
            Named{"signed", 1, 1},
            Named{"unsigned", 1, 0},
            Named{"big", 2, 0},
            Named{"little", 2, kBitLittle},
            Named{"native", 2, kBitNative},
        };
        for (const Named& named : kNamed) {
            if (named.name != name) continue;
            switch (named.group) {
                case 0:
                    set_once(spec.type, static_cast<BitType>(named.value), "type");
                    break;
                case 1:
                    set_once(spec.sign, named.value != 0, "signedness");
                    break;
                default:
                    set_once(spec.endian, named.value, "endianness");
                    break;
            }
            return;
        }
        std::string shown = name.empty() ? std::string(to_string(item->kind)) : std::string(name);
        fail(item->location, fmt::format("unknown bitstring specifier: {}", shown));
    }

    Node* parse_postfix(Node* node, Context ctx) {
        while (true) {
            const Token& token = peek();
            if (token.kind == TokenKind::Dot) {
                advance();
                skip_newlines();
                node = parse_dot(node, token, ctx);
                if (node->kind == NodeKind::RemoteCall && !node->has(kParens) &&
                    node->children.size() > 1) {
                    return node;  // a call without parentheses took the rest of the expression
                }
                continue;
            }
            if (token.kind == TokenKind::LBracket && !token.space_before) {
                Token open = advance();
                skip_newlines();
                Node* key = parse_expr(kContainer);
                skip_newlines();
                expect(TokenKind::RBracket, open, "]");
                node = branch(NodeKind::Access, open.location, {node, key});
                continue;
            }
            return node;
        }
    }

    Node* parse_dot(Node* target, const Token& dot, Context ctx) {
        const Token& token = peek();
        if (token.kind == TokenKind::LParen) {
            Node* call = leaf(NodeKind::AnonymousCall, dot.location);
            call->flags |= kParens;
            std::vector<Node*> args{target};
            parse_parens_arguments(args);
            set_children(call, args);
            return call;
        }
        if (token.kind == TokenKind::LBrace &&
            (target->kind == NodeKind::Alias || target->kind == NodeKind::CurrentModule)) {
            // `alias Foo.{Bar, Baz}`: a call of `{}` on the alias, as in Elixir's AST
            Node* names = parse_tuple();
            Node* call = leaf(NodeKind::RemoteCall, token.location);
            call->text = ast_.intern("{}");
            call->flags |= kParens;
            std::vector<Node*> args{target};
            args.insert(args.end(), names->children.begin(), names->children.end());
            set_children(call, args);
            return call;
        }
        if (token.kind == TokenKind::Alias) {
            advance();
            if (target->kind != NodeKind::Alias) {
                unsupported(token.location, "dynamic alias",
                            "only Literal.Alias.Names are supported");
            }
            target->text = ast_.intern(fmt::format("{}.{}", target->text, token.text));
            return target;
        }
        if (token.kind != TokenKind::Identifier) {
            if (token.kind == TokenKind::StringStart) {
                unsupported(token.location, "quoted function name", "Mod.\"name\"()");
            }
            unexpected(token);
        }
        const Token& name = advance();
        const Token& next = peek();
        bool module_target = target->kind == NodeKind::Alias || target->kind == NodeKind::Atom ||
                             target->kind == NodeKind::CurrentModule;
        Node* call = leaf(NodeKind::RemoteCall, name.location);
        call->text = ast_.intern(name.text);
        std::vector<Node*> args{target};
        if (next.kind == TokenKind::LParen && !next.space_before) {
            call->flags |= kParens;
            parse_parens_arguments(args);
            return finish_call(call, args, ctx);
        }
        if (starts_no_parens_argument(next)) {
            if (next.kind == TokenKind::Minus || next.kind == TokenKind::Plus) {
                call->flags |= kAmbiguousOperator;
            }
            parse_no_parens_arguments(ctx, args);
            return finish_call(call, args, ctx);
        }
        if (!ctx.no_do && next.kind == TokenKind::Do) return finish_call(call, args, ctx);
        if (module_target) return finish_call(call, args, ctx);
        Node* field = branch(NodeKind::FieldAccess, name.location, {target});
        field->text = call->text;
        return field;
    }

    Node* parse_parenthesized() {
        Token open = advance();
        Node* body = parse_block_body(TokenKind::RParen, TokenKind::RParen, true, open, "\"(\"");
        expect(TokenKind::RParen, open, ")");
        if (body->kind == NodeKind::Block && body->children.size() == 1) {
            Node* inner = body->child(0);
            // Remembered so that `(not a) in b` and `(a..b)//c` are not rearranged.
            if (inner->kind == NodeKind::UnaryOp || inner->kind == NodeKind::BinaryOp ||
                inner->kind == NodeKind::Integer || inner->kind == NodeKind::Float) {
                inner->flags |= kParens;
            }
            return inner;
        }
        body->location = open.location;
        return body;
    }

    Node* parse_fn() {
        Token fn = advance();
        Node* body = parse_block_body(TokenKind::End, TokenKind::End, true, fn, "fn");
        if (is_block_keyword(kind())) unexpected(peek());
        expect(TokenKind::End, fn, "end");
        if (body->kind != NodeKind::Clauses) {
            fail(fn.location, "expected clauses (args -> body) in fn ... end");
        }
        std::uint32_t arity = body->child(0)->arity;
        for (const Node* clause : body->children) {
            if (clause->arity != arity) {
                fail(clause->location, "cannot mix clauses with different arities in fn");
            }
        }
        Node* node = leaf(NodeKind::Fn, fn.location);
        set_children(node, body->children);
        return node;
    }

    Node* parse_list() {
        Token open = advance();
        skip_newlines();
        std::vector<Node*> items;
        bool keyword_only = true;
        bool tail = false;
        while (!at(TokenKind::RBracket)) {
            if (at(TokenKind::EndOfFile)) expect(TokenKind::RBracket, open, "]");
            if (starts_keyword(peek())) {
                parse_keyword_pairs(kContainer, items, TokenKind::RBracket);
                skip_newlines();
                break;
            }
            keyword_only = false;
            items.push_back(parse_expr(kListItem));
            skip_newlines();
            if (at(TokenKind::Bar)) {
                advance();
                skip_newlines();
                items.push_back(parse_expr(kContainer));
                skip_newlines();
                tail = true;
                break;
            }
            if (!at(TokenKind::Comma)) break;
            advance();
            skip_newlines();
        }
        expect(TokenKind::RBracket, open, "]");
        Node* list = branch(NodeKind::List, open.location, items);
        if (tail) list->flags |= kHasTail;
        if (keyword_only && !items.empty()) list->flags |= kKeyword;
        return list;
    }

    Node* parse_tuple() {
        Token open = advance();
        skip_newlines();
        std::vector<Node*> items;
        while (!at(TokenKind::RBrace)) {
            if (at(TokenKind::EndOfFile)) expect(TokenKind::RBrace, open, "}");
            if (starts_keyword(peek())) {
                std::vector<Node*> pairs;
                SourceLocation where = peek().location;
                parse_keyword_pairs(kContainer, pairs, TokenKind::RBrace);
                items.push_back(keyword_list(where, pairs));
                skip_newlines();
                break;
            }
            items.push_back(parse_expr(kContainer));
            skip_newlines();
            if (!at(TokenKind::Comma)) break;
            advance();
            skip_newlines();
        }
        expect(TokenKind::RBrace, open, "}");
        return branch(NodeKind::Tuple, open.location, items);
    }

    Node* parse_map_or_struct() {
        Token percent = advance();
        if (at(TokenKind::LBrace) && !peek().space_before) return parse_map_body(percent);
        // %Name{...}, %__MODULE__{...}, %name{...} (pattern on the struct name)
        Node* name = nullptr;
        const Token& token = peek();
        switch (token.kind) {
            case TokenKind::Alias: {
                advance();
                name = leaf(NodeKind::Alias, token.location);
                std::string text = fmt::format("Elixir.{}", token.text);
                while (at(TokenKind::Dot) && peek(1).kind == TokenKind::Alias) {
                    advance();
                    text += '.';
                    text += advance().text;
                }
                name->text = ast_.intern(text);
                break;
            }
            case TokenKind::CurrentModule:
                advance();
                name = leaf(NodeKind::CurrentModule, token.location);
                break;
            case TokenKind::Identifier:
                advance();
                if (token.text == "_") {
                    name = leaf(NodeKind::Underscore, token.location);
                } else {
                    name = leaf(NodeKind::Variable, token.location);
                    name->text = ast_.intern(token.text);
                }
                break;
            case TokenKind::Caret: {
                advance();
                if (!at(TokenKind::Identifier)) unexpected(peek());
                const Token& var = advance();
                name = leaf(NodeKind::Variable, token.location);
                name->text = ast_.intern(var.text);
                name->flags |= kPinned;
                break;
            }
            default:
                unexpected(token);
        }
        if (!at(TokenKind::LBrace)) unexpected(peek());
        Node* body = parse_map_body(percent);
        return branch(NodeKind::Struct, percent.location, {name, body});
    }

    // `{...}` after `%` or `%Name`: pairs or an update.
    Node* parse_map_body(const Token& percent) {
        Token open = advance();
        skip_newlines();
        std::vector<Node*> items;
        Node* base = nullptr;
        auto keyword_pairs = [&] {
            std::vector<Node*> tuples;
            parse_keyword_pairs(kContainer, tuples, TokenKind::RBrace);
            for (Node* tuple : tuples) {
                Node* pair = branch(NodeKind::Pair, tuple->location, tuple->children);
                pair->flags |= kKeyword;
                items.push_back(pair);
            }
        };
        while (!at(TokenKind::RBrace)) {
            if (at(TokenKind::EndOfFile)) expect(TokenKind::RBrace, open, "}");
            if (starts_keyword(peek())) {
                keyword_pairs();
                skip_newlines();
                break;
            }
            Node* key = parse_expr(kContainer, kPrecAssocKey);
            skip_newlines();
            if (at(TokenKind::Bar) && items.empty() && base == nullptr) {
                advance();
                skip_newlines();
                base = key;
                continue;
            }
            if (!at(TokenKind::FatArrow)) {
                if (at(TokenKind::EndOfFile)) expect(TokenKind::RBrace, open, "}");
                fail(peek().location, "syntax error: expected => or key: value in map");
            }
            const Token& arrow = advance();
            skip_newlines();
            Node* value = parse_expr(kContainer);
            skip_newlines();
            items.push_back(branch(NodeKind::Pair, arrow.location, {key, value}));
            if (!at(TokenKind::Comma)) break;
            advance();
            skip_newlines();
        }
        expect(TokenKind::RBrace, open, "}");
        if (base != nullptr) {
            if (items.empty()) fail(open.location, "syntax error: map update without pairs");
            items.insert(items.begin(), base);
            return branch(NodeKind::MapUpdate, percent.location, items);
        }
        return branch(NodeKind::Map, percent.location, items);
    }

    // StringStart ... StringEnd -> String, InterpolatedString, Charlist, Atom or Sigil.
    Node* parse_string() {
        const Token& start = advance();
        SourceLocation at = start.location;
        StringKind string_kind = start.string_kind;
        const Token& end = tokens_[start.match];
        bool heredoc = string_kind == StringKind::StringHeredoc ||
                       string_kind == StringKind::CharlistHeredoc ||
                       (string_kind == StringKind::Sigil && start.text.size() > 3 &&
                        (start.text[3] == start.text[2]));
        EscapeMode mode = EscapeMode::Standard;
        char delimiter = 0;
        if (string_kind == StringKind::Sigil) {
            char letter = start.sigil;
            switch (letter) {
                case 's':
                case 'c':
                case 'w':
                    break;
                case 'r':
                    mode = EscapeMode::Regex;
                    break;
                case 'S':
                case 'C':
                case 'W':
                case 'R':
                case 'D':
                case 'T':
                case 'N':
                case 'U':
                    mode = EscapeMode::Raw;
                    break;
                default:
                    unsupported(at, fmt::format("sigil ~{}", letter),
                                "supported: ~r ~s ~w ~c ~D ~T ~N ~U");
            }
            char open = start.text.size() > 2 ? start.text[2] : '/';
            delimiter = open == '('   ? ')'
                        : open == '[' ? ']'
                        : open == '{' ? '}'
                        : open == '<' ? '>'
                                      : open;
        }
        std::vector<Node*> parts;
        std::string literal;
        SourceLocation literal_at = at;
        bool first_fragment = true;
        auto flush = [&] {
            if (literal.empty()) return;
            Node* text = leaf(NodeKind::String, literal_at);
            text->text = ast_.intern(literal);
            parts.push_back(text);
            literal.clear();
        };
        while (kind() != TokenKind::StringEnd) {
            const Token& token = peek();
            if (token.kind == TokenKind::StringFragment) {
                advance();
                if (literal.empty()) literal_at = token.location;
                decode_fragment(token.text, mode, delimiter, heredoc ? end.heredoc_indent : 0,
                                first_fragment, literal);
            } else if (token.kind == TokenKind::InterpStart) {
                Token open = advance();
                flush();
                Node* body = parse_block_body(TokenKind::InterpEnd, TokenKind::InterpEnd, false,
                                              open, "\"#{\"");
                expect(TokenKind::InterpEnd, open, "}");
                if (body->kind == NodeKind::Block && body->children.size() == 1) {
                    body = body->child(0);
                }
                parts.push_back(body);
            } else {
                unexpected(token);  // unreachable: the lexer balances strings
            }
            first_fragment = false;
        }
        advance();  // StringEnd
        flush();
        bool interpolated = false;
        for (const Node* part : parts) {
            if (part->kind != NodeKind::String) interpolated = true;
        }
        // Without interpolation the parts are literal chunks, and string literals interpolated
        // as such (`"a#{"b"}"` is "ab").
        std::string_view text;
        if (!interpolated && parts.size() == 1) {
            text = parts.front()->text;
        } else if (!interpolated && parts.size() > 1) {
            std::string joined;
            for (const Node* part : parts) joined += part->text;
            text = ast_.intern(joined);
        }
        switch (string_kind) {
            case StringKind::QuotedAtom:
                if (interpolated) {
                    // `:"a#{b}"` is :erlang.binary_to_atom("a#{b}", :utf8), as in Elixir
                    Node* call =
                        branch(NodeKind::RemoteCall, at,
                               {atom(at, "erlang"), branch(NodeKind::InterpolatedString, at, parts),
                                atom(at, "utf8")});
                    call->text = ast_.intern("binary_to_atom");
                    call->flags |= kParens;
                    return call;
                }
                return atom(at, text);
            case StringKind::String:
            case StringKind::StringHeredoc:
            case StringKind::Charlist:
            case StringKind::CharlistHeredoc: {
                bool charlist = string_kind == StringKind::Charlist ||
                                string_kind == StringKind::CharlistHeredoc;
                if (!interpolated) {
                    Node* node = leaf(charlist ? NodeKind::Charlist : NodeKind::String, at);
                    node->text = text;
                    return node;
                }
                return branch(
                    charlist ? NodeKind::InterpolatedCharlist : NodeKind::InterpolatedString, at,
                    parts);
            }
            case StringKind::Sigil: {
                if (std::string_view("DTNU").find(start.sigil) != std::string_view::npos) {
                    if (!end.text.empty()) {
                        unsupported(at, fmt::format("sigil ~{} with modifiers", start.sigil));
                    }
                    return calendar_sigil(start.sigil, text, at);
                }
                if ((start.sigil == 'w' || start.sigil == 'W') && !interpolated) {
                    // a word list: strings, or atoms (`a`) or charlists (`c`) by modifier
                    NodeKind kind = end.text.find('a') != std::string_view::npos ? NodeKind::Atom
                                    : end.text.find('c') != std::string_view::npos
                                        ? NodeKind::Charlist
                                        : NodeKind::String;
                    std::vector<Node*> words;
                    size_t i = 0;
                    auto space = [](char c) {
                        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                               c == '\v';
                    };
                    while (i < text.size()) {
                        while (i < text.size() && space(text[i])) ++i;
                        size_t j = i;
                        while (j < text.size() && !space(text[j])) ++j;
                        if (j > i) {
                            Node* word = leaf(kind, at);
                            word->text = ast_.intern(text.substr(i, j - i));
                            words.push_back(word);
                        }
                        i = j;
                    }
                    return branch(NodeKind::List, at, words);
                }
                Node* content = nullptr;
                if (!interpolated) {
                    content = leaf(NodeKind::String, at);
                    content->text = text;
                } else {
                    content = branch(NodeKind::InterpolatedString, at, parts);
                }
                Node* node = branch(NodeKind::Sigil, at, {content});
                // `~S(..)`, `~C`, `~W`, `~R` differ from their lowercase forms only in how the
                // content is read (no escapes, no interpolation), which is done by now.
                node->sigil = start.sigil >= 'A' && start.sigil <= 'Z'
                                  ? static_cast<char>(start.sigil - 'A' + 'a')
                                  : start.sigil;
                node->text = ast_.intern(end.text);
                return node;
            }
        }
        unexpected(start);
    }
};

}  // namespace

ParseResult parse(const SourceFile& file, const ParseOptions& options) {
    ParseResult result;
    LexResult lexed = lex(file);
    if (lexed.error) {
        result.diagnostics.push_back(std::move(*lexed.error));
        return result;
    }
    auto ast = std::make_unique<Ast>();
    try {
        Parser parser(std::move(lexed.tokens), *ast, options);
        ast->set_root(parser.parse_file());
    } catch (const ParseError& error) {
        result.diagnostics.push_back(Diagnostic{error.location, error.message, error.construct});
        return result;
    }
    result.ast = std::move(ast);
    return result;
}

}  // namespace tasklens::script
