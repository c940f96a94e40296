#include "engine/script/ast.h"

#include "engine/script/operators.h"

#include <cstring>

#include <fmt/format.h>

namespace tasklens::script {

Node* Ast::make(NodeKind kind, SourceLocation location) {
    void* memory = arena_.allocate(sizeof(Node), alignof(Node));
    Node* node = new (memory) Node{};
    node->kind = kind;
    node->location = location;
    node->integer = 0;
    return node;
}

std::string_view Ast::intern(std::string_view text) {
    if (text.empty()) return {};
    char* memory = static_cast<char*>(arena_.allocate(text.size(), 1));
    std::memcpy(memory, text.data(), text.size());
    return {memory, text.size()};
}

std::span<Node* const> Ast::copy_children(std::span<Node* const> children) {
    if (children.empty()) return {};
    auto** memory =
        static_cast<Node**>(arena_.allocate(children.size() * sizeof(Node*), alignof(Node*)));
    std::memcpy(memory, children.data(), children.size() * sizeof(Node*));
    return {memory, children.size()};
}

std::span<Node* const> call_arguments(const Node& call) {
    if (call.kind == NodeKind::RemoteCall || call.kind == NodeKind::AnonymousCall) {
        return call.children.subspan(1);
    }
    return call.children;
}

std::string_view to_string(NodeKind kind) {
    switch (kind) {
        case NodeKind::Integer:
            return "Integer";
        case NodeKind::Float:
            return "Float";
        case NodeKind::Atom:
            return "Atom";
        case NodeKind::String:
            return "String";
        case NodeKind::InterpolatedString:
            return "InterpolatedString";
        case NodeKind::Charlist:
            return "Charlist";
        case NodeKind::InterpolatedCharlist:
            return "InterpolatedCharlist";
        case NodeKind::Sigil:
            return "Sigil";
        case NodeKind::Variable:
            return "Variable";
        case NodeKind::Underscore:
            return "Underscore";
        case NodeKind::Alias:
            return "Alias";
        case NodeKind::CurrentModule:
            return "CurrentModule";
        case NodeKind::Attribute:
            return "Attribute";
        case NodeKind::List:
            return "List";
        case NodeKind::Tuple:
            return "Tuple";
        case NodeKind::Map:
            return "Map";
        case NodeKind::MapUpdate:
            return "MapUpdate";
        case NodeKind::Pair:
            return "Pair";
        case NodeKind::Struct:
            return "Struct";
        case NodeKind::BinaryOp:
            return "BinaryOp";
        case NodeKind::UnaryOp:
            return "UnaryOp";
        case NodeKind::LocalCall:
            return "LocalCall";
        case NodeKind::RemoteCall:
            return "RemoteCall";
        case NodeKind::AnonymousCall:
            return "AnonymousCall";
        case NodeKind::FieldAccess:
            return "FieldAccess";
        case NodeKind::Access:
            return "Access";
        case NodeKind::Fn:
            return "Fn";
        case NodeKind::StabClause:
            return "StabClause";
        case NodeKind::Clauses:
            return "Clauses";
        case NodeKind::Block:
            return "Block";
        case NodeKind::Capture:
            return "Capture";
        case NodeKind::CaptureFunction:
            return "CaptureFunction";
        case NodeKind::CaptureArg:
            return "CaptureArg";
        case NodeKind::Bitstring:
            return "Bitstring";
        case NodeKind::BitSegment:
            return "BitSegment";
    }
    return "?";
}

std::string_view to_string(BinaryOperator op) {
    return binary_operator_info(op).spelling;
}

std::string_view to_string(UnaryOperator op) {
    switch (op) {
        case UnaryOperator::Negate:
            return "-";
        case UnaryOperator::Plus:
            return "+";
        case UnaryOperator::Not:
            return "not";
        case UnaryOperator::Bang:
            return "!";
    }
    return "?";
}

std::string_view to_string(BitType type) {
    switch (type) {
        case BitType::Integer:
            return "integer";
        case BitType::Float:
            return "float";
        case BitType::Binary:
            return "binary";
        case BitType::Bitstring:
            return "bitstring";
        case BitType::Utf8:
            return "utf8";
        case BitType::Utf16:
            return "utf16";
        case BitType::Utf32:
            return "utf32";
    }
    return "?";
}

namespace {

// S-expression format (one line, children separated by spaces):
//   42  1.5  :ok  "text"  'chars'  x  ^x  _  MyApp.Sup  __MODULE__  @attr  (@attr value)
//   (interp "a" x)  (interp' "a" x)  (sigil r "text" "mods")
//   (list a b)  (list a | t)  (kw a: 1 do: (block ...))  (tuple a b)
//   (map a: 1 (=> k v))  (map-update m a: 1)  (struct Task (map ...))
//   (+ a b)  (not in a b)  (- x)  (not x)
//   (call f a)  (call IO.puts a)  (call :erlang.f a)  (call x.f a)  (call. f a)
//   (field x name)  (access a b)
//   (fn clause...)  (-> (p1 p2) body)  (-> (p) (when g) body)  (clauses clause...)
//   (block e1 e2)  (& body)  (&/ f 1)  (&/ Mod.f 2)  &1
//   (<<>> seg...)  (:: value type [(size e)] [(unit n)] [signed] [little|native])
//   (the unit is shown only when it differs from the type's default)
class SexprPrinter {
  public:
    std::string out;

