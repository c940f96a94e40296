#include "ui/term_input.h"

#include <charconv>
#include <vector>

#include "engine/script/ast.h"
#include "engine/script/parser.h"
#include "engine/script/source.h"

namespace tasklens::ui {
namespace {

using script::Node;
using script::NodeKind;

/// Walks a literal AST once. With `build` false it only checks (no Term is created), so the
/// check is safe on any thread.
class LiteralReader {
  public:
    explicit LiteralReader(bool build) : build_(build) {}

    std::optional<Term> read(const Node& node) {
        switch (node.kind) {
            case NodeKind::Integer:
                return make([&] { return Term::integer(node.integer); });
            case NodeKind::Float:
                return make([&] { return Term::floating(node.number); });
            case NodeKind::Atom:
                if (node.text == "nil") return make([] { return Term::nil(); });
                return make([&] { return Term::atom(node.text); });
            case NodeKind::Alias:
                return make([&] { return Term::atom(node.text); });
            case NodeKind::String:
                return make([&] { return Term::binary(node.text); });
            case NodeKind::Charlist:
                return make([&] {
                    std::vector<Term> chars;
                    for (unsigned char c : node.text) chars.push_back(Term::integer(c));
                    return Term::list(chars);
                });
            case NodeKind::UnaryOp:
                return readSigned(node);
            case NodeKind::Tuple:
            case NodeKind::List:
                return readSequence(node);
            case NodeKind::Map:
                return readMap(node);
            case NodeKind::LocalCall:
                if (node.text == "pid") return readPid(node);
                return fail(node, "not a literal term: a function call");
            case NodeKind::Block:
                if (node.children.size() == 1) return read(*node.children[0]);
                return fail(node, "expected one term");
            default:
                return fail(node,
                            "not a literal term: " + std::string(script::to_string(node.kind)));
        }
    }

    const std::string& error() const { return error_; }

  private:
    template <typename F>
    std::optional<Term> make(F&& f) {
        return build_ ? std::optional<Term>(f()) : std::optional<Term>(Term::nil());
    }

    std::optional<Term> fail(const Node& node, std::string message) {
        if (error_.empty())
            error_ = std::to_string(node.location.line) + ":" +
                     std::to_string(node.location.column) + ": " + std::move(message);
        return std::nullopt;
    }

    std::optional<Term> readSigned(const Node& node) {
        const Node& operand = *node.children[0];
        const bool negate = node.unary_op == script::UnaryOperator::Negate;
        if (node.unary_op != script::UnaryOperator::Negate &&
            node.unary_op != script::UnaryOperator::Plus)
            return fail(node, "not a literal term: an operator");
        if (operand.kind == NodeKind::Integer)
            return make([&] { return Term::integer(negate ? -operand.integer : operand.integer); });
        if (operand.kind == NodeKind::Float)
            return make([&] { return Term::floating(negate ? -operand.number : operand.number); });
        return fail(node, "not a literal term: an operator");
    }

    std::optional<Term> readSequence(const Node& node) {
        std::vector<Term> items;
        const bool has_tail = node.kind == NodeKind::List && node.has(script::kHasTail);
        const size_t count = node.children.size() - (has_tail ? 1 : 0);
        for (size_t i = 0; i < count; ++i) {
            auto item = read(*node.children[i]);
            if (!item) return std::nullopt;
            if (build_) items.push_back(std::move(*item));
        }
        Term tail = Term::empty_list();
        if (has_tail) {
            auto t = read(*node.children.back());
            if (!t) return std::nullopt;
            tail = std::move(*t);
        }
        if (node.kind == NodeKind::Tuple) return make([&] { return Term::tuple(items); });
        return make([&] { return Term::list(items, tail); });
    }

    std::optional<Term> readMap(const Node& node) {
        std::vector<std::pair<Term, Term>> entries;
        for (const Node* pair : node.children) {
            if (pair->kind != NodeKind::Pair) return fail(*pair, "not a literal map entry");
            auto key = read(*pair->children[0]);
            if (!key) return std::nullopt;
            auto value = read(*pair->children[1]);
            if (!value) return std::nullopt;
            if (build_) entries.emplace_back(std::move(*key), std::move(*value));
        }
        return make([&] { return Term::map(std::move(entries)); });
    }

    /// pid("0.5.0") or pid(0, 5, 0), as in IEx.
    std::optional<Term> readPid(const Node& node) {
        uint64_t parts[3] = {0, 0, 0};
        if (node.children.size() == 1 && node.children[0]->kind == NodeKind::String) {
            std::string_view text = node.children[0]->text;
            for (int i = 0; i < 3; ++i) {
                const auto dot = i < 2 ? text.find('.') : text.size();
                if (dot == std::string_view::npos)
                    return fail(node, "a pid is written pid(\"0.5.0\")");
                const auto piece = text.substr(0, dot);
                auto [end, ec] =
                    std::from_chars(piece.data(), piece.data() + piece.size(), parts[i]);
                if (ec != std::errc() || end != piece.data() + piece.size() || piece.empty())
                    return fail(node, "a pid is written pid(\"0.5.0\")");
                text.remove_prefix(std::min(text.size(), dot + 1));
            }
        } else if (node.children.size() == 3) {
            for (int i = 0; i < 3; ++i) {
                if (node.children[i]->kind != NodeKind::Integer || node.children[i]->integer < 0)
                    return fail(node, "a pid is written pid(0, 5, 0)");
                parts[i] = static_cast<uint64_t>(node.children[i]->integer);
            }
        } else {
            return fail(node, "a pid is written pid(\"0.5.0\") or pid(0, 5, 0)");
        }
        if (parts[1] == 0 || parts[0] > UINT32_MAX || parts[1] > UINT32_MAX)
            return fail(node, "no such pid");
        return make([&] {
            return Term::pid(Pid{static_cast<uint32_t>(parts[0]), static_cast<uint32_t>(parts[1])});
        });
    }

    bool build_;
    std::string error_;
};

std::optional<Term> readWith(std::string_view text, bool build, std::string* error) {
    script::SourceFiles files;
    const script::SourceFile& file = files.add("term", std::string(text));
    script::ParseResult parsed = script::parse(file);
    if (!parsed.ok()) {
        if (error) {
            const auto& d = parsed.diagnostics.front();
            *error = std::to_string(d.location.line) + ":" + std::to_string(d.location.column) +
                     ": " + d.message;
        }
        return std::nullopt;
    }
    const Node* root = parsed.ast->root();
    if (!root || root->children.empty()) {
        if (error) *error = "no term given";
        return std::nullopt;
    }
    LiteralReader reader(build);
    auto term = reader.read(*root);
    if (!term && error) *error = reader.error();
    return term;
}

}  // namespace

std::optional<Term> readTerm(std::string_view text, std::string* error) {
    return readWith(text, true, error);
}

std::string validateTerm(std::string_view text) {
    std::string error;
    if (readWith(text, false, &error)) return {};
    return error.empty() ? std::string("not a term") : error;
}

}  // namespace tasklens::ui