    void print(const Node& node) {
        switch (node.kind) {
            case NodeKind::Integer:
                if (node.has(kBigInteger)) {
                    out += node.text;
                } else {
                    out += fmt::format("{}", node.integer);
                }
                break;
            case NodeKind::Float:
                out += fmt::format("{}", node.number);
                break;
            case NodeKind::Atom:
                if (node.text == "true" || node.text == "false" || node.text == "nil") {
                    out += node.text;  // shown the way they are written
                } else {
                    print_atom(node.text);
                }
                break;
            case NodeKind::String:
                print_quoted(node.text, '"');
                break;
            case NodeKind::Charlist:
                print_quoted(node.text, '\'');
                break;
            case NodeKind::InterpolatedString:
                list("interp", node.children);
                break;
            case NodeKind::InterpolatedCharlist:
                list("interp'", node.children);
                break;
            case NodeKind::Sigil:
                out += "(sigil ";
                out += node.sigil;
                out += ' ';
                print(*node.child(0));
                out += ' ';
                print_quoted(node.text, '"');
                out += ')';
                break;
            case NodeKind::Variable:
                if (node.has(kPinned)) out += '^';
                out += node.text;
                break;
            case NodeKind::Underscore:
                out += '_';
                break;
            case NodeKind::Alias:
                print_alias(node.text);
                break;
            case NodeKind::CurrentModule:
                out += "__MODULE__";
                break;
            case NodeKind::Attribute:
                if (node.children.empty()) {
                    out += '@';
                    out += node.text;
                } else {
                    out += "(@";
                    out += node.text;
                    out += ' ';
                    print(*node.child(0));
                    out += ')';
                }
                break;
            case NodeKind::List:
                print_list(node);
                break;
            case NodeKind::Tuple:
                list("tuple", node.children);
                break;
            case NodeKind::Map:
                list("map", node.children);
                break;
            case NodeKind::MapUpdate:
                list("map-update", node.children);
                break;
            case NodeKind::Pair:
                if (node.has(kKeyword)) {
                    print_keyword_key(*node.child(0));
                    out += ' ';
                    print(*node.child(1));
                } else {
                    list("=>", node.children);
                }
                break;
            case NodeKind::Struct:
                list("struct", node.children);
                break;
            case NodeKind::BinaryOp:
                list(to_string(node.binary_op), node.children);
                break;
            case NodeKind::UnaryOp:
                list(to_string(node.unary_op), node.children);
                break;
            case NodeKind::LocalCall:
                out += "(call ";
                out += node.text;
                rest(node.children);
                break;
            case NodeKind::RemoteCall:
                out += "(call ";
                print(*node.child(0));
                out += '.';
                out += node.text;
                rest(node.children.subspan(1));
                break;
            case NodeKind::AnonymousCall:
                list("call.", node.children);
                break;
            case NodeKind::FieldAccess:
                out += "(field ";
                print(*node.child(0));
                out += ' ';
                out += node.text;
                out += ')';
                break;
            case NodeKind::Access:
                list("access", node.children);
                break;
            case NodeKind::Fn:
                list("fn", node.children);
                break;
            case NodeKind::StabClause: {
                out += "(-> ";
                list("", clause_patterns(node));
                if (const Node* guard = clause_guard(node)) {
                    out += " (when ";
                    print(*guard);
                    out += ')';
                }
                out += ' ';
                print(*clause_body(node));
                out += ')';
                break;
            }
            case NodeKind::Clauses:
                list("clauses", node.children);
                break;
            case NodeKind::Block:
                list("block", node.children);
                break;
            case NodeKind::Capture:
                list("&", node.children);
                break;
            case NodeKind::CaptureFunction:
                out += "(&/ ";
                if (!node.children.empty()) {
                    print(*node.child(0));
                    out += '.';
                }
                out += node.text;
                out += fmt::format(" {})", node.arity);
                break;
            case NodeKind::CaptureArg:
                out += fmt::format("&{}", node.integer);
                break;
            case NodeKind::Bitstring:
                list("<<>>", node.children);
                break;
            case NodeKind::BitSegment: {
                out += "(:: ";
                print(*node.child(0));
                out += ' ';
                out += to_string(node.bit_type);
                if (node.children.size() > 1) {
                    out += " (size ";
                    print(*node.child(1));
                    out += ')';
                }
                std::uint32_t default_unit = node.bit_type == BitType::Binary ? 8
                                             : node.bit_type == BitType::Utf8 ||
                                                     node.bit_type == BitType::Utf16 ||
                                                     node.bit_type == BitType::Utf32
                                                 ? 0
                                                 : 1;
                if (node.arity != default_unit) out += fmt::format(" (unit {})", node.arity);
                if ((node.modifiers & kBitSigned) != 0) out += " signed";
                if ((node.modifiers & kBitLittle) != 0) out += " little";
                if ((node.modifiers & kBitNative) != 0) out += " native";
                out += ')';
                break;
            }
        }
    }

  private:
    void list(std::string_view head, std::span<Node* const> children) {
        out += '(';
        out += head;
        if (head.empty()) {
            for (std::size_t i = 0; i < children.size(); ++i) {
                if (i > 0) out += ' ';
                print(*children[i]);
            }
            out += ')';
        } else {
            rest(children);
        }
    }

    void rest(std::span<Node* const> children) {
        for (const Node* child : children) {
            out += ' ';
            print(*child);
        }
        out += ')';
    }

    void print_list(const Node& node) {
        if (node.has(kKeyword)) {
            out += "(kw";
            for (const Node* item : node.children) {
                out += ' ';
                if (item->kind == NodeKind::Tuple && item->children.size() == 2) {
                    print_keyword_key(*item->child(0));
                    out += ' ';
                    print(*item->child(1));
                } else {
                    print(*item);
                }
            }
            out += ')';
            return;
        }
        out += "(list";
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            out += ' ';
            if (node.has(kHasTail) && i + 1 == node.children.size()) out += "| ";
            print(*node.child(i));
        }
        out += ')';
    }

    void print_keyword_key(const Node& key) {
        if (key.kind == NodeKind::Atom) {
            if (is_plain_atom(key.text)) {
                out += key.text;
            } else {
                print_quoted(key.text, '"');
            }
            out += ':';
        } else {
            print(key);
        }
    }

    void print_alias(std::string_view name) {
        constexpr std::string_view prefix = "Elixir.";
        if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
        out += name;
    }

    static bool is_plain_atom(std::string_view name) {
        if (name.empty()) return false;
        char first = name[0];
        if (!(first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            return false;
        }
        for (std::size_t i = 0; i < name.size(); ++i) {
            char c = name[i];
            bool word = c == '_' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9');
            bool suffix = (c == '?' || c == '!') && i + 1 == name.size();
            if (!word && !suffix) return false;
        }
        return true;
    }

    void print_atom(std::string_view name) {
        out += ':';
        if (is_plain_atom(name)) {
            out += name;
        } else {
            print_quoted(name, '"');
        }
    }

    void print_quoted(std::string_view text, char quote) {
        out += quote;
        for (char c : text) {
            switch (c) {
                case '\n':
                    out += "\\n";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                default:
                    if (c == quote) {
                        out += '\\';
                        out += c;
                    } else if (static_cast<unsigned char>(c) < 0x20) {
                        out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
                    } else {
                        out += c;
                    }
            }
        }
        out += quote;
    }
};

}  // namespace

std::string to_sexpr(const Node& node) {
    SexprPrinter printer;
    printer.print(node);
    return std::move(printer.out);
}

}  // namespace tasklens::script
