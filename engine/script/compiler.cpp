// Over 2,500 lines: the compiler is still one class; splitting it by pass (emit / patterns /
// expressions / special forms / modules) is open work in issue 9 (Structure). New passes go into
// their own files (compile_bitstring.cpp).
#include "engine/script/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "engine/runtime/integer.h"
#include "engine/script/builtins.h"
#include "engine/script/compile_bitstring.h"
#include "engine/script/otp_exports.h"
#include "engine/script/parser.h"
#include "engine/script/prelude.h"

namespace tasklens::script {
namespace {

struct CompileError {
    Diagnostic diagnostic;
};

[[noreturn]] void refuse(const Node* at, std::string construct) {
    Diagnostic d;
    if (at) d.location = at->location;
    d.message = "unsupported construct: " + construct;
    d.construct = std::move(construct);
    throw CompileError{std::move(d)};
}

[[noreturn]] void fail_at(const Node* at, std::string message) {
    Diagnostic d;
    if (at) d.location = at->location;
    d.message = std::move(message);
    throw CompileError{std::move(d)};
}

const Atom kElixirKernel = Atom::intern("Elixir.Kernel");
const Atom kVmModule = Atom::intern("Elixir.Tasklens.VM");

bool is_keyword_list(const Node* n) {
    if (!n || n->kind != NodeKind::List || n->has(kHasTail)) return false;
    for (const Node* c : n->children) {
        if (c->kind != NodeKind::Tuple || c->children.size() != 2 ||
            c->child(0)->kind != NodeKind::Atom)
            return false;
    }
    return true;
}

const Node* keyword_get(const Node* list, std::string_view key) {
    if (!is_keyword_list(list)) return nullptr;
    for (const Node* c : list->children) {
        if (c->child(0)->text == key) return c->child(1);
    }
    return nullptr;
}

bool is_do_block(const Node* n) {
    return n && is_keyword_list(n) && keyword_get(n, "do") != nullptr;
}

std::span<Node* const> clauses_of(const Node* n) {
    if (n && n->kind == NodeKind::Clauses) return n->children;
    return {};
}

struct Label {
    std::vector<uint32_t> refs;
    int64_t target = -1;
};

/// `import M, only: [f: 1]` / `except: [...]` / `only: :functions`.
struct ImportFilter {
    bool active = false;
    bool only = false;
    std::string kind;  ///< "functions", "macros" or "sigils" for only: :atom
    std::set<std::pair<std::string, uint32_t>> names;
    bool allows(const std::string& name, uint32_t arity) const {
        if (!active) return true;
        if (!kind.empty())
            return kind == "functions" || (kind == "sigils" && name.starts_with("sigil_"));
        bool listed = names.count({name, arity}) > 0;
        return only ? listed : !listed;
    }
};

struct ModuleCtx {
    Atom name;
    bool is_script = false;  // the top-level "module" of the script
    std::map<std::string, Term> attrs;
    /// Attributes whose value is not a constant (`@names Enum.map(...)`): the expression is
    /// compiled where the attribute is read, so it is evaluated at each read.
    std::map<std::string, const Node*> computed_attrs;
    std::set<std::string> accumulated_attrs;  ///< Module.register_attribute(..., accumulate: true)
    struct Def {
        std::string name;
        uint32_t arity = 0;
        bool priv = false;
        std::vector<const Node*> clauses;  // def/defp call nodes
        FunctionCode* fn = nullptr;
        // a default-argument wrapper: calls `target` filling defaults from `head`
        const Node* default_head = nullptr;
        FunctionCode* default_target = nullptr;
    };
    std::map<std::pair<std::string, uint32_t>, Def> defs;
    std::vector<Atom> imports;
    std::map<uint32_t, ImportFilter> import_filters;  ///< by imported module
    std::set<std::string> using_behaviours;
};

struct FnState {
    FunctionCode* fn = nullptr;
    FnState* parent = nullptr;  // enclosing function whose variables a fn may capture
    std::unordered_map<std::string, uint32_t> vars;
    std::vector<std::string> captures;
    uint32_t next_reg = 0;
    int no_tail = 0;
    uint32_t stacktrace_reg = kNoReg;
};

class Compiler final : public BitstringHost {
  public:
    Compiler(Program& program, SourceFiles& files, const SourceFile& file,
             const CompileOptions& options)
        : program_(program), files_(files), file_(&file), options_(options) {}

    void compile_root(const Node* root);

    // BitstringHost: what compile_bitstring.cpp needs from this compiler
    uint32_t emit_instruction(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) override {
        return emit(op, a, b, c, d);
    }
    uint32_t new_registers(uint32_t count) override { return regs(count); }
    uint32_t constant(Term value) override { return konst(std::move(value)); }
    void compile_into(const Node* expression, uint32_t dst) override { into(expression, dst); }
    uint32_t variable_register(std::string_view name) override { return lookup(std::string(name)); }
    uint32_t code_position() override { return here(); }
    void set_jump_target(uint32_t instruction, uint32_t target) override {
        f_->fn->code[instruction].d = target;
    }
    [[noreturn]] void refuse_construct(const Node* at, std::string construct) override {
        refuse(at, std::move(construct));
    }
    [[noreturn]] void compile_error(const Node* at, std::string message) override {
        fail_at(at, std::move(message));
    }

  private:
    // ---------------------------------------------------------------- emission
    uint32_t emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
        auto& code = f_->fn->code;
        code.push_back(Instr{op, a, b, c, d});
        f_->fn->lines.push_back(line_);
        return static_cast<uint32_t>(code.size() - 1);
    }
    uint32_t here() const { return static_cast<uint32_t>(f_->fn->code.size()); }
    uint32_t reg() {
        uint32_t r = f_->next_reg++;
        if (f_->next_reg > f_->fn->num_regs) f_->fn->num_regs = f_->next_reg;
        return r;
    }
    uint32_t regs(uint32_t n) {
        uint32_t base = f_->next_reg;
        f_->next_reg += n;
        if (f_->next_reg > f_->fn->num_regs) f_->fn->num_regs = f_->next_reg;
        return base;
    }
    uint32_t konst(Term t) {
        auto& consts = f_->fn->consts;
        for (size_t i = 0; i < consts.size() && i < 64; ++i) {
            if (consts[i].type() == t.type() && exact_equal(consts[i], t))
                return static_cast<uint32_t>(i);
        }
        consts.push_back(std::move(t));
        return static_cast<uint32_t>(consts.size() - 1);
    }
    uint32_t load(Term t) {
        uint32_t r = reg();
        emit(Op::LoadK, r, konst(std::move(t)));
        return r;
    }
    void jump_to(Label& l, Op op = Op::Jump, uint32_t a = 0) {
        l.refs.push_back(emit(op, a, 0, 0, 0));
    }
    void fail_to(Label& l, uint32_t index) { l.refs.push_back(index); }
    void bind(Label& l) {
        l.target = here();
        for (uint32_t i : l.refs) f_->fn->code[i].d = static_cast<uint32_t>(l.target);
    }
    void at(const Node* n) {
        if (n && n->location.line) line_ = n->location.line;
    }

    uint32_t callsite(Atom module, Atom function, uint32_t arity) {
        for (size_t i = 0; i < program_.callsites.size(); ++i) {
            const auto& c = program_.callsites[i];
            if (c.module == module && c.function == function && c.arity == arity)
                return static_cast<uint32_t>(i);
        }
        CallSite c;
        c.module = module;
        c.function = function;
        c.arity = arity;
        program_.callsites.push_back(c);
        return static_cast<uint32_t>(program_.callsites.size() - 1);
    }

    // ---------------------------------------------------------------- names
    Atom resolve_alias(const Node* n) {
        std::string_view text = n->text;  // "Elixir.A.B"
        std::string_view rest = text.substr(text.starts_with("Elixir.") ? 7 : 0);
        auto dot = rest.find('.');
        std::string first(rest.substr(0, dot));
        auto it = aliases_.find(first);
        if (it != aliases_.end()) {
            std::string full = it->second;
            if (dot != std::string_view::npos) full += std::string(rest.substr(dot));
            return Atom::intern(full);
        }
        return Atom::intern(text);
    }

    Atom module_target(const Node* n) {
        switch (n->kind) {
            case NodeKind::Alias:
                return resolve_alias(n);
            case NodeKind::Atom:
                return Atom::intern(n->text);
            case NodeKind::CurrentModule:
                return module_ ? module_->name : atom::nil;
            default:
                return Atom{};
        }
    }

    // ---------------------------------------------------------------- constants
    std::optional<Term> const_eval(const Node* n) {
        switch (n->kind) {
            case NodeKind::Integer:
                if (n->has(kBigInteger)) return big_integer_literal(n->text);
                return Term::integer(n->integer);
            case NodeKind::Float:
                return Term::floating(n->number);
            case NodeKind::Atom:
                return Term::atom(n->text);
            case NodeKind::String:
                return Term::binary(n->text);
            case NodeKind::Charlist: {
                // a charlist is a list of code points: 'héllo' has 5 elements
                std::vector<Term> items;
                for (uint32_t cp : literal_codepoints(n->text)) items.push_back(Term::integer(cp));
                return Term::list(items);
            }
            case NodeKind::Alias:
                return Term::atom(resolve_alias(n));
            case NodeKind::CurrentModule:
                return Term::atom(module_ ? module_->name : atom::nil);
            case NodeKind::Attribute: {
                if (!n->children.empty() || !module_) return std::nullopt;
                if (module_->computed_attrs.count(std::string(n->text))) return std::nullopt;
                auto it = module_->attrs.find(std::string(n->text));
                if (it == module_->attrs.end()) return Term::nil();
                return it->second;
            }
            case NodeKind::UnaryOp:
                if (n->unary_op == UnaryOperator::Negate) {
                    auto v = const_eval(n->child(0));
                    if (v && v->is_integral()) return integer::neg(*v);
                    if (v && v->is_float()) return Term::floating(-v->as_float());
                }
                return std::nullopt;
            case NodeKind::List: {
                std::vector<Term> items;
                size_t count = n->children.size() - (n->has(kHasTail) ? 1 : 0);
                for (size_t i = 0; i < count; ++i) {
                    auto v = const_eval(n->child(i));
                    if (!v) return std::nullopt;
                    items.push_back(*v);
                }
                Term tail = Term::empty_list();
                if (n->has(kHasTail)) {
                    auto t = const_eval(n->children.back());
                    if (!t) return std::nullopt;
                    tail = *t;
                }
                return Term::list(items, tail);
            }
            case NodeKind::Tuple: {
                std::vector<Term> items;
                for (const Node* c : n->children) {
                    auto v = const_eval(c);
                    if (!v) return std::nullopt;
                    items.push_back(*v);
                }
                return Term::tuple(items);
            }
            case NodeKind::Map: {
                std::vector<std::pair<Term, Term>> entries;
                for (const Node* p : n->children) {
                    auto k = const_eval(p->child(0));
                    auto v = const_eval(p->child(1));
                    if (!k || !v) return std::nullopt;
                    entries.emplace_back(*k, *v);
                }
                return Term::map(std::move(entries));
            }
            case NodeKind::Sigil: {
                if (n->children.empty() || n->child(0)->kind != NodeKind::String)
                    return std::nullopt;
                std::string_view s = n->child(0)->text;
                if (n->sigil == 's') return Term::binary(s);
                if (n->sigil == 'w') {
                    std::vector<Term> words;
                    size_t i = 0;
                    bool atoms = n->text.find('a') != std::string_view::npos;
                    while (i < s.size()) {
                        while (i < s.size() && isspace(static_cast<unsigned char>(s[i]))) ++i;
                        size_t j = i;
                        while (j < s.size() && !isspace(static_cast<unsigned char>(s[j]))) ++j;
                        if (j > i)
                            words.push_back(atoms ? Term::atom(s.substr(i, j - i))
                                                  : Term::binary(s.substr(i, j - i)));
                        i = j;
                    }
                    return Term::list(words);
                }
                return std::nullopt;
            }
            default:
                return std::nullopt;
        }
    }

    // ---------------------------------------------------------------- variables
    bool visible(FnState* f, const std::string& name) {
        for (FnState* s = f; s; s = s->parent) {
            if (s->vars.count(name)) return true;
        }
        return false;
    }
    /// Register holding variable `name` in the current function, loading it from the closure
    /// environment when it is captured. kNoReg if unknown.
    uint32_t lookup(const std::string& name) {
        auto it = f_->vars.find(name);
        if (it != f_->vars.end()) return it->second;
        if (!f_->parent || !visible(f_->parent, name)) return kNoReg;
        uint32_t index;
        auto pos = std::find(f_->captures.begin(), f_->captures.end(), name);
        if (pos == f_->captures.end()) {
            index = static_cast<uint32_t>(f_->captures.size());
            f_->captures.push_back(name);
        } else {
            index = static_cast<uint32_t>(pos - f_->captures.begin());
        }
        uint32_t r = reg();
        emit(Op::LoadEnv, r, index);
        return r;
    }

    // ---------------------------------------------------------------- patterns
    struct PatternState {
        std::unordered_set<std::string> bound;
    };

    void pattern(const Node* p, uint32_t src, Label& fail, PatternState& ps) {
        at(p);
        switch (p->kind) {
            case NodeKind::Underscore:
                return;
            case NodeKind::Variable: {
                std::string name(p->text);
                if (p->has(kPinned)) {
                    uint32_t r = lookup(name);
                    if (r == kNoReg) fail_at(p, fmt::format("undefined variable ^{}", name));
                    fail_to(fail, emit(Op::TestExact, src, r));
                    return;
                }
                if (name == "_") return;
                if (ps.bound.count(name)) {
                    fail_to(fail, emit(Op::TestExact, src, f_->vars[name]));
                    return;
                }
                ps.bound.insert(name);
                // Registers are written once per evaluation of their expression, so a variable
                // can simply name the register its value came from.
                f_->vars[name] = src;
                return;
            }
            case NodeKind::Integer:
            case NodeKind::Float:
            case NodeKind::Atom:
            case NodeKind::String:
            case NodeKind::Charlist:
            case NodeKind::Alias:
            case NodeKind::CurrentModule:
            case NodeKind::Attribute: {
                auto v = const_eval(p);
                if (!v) refuse(p, "this expression in a pattern");
                fail_to(fail, emit(Op::TestExactK, src, konst(*v)));
                return;
            }
            case NodeKind::UnaryOp: {
                auto v = const_eval(p);
                if (!v) refuse(p, "this expression in a pattern");
                fail_to(fail, emit(Op::TestExactK, src, konst(*v)));
                return;
            }
            case NodeKind::Tuple: {
                fail_to(fail, emit(Op::IsTuple, src, static_cast<uint32_t>(p->children.size())));
                for (size_t i = 0; i < p->children.size(); ++i) {
                    const Node* c = p->child(i);
                    if (c->kind == NodeKind::Underscore) continue;
                    uint32_t r = reg();
                    emit(Op::GetElem, r, src, static_cast<uint32_t>(i));
                    pattern(c, r, fail, ps);
                }
                return;
            }
            case NodeKind::List: {
                size_t count = p->children.size() - (p->has(kHasTail) ? 1 : 0);
                uint32_t cur = src;
                for (size_t i = 0; i < count; ++i) {
                    fail_to(fail, emit(Op::IsCons, cur));
                    uint32_t h = reg();
                    emit(Op::GetHd, h, cur);
                    uint32_t t = reg();
                    emit(Op::GetTl, t, cur);
                    pattern(p->child(i), h, fail, ps);
                    cur = t;
                }
                if (p->has(kHasTail)) {
                    pattern(p->children.back(), cur, fail, ps);
                } else {
                    fail_to(fail, emit(Op::IsNil, cur));
                }
                return;
            }
            case NodeKind::Map: {
                fail_to(fail, emit(Op::IsMap, src));
                map_pairs_pattern(p, src, fail, ps);
                return;
            }
            case NodeKind::Bitstring: {
                BitstringCompiler bits(*this);
                auto to_fail = [&](uint32_t instruction) { fail_to(fail, instruction); };
                uint32_t context = bits.start(src, to_fail);
                bits.segments(p->children, context, to_fail,
                              [&](const Node* value, uint32_t r) { pattern(value, r, fail, ps); });
                bits.end(context, to_fail);
                return;
            }
            case NodeKind::Struct: {
                fail_to(fail, emit(Op::IsMap, src));
                const Node* name = p->child(0);
                uint32_t key = load(Term::atom(atom::struct_));
                uint32_t s = reg();
                fail_to(fail, emit(Op::MapGet, s, src, key, 0));
                if (name->kind == NodeKind::Alias || name->kind == NodeKind::CurrentModule) {
                    fail_to(fail, emit(Op::TestExactK, s, konst(Term::atom(module_target(name)))));
                } else {
                    pattern(name, s, fail, ps);
                }
                const Node* body = p->child(1);
                if (body->kind != NodeKind::Map) refuse(p, "struct update in a pattern");
                map_pairs_pattern(body, src, fail, ps);
                return;
            }
            case NodeKind::BinaryOp: {
                switch (p->binary_op) {
                    case BinaryOperator::Match:
                        pattern(p->child(0), src, fail, ps);
                        pattern(p->child(1), src, fail, ps);
                        return;
                    case BinaryOperator::StringConcat: {
                        auto prefix = const_eval(p->child(0));
                        if (!prefix || !prefix->is_binary())
                            refuse(p, "<> in a pattern without a literal prefix");
                        uint32_t rest = reg();
                        fail_to(fail, emit(Op::BinPrefix, rest, src, konst(*prefix), 0));
                        pattern(p->child(1), rest, fail, ps);
                        return;
                    }
                    case BinaryOperator::ListConcat: {
                        const Node* left = p->child(0);
                        if (left->kind != NodeKind::List || left->has(kHasTail))
                            refuse(p, "++ in a pattern");
                        uint32_t cur = src;
                        for (const Node* c : left->children) {
                            fail_to(fail, emit(Op::IsCons, cur));
                            uint32_t h = reg();
                            emit(Op::GetHd, h, cur);
                            uint32_t t = reg();
                            emit(Op::GetTl, t, cur);
                            pattern(c, h, fail, ps);
                            cur = t;
                        }
                        pattern(p->child(1), cur, fail, ps);
                        return;
                    }
                    default:
                        break;
                }
                refuse(p, fmt::format("{} in a pattern", to_string(p->binary_op)));
            }
            default:
                break;
        }
        refuse(p, fmt::format("{} in a pattern", to_string(p->kind)));
    }

    void map_pairs_pattern(const Node* map, uint32_t src, Label& fail, PatternState& ps) {
        for (const Node* pair : map->children) {
            const Node* k = pair->child(0);
            uint32_t key;
            if (k->kind == NodeKind::Variable && k->has(kPinned)) {
                key = lookup(std::string(k->text));
                if (key == kNoReg) fail_at(k, fmt::format("undefined variable ^{}", k->text));
            } else {
                auto v = const_eval(k);
                if (!v) refuse(k, "a non-literal map key in a pattern");
                key = load(*v);
            }
            uint32_t value = reg();
            fail_to(fail, emit(Op::MapGet, value, src, key, 0));
            pattern(pair->child(1), value, fail, ps);
        }
    }

    // ---------------------------------------------------------------- guards
    bool safe_guard(const Node* g) {
        switch (g->kind) {
            case NodeKind::Variable:
            case NodeKind::Integer:
            case NodeKind::Float:
            case NodeKind::Atom:
            case NodeKind::String:
            case NodeKind::Alias:
            case NodeKind::CurrentModule:
                return true;
            case NodeKind::BinaryOp:
                switch (g->binary_op) {
                    case BinaryOperator::Less:
                    case BinaryOperator::Greater:
                    case BinaryOperator::LessEqual:
                    case BinaryOperator::GreaterEqual:
                    case BinaryOperator::Equal:
                    case BinaryOperator::NotEqual:
                    case BinaryOperator::StrictEqual:
                    case BinaryOperator::StrictNotEqual:
                        return safe_guard(g->child(0)) && safe_guard(g->child(1));
                    default:
                        return false;
                }
            case NodeKind::LocalCall:
                return g->text.starts_with("is_") && g->text != "is_map_key" &&
                       g->children.size() == 1 && safe_guard(g->child(0));
            default:
                return false;
        }
    }

    void guard(const Node* g, Label& fail) {
        if (!g) return;
        at(g);
        // `when a when b` means a or b
        if (g->kind == NodeKind::BinaryOp && g->binary_op == BinaryOperator::When) {
            Label second, pass;
            guard(g->child(0), second);
            jump_to(pass);
            bind(second);
            guard(g->child(1), fail);
            bind(pass);
            return;
        }
        if (g->kind == NodeKind::BinaryOp && g->binary_op == BinaryOperator::And) {
            guard(g->child(0), fail);
            guard(g->child(1), fail);
            return;
        }
        if (safe_guard(g)) {
            uint32_t v = expr(g);
            jump_to(fail, Op::JumpIfNotTrue, v);
            return;
        }
        fail_to(fail, emit(Op::TryBegin, kNoReg, 0, 0, 0));
        uint32_t v = expr(g);
        emit(Op::TryEnd);
        jump_to(fail, Op::JumpIfNotTrue, v);
    }

    // ---------------------------------------------------------------- expressions
    /// Finishes a value: in tail position returns it, else leaves it in `result` (if any).
    uint32_t finish(uint32_t r, bool tail) {
        if (tail) {
            emit(Op::Return, r);
            return kNoReg;
        }
        return r;
    }

    uint32_t expr(const Node* n) { return value(n, false); }
    void tail_value(const Node* n) { value(n, f_->no_tail == 0); }

    uint32_t value(const Node* n, bool tail) {
        at(n);
        switch (n->kind) {
            case NodeKind::Integer:
            case NodeKind::Float:
            case NodeKind::Atom:
            case NodeKind::String:
            case NodeKind::Charlist:
            case NodeKind::Alias:
            case NodeKind::CurrentModule:
                return finish(load(*const_eval(n)), tail);
            case NodeKind::Attribute: {
                if (!n->children.empty()) refuse(n, "setting a module attribute here");
                if (!module_ || module_->is_script) refuse(n, "module attribute outside a module");
                auto computed = module_->computed_attrs.find(std::string(n->text));
                if (computed != module_->computed_attrs.end()) return value(computed->second, tail);
                return finish(load(*const_eval(n)), tail);
            }
            case NodeKind::Sigil:
                return finish(sigil(n), tail);
            case NodeKind::InterpolatedString: {
                uint32_t base = regs(static_cast<uint32_t>(n->children.size()));
                for (size_t i = 0; i < n->children.size(); ++i)
                    into(n->child(i), base + static_cast<uint32_t>(i));
                uint32_t r = reg();
                emit(Op::Interp, r, base, static_cast<uint32_t>(n->children.size()));
                return finish(r, tail);
            }
            case NodeKind::InterpolatedCharlist: {
                uint32_t base = regs(static_cast<uint32_t>(n->children.size()));
                for (size_t i = 0; i < n->children.size(); ++i)
                    into(n->child(i), base + static_cast<uint32_t>(i));
                uint32_t s = reg();
                emit(Op::Interp, s, base, static_cast<uint32_t>(n->children.size()));
                return remote_with_regs(Atom::intern("Elixir.String"), "to_charlist", {s}, tail);
            }
            case NodeKind::Variable: {
                std::string name(n->text);
                if (n->has(kPinned))
                    fail_at(n, "misplaced operator ^ (the pin operator is only valid in patterns)");
                if (name == "__STACKTRACE__") {
                    if (f_->stacktrace_reg == kNoReg)
                        refuse(n, "__STACKTRACE__ outside rescue/catch");
                    return finish(f_->stacktrace_reg, tail);
                }
                if (name == "__ENV__" || name == "__CALLER__") refuse(n, name);
                uint32_t r = lookup(name);
                if (r != kNoReg) return finish(r, tail);
                // Elixir treats an unknown variable without parentheses as a zero-arity call.
                return local_call(n, name, {}, tail);
            }
            case NodeKind::Underscore:
                fail_at(n, "invalid use of _. _ can only be used inside patterns to ignore values");
            case NodeKind::List: {
                if (auto v = const_eval(n)) return finish(load(*v), tail);
                bool has_tail = n->has(kHasTail);
                uint32_t count = static_cast<uint32_t>(n->children.size() - (has_tail ? 1 : 0));
                uint32_t base = regs(count);
                for (uint32_t i = 0; i < count; ++i) into(n->child(i), base + i);
                uint32_t t = has_tail ? expr(n->children.back()) : kNoReg;
                uint32_t r = reg();
                emit(Op::MakeList, r, base, count, t);
                return finish(r, tail);
            }
            case NodeKind::Tuple: {
                if (auto v = const_eval(n)) return finish(load(*v), tail);
                uint32_t count = static_cast<uint32_t>(n->children.size());
                uint32_t base = regs(count);
                for (uint32_t i = 0; i < count; ++i) into(n->child(i), base + i);
                uint32_t r = reg();
                emit(Op::MakeTuple, r, base, count);
                return finish(r, tail);
            }
            case NodeKind::Map: {
                if (auto v = const_eval(n)) return finish(load(*v), tail);
                uint32_t pairs = static_cast<uint32_t>(n->children.size());
                uint32_t base = regs(pairs * 2);
                for (uint32_t i = 0; i < pairs; ++i) {
                    into(n->child(i)->child(0), base + 2 * i);
                    into(n->child(i)->child(1), base + 2 * i + 1);
                }
                uint32_t r = reg();
                emit(Op::MakeMap, r, base, pairs);
                return finish(r, tail);
            }
            case NodeKind::MapUpdate: {
                uint32_t m = expr(n->child(0));
                return finish(map_update(n, m), tail);
            }
            case NodeKind::Struct:
                return finish(struct_expr(n), tail);
            case NodeKind::Bitstring: {
                for (const Node* c : n->children)
                    if (c->kind != NodeKind::BitSegment)
                        fail_at(c, "<- is only valid in for and with");
                BitstringCompiler bits(*this);
                return finish(bits.build(n), tail);
            }
            case NodeKind::BitSegment:
                fail_at(n, "a bitstring segment outside <<>>");
            case NodeKind::BinaryOp:
                return binary_op(n, tail);
            case NodeKind::UnaryOp:
                return unary_op(n, tail);
            case NodeKind::LocalCall: {
                std::vector<const Node*> args(n->children.begin(), n->children.end());
                return local_call(n, std::string(n->text), args, tail);
            }
            case NodeKind::RemoteCall: {
                auto a = call_arguments(*n);
                std::vector<const Node*> args(a.begin(), a.end());
                return remote_call(n, args, tail);
            }
            case NodeKind::AnonymousCall: {
                auto a = call_arguments(*n);
                std::vector<const Node*> args(a.begin(), a.end());
                return anonymous_call(n->child(0), args, tail);
            }
            case NodeKind::FieldAccess: {
                uint32_t src = expr(n->child(0));
                uint32_t r = reg();
                emit(Op::FieldGet, r, src, konst(Term::atom(n->text)));
                return finish(r, tail);
            }
            case NodeKind::Access: {
                std::vector<const Node*> args{n->child(0), n->child(1)};
                return remote(Atom::intern("Elixir.Access"), "get", args, tail);
            }
            case NodeKind::Fn:
                return finish(fn_expr(n), tail);
            case NodeKind::Capture:
                return finish(capture(n), tail);
            case NodeKind::CaptureFunction:
                return finish(capture_function(n), tail);
            case NodeKind::CaptureArg: {
                uint32_t r = lookup("&" + std::to_string(n->integer));
                if (r == kNoReg) fail_at(n, "capture argument &N outside of a capture");
                return finish(r, tail);
            }
            case NodeKind::Block:
                return block(n, tail);
            case NodeKind::Clauses:
            case NodeKind::StabClause:
                fail_at(n, "unexpected ->");
            case NodeKind::Pair:
                fail_at(n, "unexpected key-value pair");
        }
        refuse(n, std::string(to_string(n->kind)));
    }

    void into(const Node* n, uint32_t dst) {
        at(n);
        if (is_arith(n)) {
            arith(arith_op(n->binary_op), n, false, dst);
            return;
        }
        if (n->kind == NodeKind::Integer || n->kind == NodeKind::Atom ||
            n->kind == NodeKind::String) {
            emit(Op::LoadK, dst, konst(*const_eval(n)));
            return;
        }
        uint32_t r = expr(n);
        if (r != dst) emit(Op::Move, dst, r);
    }

    uint32_t block(const Node* n, bool tail) {
        if (n->children.empty()) return finish(load(Term::nil()), tail);
        for (size_t i = 0; i + 1 < n->children.size(); ++i) expr(n->child(i));
        return value(n->children.back(), tail);
    }

    /// Compiles `body` (may be null = nil) in a fresh scope, moving its value to `result`
    /// (non-tail) or returning it (tail).
    void branch(const Node* body, bool tail, uint32_t result, Label& end) {
        auto saved = f_->vars;
        uint32_t r = body ? value(body, tail) : value_nil(tail);
        if (!tail) {
            if (r != result) emit(Op::Move, result, r);
            jump_to(end);
        }
        f_->vars = saved;
    }
    uint32_t value_nil(bool tail) { return finish(load(Term::nil()), tail); }

    uint32_t sigil(const Node* n) {
        if (auto v = const_eval(n)) return load(*v);
        const Node* content = n->children.empty() ? nullptr : n->child(0);
        if (!content) refuse(n, "sigil");
        switch (n->sigil) {
            case 's':
                return expr(content);
            case 'c': {
                uint32_t s = expr(content);
                return remote_with_regs(Atom::intern("Elixir.String"), "to_charlist", {s}, false);
            }
            case 'r': {
                uint32_t s = expr(content);
                uint32_t opts = load(Term::binary(n->text));
                return remote_with_regs(Atom::intern("Elixir.Regex"), "compile!", {s, opts}, false);
            }
            default:
                refuse(n, fmt::format("sigil ~{}", n->sigil));
        }
    }

    uint32_t map_update(const Node* n, uint32_t m) {
        uint32_t pairs = static_cast<uint32_t>(n->children.size() - 1);
        uint32_t base = regs(pairs * 2);
        for (uint32_t i = 0; i < pairs; ++i) {
            into(n->child(i + 1)->child(0), base + 2 * i);
            into(n->child(i + 1)->child(1), base + 2 * i + 1);
        }
        uint32_t r = reg();
        emit(Op::MapUpdate, r, m, base, pairs);
        return r;
    }

    uint32_t struct_expr(const Node* n) {
        const Node* name = n->child(0);
        const Node* body = n->child(1);
        if (body->kind == NodeKind::MapUpdate) {
            uint32_t m = expr(body->child(0));
            return map_update(body, m);
        }
        Atom module = module_target(name);
        if (module.id == 0) refuse(name, "a struct with a dynamic name");
        uint32_t base = reg();  // zero-arity call: argbase unused
        uint32_t s = reg();
        emit(Op::CallRemote, s, callsite(module, Atom::intern("__struct__"), 0), base, 0);
        if (body->children.empty()) return s;
        uint32_t pairs = static_cast<uint32_t>(body->children.size());
        uint32_t kv = regs(pairs * 2);
        for (uint32_t i = 0; i < pairs; ++i) {
            into(body->child(i)->child(0), kv + 2 * i);
            into(body->child(i)->child(1), kv + 2 * i + 1);
        }
        uint32_t r = reg();
        emit(Op::MapUpdate, r, s, kv, pairs);
        return r;
    }

    // ---------------------------------------------------------------- operators
    /// An operand of an arithmetic/comparison instruction: a register, or a constant marked
    /// with kConstOperand.
    uint32_t operand(const Node* n) {
        if (n->kind == NodeKind::Integer || n->kind == NodeKind::Atom ||
            n->kind == NodeKind::Float) {
            return konst(*const_eval(n)) | kConstOperand;
        }
        return expr(n);
    }

    uint32_t arith(Op op, const Node* n, bool tail, uint32_t dst = kNoReg) {
        uint32_t a = operand(n->child(0));
        uint32_t b = operand(n->child(1));
        uint32_t r = dst == kNoReg ? reg() : dst;
        emit(op, r, a, b);
        return finish(r, tail);
    }

    static bool is_arith(const Node* n) {
        if (n->kind != NodeKind::BinaryOp) return false;
        switch (n->binary_op) {
            case BinaryOperator::Add:
            case BinaryOperator::Subtract:
            case BinaryOperator::Multiply:
            case BinaryOperator::Less:
            case BinaryOperator::Greater:
            case BinaryOperator::LessEqual:
            case BinaryOperator::GreaterEqual:
            case BinaryOperator::Equal:
            case BinaryOperator::NotEqual:
            case BinaryOperator::StrictEqual:
            case BinaryOperator::StrictNotEqual:
                return true;
            default:
                return false;
        }
    }
    static Op arith_op(BinaryOperator op) {
        switch (op) {
            case BinaryOperator::Add:
                return Op::Add;
            case BinaryOperator::Subtract:
                return Op::Sub;
            case BinaryOperator::Multiply:
                return Op::Mul;
            case BinaryOperator::Less:
                return Op::Lt;
            case BinaryOperator::Greater:
                return Op::Gt;
            case BinaryOperator::LessEqual:
                return Op::Le;
            case BinaryOperator::GreaterEqual:
                return Op::Ge;
            case BinaryOperator::Equal:
                return Op::Eq;
            case BinaryOperator::NotEqual:
                return Op::Ne;
            case BinaryOperator::StrictEqual:
                return Op::StrictEq;
            default:
                return Op::StrictNe;
        }
    }

    uint32_t binary_op(const Node* n, bool tail) {
        switch (n->binary_op) {
            case BinaryOperator::Add:
                return arith(Op::Add, n, tail);
            case BinaryOperator::Subtract:
                return arith(Op::Sub, n, tail);
            case BinaryOperator::Multiply:
                return arith(Op::Mul, n, tail);
            case BinaryOperator::Divide:
                return arith(Op::FDiv, n, tail);
            case BinaryOperator::Less:
                return arith(Op::Lt, n, tail);
            case BinaryOperator::Greater:
                return arith(Op::Gt, n, tail);
            case BinaryOperator::LessEqual:
                return arith(Op::Le, n, tail);
            case BinaryOperator::GreaterEqual:
                return arith(Op::Ge, n, tail);
            case BinaryOperator::Equal:
                return arith(Op::Eq, n, tail);
            case BinaryOperator::NotEqual:
                return arith(Op::Ne, n, tail);
            case BinaryOperator::StrictEqual:
                return arith(Op::StrictEq, n, tail);
            case BinaryOperator::StrictNotEqual:
                return arith(Op::StrictNe, n, tail);
            case BinaryOperator::StringConcat:
                return arith(Op::StrConcat, n, tail);
            case BinaryOperator::Power:
                return remote(kElixirKernel, "**", {n->child(0), n->child(1)}, tail);
            case BinaryOperator::ListConcat:
                return remote(atom::erlang, "++", {n->child(0), n->child(1)}, tail);
            case BinaryOperator::ListSubtract:
                return remote(atom::erlang, "--", {n->child(0), n->child(1)}, tail);
            case BinaryOperator::Range:
                return remote(Atom::intern("Elixir.Range"), "new", {n->child(0), n->child(1)},
                              tail);
            case BinaryOperator::RangeStep:
                return remote(Atom::intern("Elixir.Range"), "new",
                              {n->child(0), n->child(1), n->child(2)}, tail);
            case BinaryOperator::In:
                return in_op(n, tail);
            case BinaryOperator::NotIn: {
                uint32_t v = in_op(n, false);
                uint32_t r = reg();
                emit(Op::Not, r, v);
                return finish(r, tail);
            }
            case BinaryOperator::RegexMatch:
                return remote(kVmModule, "match_op", {n->child(0), n->child(1)}, tail);
            case BinaryOperator::Pipe: {
                const Node* rhs = n->child(1);
                std::vector<const Node*> args{n->child(0)};
                switch (rhs->kind) {
                    case NodeKind::LocalCall:
                        args.insert(args.end(), rhs->children.begin(), rhs->children.end());
                        at(rhs);
                        return local_call(rhs, std::string(rhs->text), args, tail);
                    case NodeKind::RemoteCall: {
                        auto a = call_arguments(*rhs);
                        args.insert(args.end(), a.begin(), a.end());
                        return remote_call(rhs, args, tail);
                    }
                    case NodeKind::AnonymousCall: {
                        auto a = call_arguments(*rhs);
                        args.insert(args.end(), a.begin(), a.end());
                        return anonymous_call(rhs->child(0), args, tail);
                    }
                    case NodeKind::Variable:
                        if (lookup(std::string(rhs->text)) == kNoReg)
                            return local_call(rhs, std::string(rhs->text), args, tail);
                        [[fallthrough]];
                    default:
                        fail_at(rhs,
                                "cannot pipe into this expression (the right side of |> must be a "
                                "call)");
                }
            }
            case BinaryOperator::And:
            case BinaryOperator::Or: {
                bool is_and = n->binary_op == BinaryOperator::And;
                uint32_t a = expr(n->child(0));
                uint32_t result = reg();
                Label not_true, not_false, end;
                fail_to(not_true, emit(Op::TestExactK, a, konst(Term::boolean(true)), 0, 0));
                // a is true
                if (is_and) {
                    into(n->child(1), result);
                } else {
                    emit(Op::LoadK, result, konst(Term::boolean(true)));
                }
                jump_to(end);
                bind(not_true);
                fail_to(not_false, emit(Op::TestExactK, a, konst(Term::boolean(false)), 0, 0));
                if (is_and) {
                    emit(Op::LoadK, result, konst(Term::boolean(false)));
                } else {
                    into(n->child(1), result);
                }
                jump_to(end);
                bind(not_false);
                emit(Op::Fail, static_cast<uint32_t>(FailKind::BadBool), a);
                bind(end);
                return finish(result, tail);
            }
            case BinaryOperator::RelaxedAnd:
            case BinaryOperator::RelaxedOr: {
                uint32_t a = expr(n->child(0));
                uint32_t result = reg();
                emit(Op::Move, result, a);
                Label skip, end;
                if (n->binary_op == BinaryOperator::RelaxedAnd) {
                    jump_to(end, Op::JumpIfFalsy, a);
                    into(n->child(1), result);
                } else {
                    jump_to(skip, Op::JumpIfFalsy, a);
                    jump_to(end);
                    bind(skip);
                    into(n->child(1), result);
                }
                bind(end);
                return finish(result, tail);
            }
            case BinaryOperator::Match: {
                uint32_t v = expr(n->child(1));
                Label fail, ok;
                PatternState ps;
                pattern(n->child(0), v, fail, ps);
                if (!fail.refs.empty()) {
                    jump_to(ok);
                    bind(fail);
                    emit(Op::Fail, static_cast<uint32_t>(FailKind::Badmatch), v);
                    bind(ok);
                }
                return finish(v, tail);
            }
            case BinaryOperator::When:
                fail_at(n, "invalid use of when outside of a clause head");
            case BinaryOperator::LeftArrow:
                fail_at(n, "<- is only valid in for and with");
            case BinaryOperator::Default:
                fail_at(n, "\\\\ is only valid in def heads");
        }
        refuse(n, std::string(to_string(n->binary_op)));
    }

    uint32_t in_op(const Node* n, bool tail) {
        const Node* right = n->child(1);
        // `x in [a, b]` with literals and `x in a..b` compile to comparisons (valid in guards)
        if (right->kind == NodeKind::List && !right->has(kHasTail)) {
            uint32_t x = expr(n->child(0));
            uint32_t result = reg();
            Label end;
            emit(Op::LoadK, result, konst(Term::boolean(true)));
            for (const Node* item : right->children) {
                uint32_t v = expr(item);
                uint32_t t = reg();
                emit(Op::StrictEq, t, x, v);
                Label next;
                jump_to(next, Op::JumpIfNotTrue, t);
                jump_to(end);
                bind(next);
            }
            emit(Op::LoadK, result, konst(Term::boolean(false)));
            bind(end);
            return finish(result, tail);
        }
        if (right->kind == NodeKind::BinaryOp && right->binary_op == BinaryOperator::Range) {
            uint32_t x = expr(n->child(0));
            uint32_t lo = expr(right->child(0));
            uint32_t hi = expr(right->child(1));
            uint32_t result = reg();
            Label no, end;
            uint32_t isint = remote_with_regs(kElixirKernel, "is_integer", {x}, false);
            jump_to(no, Op::JumpIfNotTrue, isint);
            uint32_t t1 = reg();
            emit(Op::Ge, t1, x, lo);
            jump_to(no, Op::JumpIfNotTrue, t1);
            uint32_t t2 = reg();
            emit(Op::Le, t2, x, hi);
            jump_to(no, Op::JumpIfNotTrue, t2);
            emit(Op::LoadK, result, konst(Term::boolean(true)));
            jump_to(end);
            bind(no);
            emit(Op::LoadK, result, konst(Term::boolean(false)));
            bind(end);
            return finish(result, tail);
        }
        return remote(Atom::intern("Elixir.Enum"), "member?", {right, n->child(0)}, tail);
    }

    uint32_t unary_op(const Node* n, bool tail) {
        if (auto v = const_eval(n)) return finish(load(*v), tail);
        uint32_t x = expr(n->child(0));
        uint32_t r = reg();
        switch (n->unary_op) {
            case UnaryOperator::Negate:
                emit(Op::Neg, r, x);
                break;
            case UnaryOperator::Plus:
                return finish(x, tail);
            case UnaryOperator::Not:
                emit(Op::Not, r, x);
                break;
            case UnaryOperator::Bang:
                emit(Op::Bang, r, x);
                break;
        }
        return finish(r, tail);
    }

    // ---------------------------------------------------------------- calls
    uint32_t place_args(const std::vector<const Node*>& args) {
        uint32_t base = regs(static_cast<uint32_t>(args.size()));
        for (size_t i = 0; i < args.size(); ++i) into(args[i], base + static_cast<uint32_t>(i));
        return base;
    }

    uint32_t remote_with_regs(Atom module, std::string_view fun, std::vector<uint32_t> values,
                              bool tail) {
        uint32_t base = regs(static_cast<uint32_t>(values.size()));
        for (size_t i = 0; i < values.size(); ++i)
            emit(Op::Move, base + static_cast<uint32_t>(i), values[i]);
        return emit_remote(module, Atom::intern(fun), base, static_cast<uint32_t>(values.size()),
                           tail);
    }

    uint32_t emit_remote(Atom module, Atom fun, uint32_t base, uint32_t argc, bool tail) {
        uint32_t site = callsite(module, fun, argc);
        if (tail && f_->no_tail == 0) {
            // the VM tail-calls script functions; other targets return through the Return
            uint32_t r = reg();
            emit(Op::TailRemote, r, site, base, argc);
            emit(Op::Return, r);
            return kNoReg;
        }
        uint32_t r = reg();
        emit(Op::CallRemote, r, site, base, argc);
        return finish(r, tail);
    }

    uint32_t remote(Atom module, std::string_view fun, const std::vector<const Node*>& args,
                    bool tail) {
        uint32_t base = place_args(args);
        return emit_remote(module, Atom::intern(fun), base, static_cast<uint32_t>(args.size()),
                           tail);
    }

    void check_sandbox(const Node* n, Atom module, std::string_view fun, size_t arity) {
        if (!is_sandboxed(module, fun)) return;
        std::string_view m = module.name();
        std::string name = (m.starts_with("Elixir.") ? std::string(m.substr(7)) : ":" + std::string(m)) +
                           "." + std::string(fun) + "/" + std::to_string(arity);
        refuse(n, name + " (scenarios are sandboxed: no file, network or OS access)");
    }

    /// A call to a function of Elixir/OTP that nothing in Tasklens implements is refused here,
    /// before anything runs, with a message that cannot be mistaken for Elixir's own error.
    void check_supported(const Node* n, Atom module, std::string_view fun, size_t arity) {
        if (!options_.native_defined || !options_.is_main) return;
        Atom function = Atom::intern(fun);
        auto a = static_cast<int>(arity);
        if (program_.find(module, function, static_cast<uint32_t>(arity))) return;
        // a module of the script itself (its functions may be defined further down)
        if (program_.modules.count(module.id) && !otp_module_exists(module)) return;
        if (builtins().find(module, function, a) || options_.native_defined(module, function, a))
            return;
        if (module == kElixirKernel &&
            kernel_defines(std::string(fun), static_cast<uint32_t>(arity)))
            return;
        if (otp_function_exists(module, function, a))
            fail_at(n, unsupported_message(module, function, a));
    }

    uint32_t remote_call(const Node* n, const std::vector<const Node*>& args, bool tail) {
        const Node* target = n->child(0);
        Atom module = module_target(target);
        std::string fun(n->text);
        if (module.id != 0) {
            check_sandbox(n, module, fun, args.size());
            check_supported(n, module, fun, args.size());
            std::string_view m = module.name();
            if (m == "Elixir.Kernel") {
                if (auto special = kernel_special(n, fun, args, tail)) return *special;
            }
            return remote(module, fun, args, tail);
        }
        // dynamic module: the module goes in the register just below the arguments
        uint32_t mod = reg();
        into(target, mod);
        uint32_t base = place_args(args);
        if (base != mod + 1) refuse(n, "internal: dynamic call layout");
        uint32_t r = reg();
        emit(Op::CallDynamic, r,
             callsite(Atom{}, Atom::intern(fun), static_cast<uint32_t>(args.size())), base,
             static_cast<uint32_t>(args.size()));
        return finish(r, tail);
    }

    uint32_t anonymous_call(const Node* fun, const std::vector<const Node*>& args, bool tail) {
        uint32_t f = expr(fun);
        uint32_t base = place_args(args);
        uint32_t argc = static_cast<uint32_t>(args.size());
        if (tail && f_->no_tail == 0) {
            uint32_t r = reg();
            emit(Op::TailFun, r, f, base, argc);
            emit(Op::Return, r);
            return kNoReg;
        }
        uint32_t r = reg();
        emit(Op::CallFun, r, f, base, argc);
        return finish(r, tail);
    }

    const ModuleCtx::Def* find_local(const std::string& name, uint32_t arity) {
        if (!module_) return nullptr;
        auto it = module_->defs.find({name, arity});
        return it == module_->defs.end() ? nullptr : &it->second;
    }

    bool kernel_defines(const std::string& name, uint32_t arity) {
        Atom fun = Atom::intern(name);
        if (program_.find(kElixirKernel, fun, arity)) return true;
        if (builtins().find(kElixirKernel, fun, static_cast<int>(arity))) return true;
        return false;
    }

    uint32_t local_call(const Node* n, const std::string& name,
                        const std::vector<const Node*>& args, bool tail) {
        if (auto special = special_form(n, name, args, tail)) return *special;
        uint32_t arity = static_cast<uint32_t>(args.size());
        if (const auto* def = find_local(name, arity)) {
            uint32_t base = place_args(args);
            if (tail && f_->no_tail == 0) {
                emit(Op::TailCall, 0, def->fn->index, base, arity);
                return kNoReg;
            }
            uint32_t r = reg();
            emit(Op::Call, r, def->fn->index, base, arity);
            return finish(r, tail);
        }
        // a native function of the module itself (prelude modules pair Elixir and C++ code)
        if (module_ && !module_->is_script &&
            builtins().find(module_->name, Atom::intern(name), static_cast<int>(arity)))
            return remote(module_->name, name, args, tail);
        for (Atom imported : module_ ? module_->imports : script_imports_) {
            Atom fun = Atom::intern(name);
            if (!import_allows(imported, name, static_cast<uint32_t>(arity))) continue;
            if (program_.find(imported, fun, arity) ||
                builtins().find(imported, fun, static_cast<int>(arity)))
                return remote(imported, name, args, tail);
        }
        if (auto special = kernel_special(n, name, args, tail)) return *special;
        if (options_.check_calls && !kernel_defines(name, arity)) {
            if (args.empty() && n->kind == NodeKind::Variable)
                fail_at(n, fmt::format("undefined variable \"{}\"", name));
            fail_at(n,
                    fmt::format("undefined function {}/{} (there is no such import)", name, arity));
        }
        return remote(kElixirKernel, name, args, tail);
    }

    /// Kernel macros that need the compiler (also reachable as Kernel.name).
    std::optional<uint32_t> kernel_special(const Node* n, const std::string& name,
                                           const std::vector<const Node*>& args, bool tail) {
        // never a tail call: the raising function must stay in the stacktrace
        if (name == "raise" && (args.size() == 1 || args.size() == 2)) {
            return finish(remote(kVmModule, "raise", args, false), tail);
        }
        if (name == "reraise" && (args.size() == 2 || args.size() == 3)) {
            return finish(remote(kVmModule, "reraise", args, false), tail);
        }
        if ((name == "put_in" || name == "update_in") && args.size() == 2) {
            return path_macro(n, name, args, tail);
        }
        if (name == "pop_in" && args.size() == 1) return path_macro(n, name, args, tail);
        if (name == "get_in" && args.size() == 1) return path_macro(n, name, args, tail);
        if (name == "match?" && args.size() == 2) {
            uint32_t v = expr(args[1]);
            uint32_t result = reg();
            auto saved = f_->vars;
            Label fail, end;
            PatternState ps;
            const Node* p = args[0];
            const Node* g = nullptr;
            if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::When) {
                g = p->child(1);
                p = p->child(0);
            }
            pattern(p, v, fail, ps);
            guard(g, fail);
            emit(Op::LoadK, result, konst(Term::boolean(true)));
            jump_to(end);
            bind(fail);
            emit(Op::LoadK, result, konst(Term::boolean(false)));
            bind(end);
            f_->vars = saved;
            return finish(result, tail);
        }
        if (name == "is_nil" && args.size() == 1) {
            uint32_t v = expr(args[0]);
            uint32_t nil = load(Term::nil());
            uint32_t r = reg();
            emit(Op::StrictEq, r, v, nil);
            return finish(r, tail);
        }
        if (name == "binding" || name == "dbg" || name == "defmacro" || name == "defmacrop" ||
            name == "quote" || name == "unquote" || name == "defprotocol" || name == "defimpl" ||
            name == "defguard" || name == "defoverridable" || name == "super") {
            refuse(n, name);
        }
        return std::nullopt;
    }

    /// put_in(a.b[c], v), update_in(a.b[c], f), pop_in(a[b]), get_in(a.b): path macros.
    uint32_t path_macro(const Node* n, const std::string& name,
                        const std::vector<const Node*>& args, bool tail) {
        std::vector<const Node*> steps;
        const Node* cur = args[0];
        while (cur->kind == NodeKind::FieldAccess || cur->kind == NodeKind::Access) {
            steps.push_back(cur);
            cur = cur->child(0);
        }
        if (steps.empty())
            fail_at(n, fmt::format("{} expects a path such as data.field[key]", name));
        std::reverse(steps.begin(), steps.end());
        uint32_t root = expr(cur);
        // path: [{:field, atom} | {:key, value}]
        uint32_t base = regs(static_cast<uint32_t>(steps.size()));
        for (size_t i = 0; i < steps.size(); ++i) {
            const Node* s = steps[i];
            uint32_t pair = regs(2);
            if (s->kind == NodeKind::FieldAccess) {
                emit(Op::LoadK, pair, konst(Term::atom("field")));
                emit(Op::LoadK, pair + 1, konst(Term::atom(s->text)));
            } else {
                emit(Op::LoadK, pair, konst(Term::atom("key")));
                into(s->child(1), pair + 1);
            }
            emit(Op::MakeTuple, base + static_cast<uint32_t>(i), pair, 2);
        }
        uint32_t path = reg();
        emit(Op::MakeList, path, base, static_cast<uint32_t>(steps.size()), kNoReg);
        std::vector<uint32_t> values{root, path};
        if (args.size() == 2) values.push_back(expr(args[1]));
        return remote_with_regs(kVmModule, "__" + name + "_path__", values, tail);
    }

    // ---------------------------------------------------------------- special forms
    std::optional<uint32_t> special_form(const Node* n, const std::string& name,
                                         const std::vector<const Node*>& args, bool tail) {
        size_t argc = args.size();
        if (name == "if" || name == "unless") {
            if (argc != 2 || !is_keyword_list(args[1]))
                fail_at(n, fmt::format("invalid arguments for {}", name));
            const Node* yes = keyword_get(args[1], "do");
            const Node* no = keyword_get(args[1], "else");
            if (name == "unless") std::swap(yes, no);
            uint32_t c = expr(args[0]);
            uint32_t result = tail ? kNoReg : reg();
            Label else_label, end;
            jump_to(else_label, Op::JumpIfFalsy, c);
            branch(yes, tail, result, end);
            bind(else_label);
            branch(no, tail, result, end);
            bind(end);
            return result;
        }
        if (name == "case") {
            if (argc != 2 || !is_do_block(args[1])) fail_at(n, "invalid arguments for case");
            uint32_t v = expr(args[0]);
            return match_clauses(clauses_of(keyword_get(args[1], "do")), v, tail,
                                 FailKind::CaseClause, n);
        }
        if (name == "cond") {
            if (argc != 1 || !is_do_block(args[0])) fail_at(n, "invalid arguments for cond");
            uint32_t result = tail ? kNoReg : reg();
            Label end;
            for (const Node* clause : clauses_of(keyword_get(args[0], "do"))) {
                at(clause);
                Label next;
                auto saved = f_->vars;
                uint32_t c = expr(clause_patterns(*clause)[0]);
                jump_to(next, Op::JumpIfFalsy, c);
                branch(clause_body(*clause), tail, result, end);
                f_->vars = saved;
                bind(next);
            }
            emit(Op::Fail, static_cast<uint32_t>(FailKind::CondClause), kNoReg);
            bind(end);
            return result;
        }
        if (name == "receive") return receive(n, args, tail);
        if (name == "try") return try_expr(n, args, tail);
        if (name == "with") return with_expr(n, args, tail);
        if (name == "for") return for_expr(n, args, tail);
        if (name == "fn") refuse(n, "fn");
        if (name == "__block__") return std::nullopt;
        if (name == "def" || name == "defp" || name == "defstruct" || name == "defexception" ||
            name == "defdelegate")
            fail_at(n, fmt::format("cannot invoke {}/{} outside module", name, argc));
        if (name == "defmodule") {
            if (!module_ || !module_->is_script) refuse(n, "defmodule inside a function");
            define_module(n);
            return finish(load(Term::nil()), tail);
        }
        if (name == "alias" || name == "import" || name == "require") {
            directive(n, name, args);
            return finish(load(Term::nil()), tail);
        }
        if (name == "use" && !args.empty() && module_target(args[0]).name() == "Elixir.Bitwise") {
            directive(n, "import", {args[0]});  // the deprecated `use Bitwise` imports it
            return finish(load(Term::nil()), tail);
        }
        if (name == "use") refuse(n, "use outside a module");
        if (name == "super" || name == "quote" || name == "unquote" || name == "defmacro" ||
            name == "defmacrop" || name == "defprotocol" || name == "defimpl" ||
            name == "defguard" || name == "defguardp" || name == "binding" || name == "dbg" ||
            name == "defoverridable" || name == "__ENV__")
            refuse(n, name);
        return std::nullopt;
    }

    /// case-like clause matching of register `v`; raises `failure` if nothing matches.
    uint32_t match_clauses(std::span<Node* const> clauses, uint32_t v, bool tail, FailKind failure,
                           const Node* construct = nullptr) {
        uint32_t result = tail ? kNoReg : reg();
        Label end;
        for (const Node* clause : clauses) {
            at(clause);
            if (clause->arity != 1) fail_at(clause, "expected one pattern in this clause");
            auto saved = f_->vars;
            Label next;
            PatternState ps;
            pattern(clause_patterns(*clause)[0], v, next, ps);
            guard(clause_guard(*clause), next);
            branch(clause_body(*clause), tail, result, end);
            f_->vars = saved;
            bind(next);
        }
        at(construct);
        emit(Op::Fail, static_cast<uint32_t>(failure), v);
        bind(end);
        return result;
    }

    uint32_t receive(const Node* n, const std::vector<const Node*>& args, bool tail) {
        if (args.size() != 1 || !is_keyword_list(args[0]))
            fail_at(n, "invalid arguments for receive");
        const Node* body = keyword_get(args[0], "do");
        const Node* after = keyword_get(args[0], "after");
        uint32_t timeout = kNoReg;
        const Node* after_clause = nullptr;
        if (after) {
            auto cl = clauses_of(after);
            if (cl.size() != 1 || cl[0]->arity != 1)
                fail_at(after, "expected a single clause in receive after");
            after_clause = cl[0];
            timeout = expr(clause_patterns(*after_clause)[0]);
        }
        uint32_t result = tail ? kNoReg : reg();
        emit(Op::RecvInit, timeout);
        uint32_t loop = here();
        uint32_t msg = reg();
        Label timed_out, end;
        fail_to(timed_out, emit(Op::RecvNext, msg, 0, 0, 0));
        for (const Node* clause : clauses_of(body)) {
            at(clause);
            if (clause->arity != 1) fail_at(clause, "expected one pattern in a receive clause");
            auto saved = f_->vars;
            Label next;
            PatternState ps;
            pattern(clause_patterns(*clause)[0], msg, next, ps);
            guard(clause_guard(*clause), next);
            emit(Op::RecvAccept);
            branch(clause_body(*clause), tail, result, end);
            f_->vars = saved;
            bind(next);
        }
        emit(Op::RecvReject, 0, 0, 0, loop);
        bind(timed_out);
        if (after_clause) {
            branch(clause_body(*after_clause), tail, result, end);
        } else {
            emit(Op::Jump, 0, 0, 0, loop);  // never reached: no deadline
        }
        bind(end);
        return result;
    }

    uint32_t try_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
        if (args.size() != 1 || !is_do_block(args[0])) fail_at(n, "invalid arguments for try");
        return try_body(keyword_get(args[0], "do"), args[0], tail);
    }

    uint32_t try_body(const Node* body, const Node* kw, bool tail) {
        const Node* rescue = keyword_get(kw, "rescue");
        const Node* catch_ = keyword_get(kw, "catch");
        const Node* else_ = keyword_get(kw, "else");
        const Node* after = keyword_get(kw, "after");
        f_->no_tail++;
        uint32_t result = reg();
        Label after_handler, final_end;
        uint32_t after_regs = kNoReg;
        if (after) {
            after_regs = regs(3);
            fail_to(after_handler, emit(Op::TryBegin, after_regs, 0, 0, 0));
        }
        {
            Label handler, done;
            uint32_t cregs = kNoReg;
            bool has_handlers = rescue || catch_;
            if (has_handlers) {
                cregs = regs(3);
                fail_to(handler, emit(Op::TryBegin, cregs, 0, 0, 0));
            }
            auto saved = f_->vars;
            uint32_t v = body ? expr(body) : load(Term::nil());
            f_->vars = saved;
            if (has_handlers) emit(Op::TryEnd);
            if (else_) {
                uint32_t r = match_clauses(clauses_of(else_), v, false, FailKind::TryClause);
                emit(Op::Move, result, r);
            } else {
                emit(Op::Move, result, v);
            }
            jump_to(done);
            if (has_handlers) {
                bind(handler);
                uint32_t kind = cregs, reason = cregs + 1, stack = cregs + 2;
                uint32_t saved_st = f_->stacktrace_reg;
                f_->stacktrace_reg = stack;
                uint32_t normalized = kNoReg;
                if (rescue)
                    normalized =
                        remote_with_regs(kVmModule, "normalize", {kind, reason, stack}, false);
                for (const Node* clause : clauses_of(rescue))
                    rescue_clause(clause, kind, normalized, result, done);
                for (const Node* clause : clauses_of(catch_))
                    catch_clause(clause, kind, reason, result, done);
                f_->stacktrace_reg = saved_st;
                emit(Op::Raise, kind, reason, stack);
            }
            bind(done);
        }
        if (after) {
            emit(Op::TryEnd);
            auto saved = f_->vars;
            expr(after);
            f_->vars = saved;
            jump_to(final_end);
            bind(after_handler);
            expr(after);
            f_->vars = saved;
            emit(Op::Raise, after_regs, after_regs + 1, after_regs + 2);
            bind(final_end);
        }
        f_->no_tail--;
        return finish(result, tail);
    }

    void rescue_clause(const Node* clause, uint32_t kind, uint32_t normalized, uint32_t result,
                       Label& done) {
        at(clause);
        if (clause->arity != 1) fail_at(clause, "expected one pattern in a rescue clause");
        const Node* p = clause_patterns(*clause)[0];
        auto saved = f_->vars;
        Label next;
        fail_to(next, emit(Op::TestExactK, kind, konst(Term::atom(atom::error)), 0, 0));
        const Node* var = nullptr;
        std::vector<Atom> modules;
        auto add_modules = [&](const Node* m) {
            if (m->kind == NodeKind::Alias) {
                modules.push_back(resolve_alias(m));
            } else if (m->kind == NodeKind::List) {
                for (const Node* c : m->children) {
                    if (c->kind != NodeKind::Alias)
                        fail_at(c, "expected an exception module in rescue");
                    modules.push_back(resolve_alias(c));
                }
            } else {
                fail_at(m, "expected an exception module in rescue");
            }
        };
        if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::In) {
            var = p->child(0);
            add_modules(p->child(1));
        } else if (p->kind == NodeKind::Alias || p->kind == NodeKind::List) {
            add_modules(p);
        } else if (p->kind == NodeKind::Variable || p->kind == NodeKind::Underscore) {
            var = p;
        } else {
            refuse(
                p,
                "this pattern in rescue (use a variable, an exception module or var in [modules])");
        }
        if (!modules.empty()) {
            uint32_t key = load(Term::atom(atom::struct_));
            uint32_t s = reg();
            fail_to(next, emit(Op::MapGet, s, normalized, key, 0));
            Label matched;
            for (size_t i = 0; i < modules.size(); ++i) {
                Label try_next;
                fail_to(i + 1 < modules.size() ? try_next : next,
                        emit(Op::TestExactK, s, konst(Term::atom(modules[i])), 0, 0));
                jump_to(matched);
                bind(try_next);
            }
            bind(matched);
        }
        if (var && var->kind == NodeKind::Variable) {
            uint32_t r = reg();
            emit(Op::Move, r, normalized);
            f_->vars[std::string(var->text)] = r;
        }
        uint32_t v = value(clause_body(*clause), false);
        emit(Op::Move, result, v);
        jump_to(done);
        f_->vars = saved;
        bind(next);
    }

    void catch_clause(const Node* clause, uint32_t kind, uint32_t reason, uint32_t result,
                      Label& done) {
        at(clause);
        auto saved = f_->vars;
        Label next;
        PatternState ps;
        auto patterns = clause_patterns(*clause);
        if (patterns.size() == 1) {
            fail_to(next, emit(Op::TestExactK, kind, konst(Term::atom(atom::throw_)), 0, 0));
            pattern(patterns[0], reason, next, ps);
        } else if (patterns.size() == 2) {
            pattern(patterns[0], kind, next, ps);
            pattern(patterns[1], reason, next, ps);
        } else {
            fail_at(clause, "expected one or two patterns in a catch clause");
        }
        guard(clause_guard(*clause), next);
        uint32_t v = value(clause_body(*clause), false);
        emit(Op::Move, result, v);
        jump_to(done);
        f_->vars = saved;
        bind(next);
    }

    uint32_t with_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
        if (args.empty() || !is_keyword_list(args.back())) fail_at(n, "invalid arguments for with");
        const Node* kw = args.back();
        const Node* body = keyword_get(kw, "do");
        const Node* else_ = keyword_get(kw, "else");
        uint32_t result = tail ? kNoReg : reg();
        uint32_t failed = reg();
        auto saved = f_->vars;
        Label else_label, end;
        for (size_t i = 0; i + 1 < args.size(); ++i) {
            const Node* c = args[i];
            at(c);
            if (c->kind == NodeKind::BinaryOp && c->binary_op == BinaryOperator::LeftArrow) {
                uint32_t v = expr(c->child(1));
                emit(Op::Move, failed, v);
                const Node* p = c->child(0);
                const Node* g = nullptr;
                if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::When) {
                    g = p->child(1);
                    p = p->child(0);
                }
                PatternState ps;
                pattern(p, v, else_label, ps);
                guard(g, else_label);
            } else {
                expr(c);
            }
        }
        branch(body, tail, result, end);
        f_->vars = saved;
        bind(else_label);
        if (else_) {
            uint32_t r = match_clauses(clauses_of(else_), failed, tail, FailKind::WithClause);
            if (!tail) {
                emit(Op::Move, result, r);
            }
        } else {
            if (tail) {
                emit(Op::Return, failed);
            } else {
                emit(Op::Move, result, failed);
            }
        }
        bind(end);
        return result;
    }

    uint32_t for_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
        // for generators..., filters..., [into: x, uniq: b, reduce: acc], do: body
        std::vector<const Node*> quals;
        const Node* body = nullptr;
        const Node* into_expr = nullptr;
        const Node* uniq = nullptr;
        const Node* reduce = nullptr;
        for (const Node* a : args) {
            if (is_keyword_list(a)) {
                if (auto d = keyword_get(a, "do")) body = d;
                if (auto x = keyword_get(a, "into")) into_expr = x;
                if (auto x = keyword_get(a, "uniq")) uniq = x;
                if (auto x = keyword_get(a, "reduce")) reduce = x;
                continue;
            }
            quals.push_back(a);
        }
        if (!body) fail_at(n, "for expects a do block");
        auto saved = f_->vars;
        uint32_t acc = reg();
        if (reduce) {
            into(reduce, acc);
        } else {
            emit(Op::LoadK, acc, konst(Term::empty_list()));
        }
        for_level(quals, 0, body, acc, reduce != nullptr);
        f_->vars = saved;
        uint32_t r = acc;
        if (!reduce) r = remote_with_regs(Atom::intern("lists"), "reverse", {acc}, false);
        if (uniq) {
            uint32_t u = expr(uniq);
            Label skip;
            jump_to(skip, Op::JumpIfFalsy, u);
            uint32_t x = remote_with_regs(Atom::intern("Elixir.Enum"), "uniq", {r}, false);
            emit(Op::Move, r == acc ? acc : r, x);
            bind(skip);
        }
        if (into_expr) {
            uint32_t c = expr(into_expr);
            r = remote_with_regs(Atom::intern("Elixir.Enum"), "into", {r, c}, false);
        }
        return finish(r, tail);
    }

    void for_level(const std::vector<const Node*>& quals, size_t i, const Node* body, uint32_t acc,
                   bool reduce) {
        if (i == quals.size()) {
            if (reduce) {
                uint32_t r = match_clauses(clauses_of(body), acc, false, FailKind::CaseClause);
                emit(Op::Move, acc, r);
            } else {
                uint32_t cell = regs(1);
                into(body, cell);
                emit(Op::MakeList, acc, cell, 1, acc);
            }
            return;
        }
        const Node* q = quals[i];
        at(q);
        if (q->kind == NodeKind::Bitstring && !q->children.empty() &&
            q->children.back()->kind == NodeKind::BinaryOp) {
            bitstring_generator(quals, i, body, acc, reduce);
            return;
        }
        if (q->kind == NodeKind::BinaryOp && q->binary_op == BinaryOperator::LeftArrow) {
            // Elements are pulled one at a time (Enumerable.reduce suspended after each one), so
            // the body runs as a stream produces, like Elixir's reduce-based comprehension.
            uint32_t state = reg();  // :done | {element, rest}
            uint32_t e = expr(q->child(1));
            uint32_t first = remote_with_regs(kVmModule, "iter_start", {e}, false);
            emit(Op::Move, state, first);
            uint32_t loop = here();
            Label end, more;
            fail_to(more, emit(Op::TestExactK, state, konst(Term::atom("done")), 0, 0));
            jump_to(end);
            bind(more);
            uint32_t x = reg();
            emit(Op::GetElem, x, state, 0);
            uint32_t rest = reg();
            emit(Op::GetElem, rest, state, 1);
            auto saved = f_->vars;
            Label next;
            const Node* p = q->child(0);
            const Node* g = nullptr;
            if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::When) {
                g = p->child(1);
                p = p->child(0);
            }
            PatternState ps;
            pattern(p, x, next, ps);
            guard(g, next);
            for_level(quals, i + 1, body, acc, reduce);
            f_->vars = saved;
            bind(next);
            uint32_t following = remote_with_regs(kVmModule, "iter_next", {rest}, false);
            emit(Op::Move, state, following);
            emit(Op::Jump, 0, 0, 0, loop);
            bind(end);
            return;
        }
        // a filter
        Label skip;
        uint32_t v = expr(q);
        jump_to(skip, Op::JumpIfFalsy, v);
        for_level(quals, i + 1, body, acc, reduce);
        bind(skip);
    }

    /// `for <<segments <- source>>`: compile_bitstring.cpp emits the loop; a chunk whose values
    /// do not match jumps to `next`, bound after the body.
    void bitstring_generator(const std::vector<const Node*>& quals, size_t i, const Node* body,
                             uint32_t acc, bool reduce) {
        const Node* arrow = quals[i]->children.back();
        uint32_t source = expr(arrow->child(1));
        auto saved = f_->vars;
        Label next;
        PatternState ps;
        BitstringCompiler bits(*this);
        bits.generator(
            quals[i], source, [&](const Node* value, uint32_t r) { pattern(value, r, next, ps); },
            [&] {
                for_level(quals, i + 1, body, acc, reduce);
                f_->vars = saved;
                bind(next);
            });
    }

    // ---------------------------------------------------------------- functions
    FunctionCode* new_function(Atom module, Atom name, uint32_t arity, bool closure) {
        auto fn = std::make_unique<FunctionCode>();
        fn->module = module;
        fn->name = name;
        fn->arity = arity;
        fn->is_closure = closure;
        fn->file = file_->id();
        fn->index = static_cast<uint32_t>(program_.functions.size());
        fn->stack_module = module;
        fn->stack_name = name;
        fn->stack_arity = arity;
        fn->num_regs = arity;
        program_.functions.push_back(std::move(fn));
        return program_.functions.back().get();
    }

    std::string module_display(Atom m) {
        std::string_view s = m.name();
        if (s.starts_with("Elixir.")) return std::string(s.substr(7));
        return ":" + std::string(s);
    }

    /// Compiles fn clauses (patterns over registers 0..arity-1) into `fn`.
    void compile_clauses(FunctionCode* fn, FnState* parent, std::span<Node* const> clauses,
                         uint32_t arity) {
        FnState state;
        state.fn = fn;
        state.parent = parent;
        state.next_reg = arity;
        FnState* outer = f_;
        uint32_t outer_line = line_;
        f_ = &state;
        for (const Node* clause : clauses) {
            at(clause);
            if (clause->arity != arity)
                fail_at(clause, "cannot mix clauses with different arities in anonymous functions");
            state.vars.clear();
            Label next;
            PatternState ps;
            auto patterns = clause_patterns(*clause);
            for (uint32_t i = 0; i < arity; ++i) pattern(patterns[i], i, next, ps);
            guard(clause_guard(*clause), next);
            tail_value(clause_body(*clause));
            bind(next);
        }
        emit(Op::Fail, static_cast<uint32_t>(FailKind::FunctionClause), kNoReg);
        captures_out_ = std::move(state.captures);
        f_ = outer;
        line_ = outer_line;
    }

    uint32_t make_closure(FunctionCode* fn, const std::vector<std::string>& captures) {
        uint32_t base = regs(static_cast<uint32_t>(captures.size()));
        for (size_t i = 0; i < captures.size(); ++i) {
            uint32_t r = lookup(captures[i]);
            emit(Op::Move, base + static_cast<uint32_t>(i), r);
        }
        uint32_t dst = reg();
        emit(Op::MakeFun, dst, fn->index, base, static_cast<uint32_t>(captures.size()));
        return dst;
    }

    /// Elixir's name of a fn inside the current function: :"-run/0-fun-0-".
    void name_closure(FunctionCode* fn) {
        const FunctionCode* outer = f_->fn;
        while (outer->is_closure && outer->stack_name.id != 0) {
            // a fn inside a fn is named after the def, like Elixir
            break;
        }
        std::string base(outer->stack_name.name());
        uint32_t arity = outer->stack_arity;
        if (outer->is_closure) {
            fn->stack_name = outer->stack_name;
        } else {
            fn->stack_name = Atom::intern(fmt::format("-{}/{}-fun-0-", base, arity));
        }
        fn->stack_module = outer->stack_module;
        fn->stack_arity = fn->arity;
        fn->fun_index = fun_counter_[fn->stack_module.id]++;
    }

    std::string enclosing_display() {
        const FunctionCode* def = f_->fn;
        return def->display;
    }

    uint32_t fn_expr(const Node* n) {
        uint32_t arity = n->child(0)->arity;
        FunctionCode* fn =
            new_function(module_ ? module_->name : atom::nil, f_->fn->name, arity, true);
        fn->display = fmt::format("anonymous fn/{} in {}", arity, enclosing_display());
        name_closure(fn);
        compile_clauses(fn, f_, n->children, arity);
        auto captures = std::move(captures_out_);
        return make_closure(fn, captures);
    }

    int max_capture_arg(const Node* n) {
        if (n->kind == NodeKind::CaptureArg) return static_cast<int>(n->integer);
        if (n->kind == NodeKind::Capture) return 0;  // nested captures are refused by Elixir too
        int m = 0;
        for (const Node* c : n->children) m = std::max(m, max_capture_arg(c));
        return m;
    }

    uint32_t capture(const Node* n) {
        const Node* body = n->child(0);
        int arity = max_capture_arg(body);
        if (arity == 0)
            fail_at(n,
                    "invalid args for &, expected one of: &Mod.fun/arity, &fun/arity, or a capture "
                    "containing at least one argument as &1");
        FunctionCode* fn = new_function(module_ ? module_->name : atom::nil, f_->fn->name,
                                        static_cast<uint32_t>(arity), true);
        fn->display = fmt::format("anonymous fn/{} in {}", arity, enclosing_display());
        name_closure(fn);
        FnState state;
        state.fn = fn;
        state.parent = f_;
        state.next_reg = static_cast<uint32_t>(arity);
        for (int i = 1; i <= arity; ++i)
            state.vars["&" + std::to_string(i)] = static_cast<uint32_t>(i - 1);
        FnState* outer = f_;
        f_ = &state;
        capture_depth_++;
        tail_value(body);
        capture_depth_--;
        auto captures = std::move(state.captures);
        f_ = outer;
        return make_closure(fn, captures);
    }

    uint32_t capture_function(const Node* n) {
        uint32_t arity = n->arity;
        std::string name(n->text);
        if (n->children.empty()) {
            if (const auto* def = find_local(name, arity)) {
                // a local fun: a closure that calls the def
                FunctionCode* fn = new_function(module_->name, def->fn->name, arity, true);
                fn->display = def->fn->display;
                fn->stack_module = def->fn->stack_module;
                fn->stack_name = def->fn->stack_name;
                fn->stack_arity = def->fn->stack_arity;
                FnState state;
                state.fn = fn;
                state.next_reg = arity;
                FnState* outer = f_;
                f_ = &state;
                emit(Op::TailCall, 0, def->fn->index, 0, arity);
                f_ = outer;
                return make_closure(fn, {});
            }
            if (module_ && !module_->is_script &&
                builtins().find(module_->name, Atom::intern(name), static_cast<int>(arity)))
                return external_fun(module_->name, Atom::intern(name), arity);
            for (Atom imported : module_ ? module_->imports : script_imports_) {
                Atom fun = Atom::intern(name);
                if (!import_allows(imported, name, static_cast<uint32_t>(arity))) continue;
                if (program_.find(imported, fun, arity) ||
                    builtins().find(imported, fun, static_cast<int>(arity)))
                    return external_fun(imported, fun, arity);
            }
            if (options_.check_calls && !kernel_defines(name, arity))
                fail_at(n, fmt::format("undefined function {}/{} (there is no such import)", name,
                                       arity));
            return external_fun(kElixirKernel, Atom::intern(name), arity);
        }
        const Node* target = n->child(0);
        Atom module = module_target(target);
        if (module.id == 0) refuse(n, "& capture of a function of a dynamic module");
        check_sandbox(n, module, name, arity);
        check_supported(n, module, name, arity);
        return external_fun(module, Atom::intern(name), arity);
    }

    uint32_t external_fun(Atom module, Atom fun, uint32_t arity) {
        auto* obj = new FunObject(FunObject::Kind::External);
        obj->arity = arity;
        obj->module = module;
        obj->name = fun;
        return load(Term::adopt(obj));
    }

    // ---------------------------------------------------------------- modules
    void directive(const Node* n, const std::string& name, const std::vector<const Node*>& args) {
        if (args.empty()) fail_at(n, fmt::format("invalid {}", name));
        const Node* target = args[0];
        if (name == "require") return;
        if (name == "import") {
            Atom m = module_target(target);
            if (m.id == 0) fail_at(target, "invalid import");
            // the script's own imports live on its ModuleCtx too: local_call reads them there
            (module_ ? module_->imports : script_imports_).push_back(m);
            ImportFilter filter;
            if (args.size() > 1) {
                const Node* only = keyword_get(args[1], "only");
                const Node* except = keyword_get(args[1], "except");
                const Node* given = only ? only : except;
                if (given) {
                    filter.active = true;
                    filter.only = only != nullptr;
                    auto list = const_eval(given);
                    if (list && list->is_atom()) {
                        // only: :functions / :macros / :sigils
                        filter.kind = std::string(list->as_atom().name());
                    } else if (list && list_length(*list) >= 0) {
                        for (ListIterator it(*list); !it.done(); ++it) {
                            const Term& fa = *it;
                            if (!fa.is_tuple(2) || !fa.element(0).is_atom() ||
                                !fa.element(1).is_integer())
                                fail_at(given, "invalid import option");
                            filter.names.insert(
                                {std::string(fa.element(0).as_atom().name()),
                                 static_cast<uint32_t>(fa.element(1).as_integer())});
                        }
                    } else {
                        fail_at(given, "invalid import option");
                    }
                }
            }
            import_filters()[m.id] = std::move(filter);
            return;
        }
        // alias A.{B, C}: one alias per name under A
        if (target->kind == NodeKind::RemoteCall && target->text == "{}" &&
            !target->children.empty()) {
            Atom base = module_target(target->child(0));
            if (base.id == 0) refuse(target, "this form of alias");
            for (size_t i = 1; i < target->children.size(); ++i) {
                const Node* part = target->child(i);
                if (part->kind != NodeKind::Alias) refuse(part, "this form of alias");
                std::string_view rest =
                    part->text.substr(part->text.starts_with("Elixir.") ? 7 : 0);
                std::string full = std::string(base.name()) + "." + std::string(rest);
                aliases_[full.substr(full.rfind('.') + 1)] = full;
            }
            return;
        }
        // alias A.B [, as: C], alias __MODULE__ [, as: C]
        if (target->kind != NodeKind::Alias && target->kind != NodeKind::CurrentModule)
            refuse(target, "this form of alias");
        Atom full = module_target(target);
        std::string short_name;
        const Node* as = args.size() > 1 ? keyword_get(args[1], "as") : nullptr;
        if (as) {
            if (as->kind != NodeKind::Alias) fail_at(as, "invalid alias :as");
            short_name = std::string(as->text.substr(as->text.starts_with("Elixir.") ? 7 : 0));
        } else {
            std::string_view s = full.name();
            short_name = std::string(s.substr(s.rfind('.') + 1));
        }
        aliases_[short_name] = std::string(full.name());
    }

    std::map<uint32_t, ImportFilter>& import_filters() {
        return module_ && !module_->is_script ? module_->import_filters : script_import_filters_;
    }
    bool import_allows(Atom module, const std::string& name, uint32_t arity) {
        auto& filters = import_filters();
        auto it = filters.find(module.id);
        return it == filters.end() || it->second.allows(name, arity);
    }

    struct DefHead {
        std::string name;
        std::vector<const Node*> params;  // may contain Default nodes
        const Node* guard = nullptr;
        const Node* body = nullptr;  // the keyword list [do: ...] or null (bodiless head)
    };

    DefHead def_head(const Node* def) {
        DefHead h;
        if (def->children.empty()) fail_at(def, "invalid def");
        const Node* head = def->child(0);
        if (head->kind == NodeKind::BinaryOp && head->binary_op == BinaryOperator::When) {
            h.guard = head->child(1);
            head = head->child(0);
        }
        if (head->kind == NodeKind::LocalCall) {
            h.name = std::string(head->text);
            h.params.assign(head->children.begin(), head->children.end());
        } else if (head->kind == NodeKind::Variable) {
            h.name = std::string(head->text);
        } else {
            refuse(head, "this function head");
        }
        if (def->children.size() > 1) {
            h.body = def->child(1);
            if (!is_keyword_list(h.body)) fail_at(def, "expected a do block");
        }
        return h;
    }

    void collect_def(ModuleCtx& m, const Node* def, bool priv) {
        DefHead h = def_head(def);
        uint32_t arity = static_cast<uint32_t>(h.params.size());
        auto& d = m.defs[{h.name, arity}];
        if (!d.fn) {
            d.name = h.name;
            d.arity = arity;
            d.priv = priv;
            d.fn = new_function(m.name, Atom::intern(h.name), arity, false);
            d.fn->is_private = priv;
            d.fn->display = fmt::format("{}.{}/{}", module_display(m.name), h.name, arity);
            program_.exports[Program::Key{m.name.id, Atom::intern(h.name).id, arity}] = d.fn;
        }
        size_t defaults = 0;
        for (const Node* p : h.params)
            if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default)
                ++defaults;
        if (defaults > 0) {
            for (uint32_t a = arity - static_cast<uint32_t>(defaults); a < arity; ++a) {
                auto& w = m.defs[{h.name, a}];
                if (w.fn) continue;
                w.name = h.name;
                w.arity = a;
                w.priv = priv;
                w.default_head = def;
                w.default_target = d.fn;
                w.fn = new_function(m.name, Atom::intern(h.name), a, false);
                w.fn->is_private = priv;
                w.fn->display = fmt::format("{}.{}/{}", module_display(m.name), h.name, a);
                program_.exports[Program::Key{m.name.id, Atom::intern(h.name).id, a}] = w.fn;
            }
        }
        if (h.body) d.clauses.push_back(def);
    }

    void compile_def(ModuleCtx::Def& d) {
        FunctionCode* fn = d.fn;
        FnState state;
        state.fn = fn;
        state.next_reg = d.arity;
        f_ = &state;
        if (d.default_head) {
            DefHead h = def_head(d.default_head);
            at(d.default_head);
            uint32_t full = static_cast<uint32_t>(h.params.size());
            uint32_t optional_given =
                d.arity - static_cast<uint32_t>(
                              std::count_if(h.params.begin(), h.params.end(), [](const Node* p) {
                                  return !(p->kind == NodeKind::BinaryOp &&
                                           p->binary_op == BinaryOperator::Default);
                              }));
            uint32_t base = regs(full);
            uint32_t next_arg = 0;
            for (uint32_t i = 0; i < full; ++i) {
                const Node* p = h.params[i];
                bool is_default =
                    p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default;
                if (!is_default || optional_given > 0) {
                    if (is_default) --optional_given;
                    emit(Op::Move, base + i, next_arg++);
                } else {
                    into(p->child(1), base + i);
                }
            }
            emit(Op::TailCall, 0, d.default_target->index, base, full);
            f_ = nullptr;
            return;
        }
        if (d.clauses.empty())
            fail_at(nullptr, fmt::format("function {}/{} has no body", d.name, d.arity));
        for (const Node* def : d.clauses) {
            at(def);
            DefHead h = def_head(def);
            state.vars.clear();
            Label next;
            PatternState ps;
            for (uint32_t i = 0; i < d.arity; ++i) {
                const Node* p = h.params[i];
                if (p->kind == NodeKind::BinaryOp && p->binary_op == BinaryOperator::Default)
                    p = p->child(0);
                pattern(p, i, next, ps);
            }
            guard(h.guard, next);
            const Node* kw = h.body;
            const Node* body = keyword_get(kw, "do");
            if (keyword_get(kw, "rescue") || keyword_get(kw, "catch") || keyword_get(kw, "after")) {
                try_body(body, kw, true);
            } else {
                if (body) {
                    tail_value(body);
                } else {
                    emit(Op::Return, load(Term::nil()));
                }
            }
            bind(next);
        }
        emit(Op::Fail, static_cast<uint32_t>(FailKind::FunctionClause), kNoReg);
        f_ = nullptr;
    }

    /// Parses `text` and adds its defs to module `m` unless `m` already defines them.
    void inject(ModuleCtx& m, const std::string& text,
                const std::set<std::pair<std::string, uint32_t>>& user_defs) {
        const SourceFile& snippet =
            files_.add(fmt::format("{} (generated)", module_display(m.name)), text);
        ParseResult parsed = parse(snippet);
        if (!parsed.ok())
            throw std::runtime_error("internal error in generated code: " +
                                     parsed.diagnostics[0].message);
        const SourceFile* saved_file = file_;
        file_ = &snippet;
        const Node* root = parsed.ast->root();
        for (const Node* stmt : root->children) {
            if (stmt->kind != NodeKind::LocalCall) continue;
            DefHead h = def_head(stmt);
            if (user_defs.count({h.name, static_cast<uint32_t>(h.params.size())})) continue;
            collect_def(m, stmt, stmt->text == "defp");
        }
        file_ = saved_file;
        injected_.push_back({std::move(parsed.ast), &snippet});
    }

    /// __info__/1 and module_info/0,1, which every compiled Elixir module has. Public functions
    /// sorted by name and arity (m.defs is ordered that way: byte order is atom order).
    void inject_module_info(ModuleCtx& m, bool is_struct) {
        std::set<std::pair<std::string, uint32_t>> user_defs;
        for (auto& [key, d] : m.defs) user_defs.insert(key);
        std::string functions;
        for (auto& [key, d] : m.defs) {
            if (d.priv) continue;
            if (!functions.empty()) functions += ", ";
            functions += fmt::format("{{:\"{}\", {}}}", key.first, key.second);
        }
        std::string exports = functions + (functions.empty() ? "" : ", ") +
                              "{:module_info, 0}, {:module_info, 1}, {:__info__, 1}";
        std::string text = "def __info__(:functions), do: [" + functions +
                           "]\n"
                           "def __info__(:macros), do: []\n"
                           "def __info__(:module), do: __MODULE__\n";
        if (is_struct) {
            auto fields = m.attrs.find("__struct_default__");
            auto enforced = m.attrs.find("__enforce_keys__");
            std::string list;
            if (auto def = program_.structs.find(m.name)) {
                for (Atom f : def->fields) {
                    bool required = false;
                    if (enforced != m.attrs.end())
                        for (ListIterator it(enforced->second); !it.done(); ++it)
                            if ((*it).is_atom(f)) required = true;
                    if (!list.empty()) list += ", ";
                    list += fmt::format("%{{field: :\"{}\", required: {}}}", f.name(),
                                        required ? "true" : "false");
                }
            }
            (void)fields;
            text += "def __info__(:struct), do: [" + list + "]\n";
        } else {
            text += "def __info__(:struct), do: nil\n";
        }
        text +=
            "def module_info(:module), do: __MODULE__\n"
            "def module_info(:exports), do: [" +
            exports +
            "]\n"
            "def module_info(:functions), do: [" +
            exports +
            "]\n"
            "def module_info(:attributes), do: []\n"
            "def module_info(:compile), do: []\n"
            "def module_info(), do: [module: __MODULE__, exports: module_info(:exports), "
            "attributes: [], compile: []]\n";
        inject(m, text, user_defs);
    }

    void define_module(const Node* n) {
        if (n->children.size() != 2 || !is_do_block(n->child(1))) fail_at(n, "invalid defmodule");
        const Node* name_node = n->child(0);
        if (name_node->kind != NodeKind::Alias) refuse(name_node, "defmodule with a dynamic name");
        Atom name;
        std::string short_name(name_node->text.substr(7));
        if (module_ && !module_->is_script) {
            name = Atom::intern(std::string(module_->name.name()) + "." + short_name);
            // the nested module is aliased by its short name inside the parent
            if (short_name.find('.') == std::string::npos)
                aliases_[short_name] = std::string(name.name());
        } else {
            name = resolve_alias(name_node);
        }
        auto saved_aliases = aliases_;
        ModuleCtx* outer = module_;
        FnState* outer_f = f_;
        auto m = std::make_unique<ModuleCtx>();
        m->name = name;
        module_ = m.get();
        program_.modules[name.id] = 1;

        const Node* body = keyword_get(n->child(1), "do");
        std::vector<const Node*> stmts;
        if (body) {
            if (body->kind == NodeKind::Block) {
                stmts.assign(body->children.begin(), body->children.end());
            } else {
                stmts.push_back(body);
            }
        }
        // pass 1: directives, attributes, def signatures
        std::vector<const Node*> nested;
        std::vector<std::pair<std::string, const Node*>> uses;
        std::string delegates;
        const Node* struct_fields = nullptr;
        bool is_exception = false;
        for (const Node* s : stmts) {
            at(s);
            if (s->kind == NodeKind::Attribute) {
                if (s->children.empty()) fail_at(s, "module attribute read outside a function");
                std::string attr(s->text);
                if (attr == "enforce_keys") {
                    auto keys = const_eval(s->child(0));
                    if (!keys || list_length(*keys) < 0)
                        refuse(s->child(0), "@enforce_keys that is not a literal list");
                    m->attrs["__enforce_keys__"] = *keys;
                    continue;
                }
                static const std::set<std::string> ignored = {
                    "moduledoc", "doc",     "impl",   "spec",        "typedoc",
                    "type",      "typep",   "opaque", "behaviour",   "callback",
                    "dialyzer",  "compile", "derive", "enforce_keys"};
                if (ignored.count(attr)) continue;
                auto v = const_eval(s->child(0));
                if (m->accumulated_attrs.count(attr)) {
                    if (!v)
                        refuse(s->child(0),
                               "an accumulated attribute whose value is not a literal");
                    Term& acc = m->attrs[attr];
                    acc = Term::cons(*v, acc.is_list() ? acc : Term::empty_list());
                    continue;
                }
                if (v) {
                    m->computed_attrs.erase(attr);
                    m->attrs[attr] = *v;
                } else {
                    m->attrs.erase(attr);
                    m->computed_attrs[attr] = s->child(0);
                }
                continue;
            }
            if (s->kind == NodeKind::RemoteCall && s->text == "register_attribute" &&
                s->children.size() >= 3 && module_target(s->child(0)).name() == "Elixir.Module") {
                // Module.register_attribute(__MODULE__, :name, accumulate: true)
                auto name = const_eval(s->child(2));
                auto opts = s->children.size() > 3 ? const_eval(s->child(3)) : std::nullopt;
                if (!name || !name->is_atom()) refuse(s, "this Module.register_attribute call");
                bool accumulate = false;
                if (opts)
                    for (ListIterator it(*opts); !it.done(); ++it)
                        if ((*it).is_tuple(2) &&
                            (*it).element(0).is_atom(Atom::intern("accumulate")) &&
                            (*it).element(1).is_atom(atom::true_))
                            accumulate = true;
                std::string attr(name->as_atom().name());
                if (accumulate) {
                    m->accumulated_attrs.insert(attr);
                    if (!m->attrs.count(attr)) m->attrs[attr] = Term::empty_list();
                }
                continue;
            }
            if (s->kind != NodeKind::LocalCall)
                refuse(s,
                       "code in a module body (only def, defp, defstruct, use, alias, import and "
                       "attributes)");
            std::string_view what = s->text;
            std::vector<const Node*> args(s->children.begin(), s->children.end());
            if (what == "def" || what == "defp") {
                collect_def(*m, s, what == "defp");
            } else if (what == "defdelegate") {
                // defdelegate f(a, b), to: Mod [, as: :g]  ->  def f(a, b), do: Mod.g(a, b)
                const Node* head = args.empty() ? nullptr : args[0];
                const Node* to = args.size() > 1 ? keyword_get(args[1], "to") : nullptr;
                const Node* as = args.size() > 1 ? keyword_get(args[1], "as") : nullptr;
                if (!head || head->kind != NodeKind::LocalCall || !to || module_target(to).id == 0)
                    refuse(s, "this form of defdelegate");
                std::vector<std::string> params;
                for (const Node* p : head->children) {
                    if (p->kind != NodeKind::Variable)
                        refuse(p, "defdelegate with a non-variable argument");
                    params.emplace_back(p->text);
                }
                std::string target(module_target(to).name());
                std::string fun = as && as->kind == NodeKind::Atom ? std::string(as->text)
                                                                   : std::string(head->text);
                std::string list;
                for (size_t i = 0; i < params.size(); ++i) list += (i ? ", " : "") + params[i];
                delegates += fmt::format("def {}({}), do: :\"{}\".{}({})\n", head->text, list,
                                         target, fun, list);
            } else if (what == "defstruct" || what == "defexception") {
                if (args.size() != 1) fail_at(s, fmt::format("invalid {}", what));
                struct_fields = args[0];
                is_exception = what == "defexception";
            } else if (what == "alias" || what == "import" || what == "require") {
                directive(s, std::string(what), args);
            } else if (what == "use" && !args.empty() &&
                       module_target(args[0]).name() == "Elixir.Bitwise") {
                directive(s, "import", {args[0]});  // the deprecated `use Bitwise` imports it
            } else if (what == "use") {
                if (args.empty()) fail_at(s, "invalid use");
                Atom used = module_target(args[0]);
                std::string used_name(used.name());
                m->using_behaviours.insert(used_name);
                if (args.size() > 1) {
                    auto opts = const_eval(args[1]);
                    if (!opts) refuse(args[1], "use options that are not literals");
                    m->attrs["__use_opts__"] = *opts;
                } else {
                    m->attrs["__use_opts__"] = Term::empty_list();
                }
                uses.emplace_back(used_name, s);
            } else if (what == "defmodule") {
                nested.push_back(s);
            } else if (what == "defmacro" || what == "defmacrop" || what == "defguard" ||
                       what == "defguardp" || what == "defprotocol" || what == "defimpl" ||
                       what == "defoverridable") {
                refuse(s, std::string(what));
            } else {
                refuse(s,
                       "code in a module body (only def, defp, defstruct, use, alias, import and "
                       "attributes)");
            }
        }
        std::set<std::pair<std::string, uint32_t>> user_defs;
        for (auto& [key, d] : m->defs) user_defs.insert(key);
        if (struct_fields) {
            // __struct__/0 builds the default struct; exceptions get exception/1 and message/1
            auto fields = const_eval(struct_fields);
            if (!fields || !fields->is_list())
                refuse(struct_fields, "defstruct with non-literal defaults");
            std::vector<std::pair<Term, Term>> entries;
            entries.emplace_back(Term::atom(atom::struct_), Term::atom(name));
            if (is_exception)
                entries.emplace_back(Term::atom(atom::exception_), Term::boolean(true));
            bool has_message = false;
            std::vector<Atom> order;
            for (ListIterator it(*fields); !it.done(); ++it) {
                const Term& f = *it;
                order.push_back(f.is_atom() ? f.as_atom()
                                            : (f.is_tuple(2) && f.element(0).is_atom()
                                                   ? f.element(0).as_atom()
                                                   : Atom{}));
                if (f.is_atom()) {
                    entries.emplace_back(f, Term::nil());
                    if (f.as_atom().name() == "message") has_message = true;
                } else if (f.is_tuple(2) && f.element(0).is_atom()) {
                    entries.emplace_back(f.element(0), f.element(1));
                    if (f.element(0).as_atom().name() == "message") has_message = true;
                } else {
                    refuse(struct_fields, "this defstruct field");
                }
            }
            m->attrs["__struct_default__"] = Term::map(std::move(entries));
            program_.structs.define(name, std::move(order), is_exception);
            std::string text = "def __struct__(), do: @__struct_default__\n";
            auto enforced = m->attrs.find("__enforce_keys__");
            if (enforced != m->attrs.end() && enforced->second.is_cons()) {
                // struct!/2 with @enforce_keys: unknown keys fail first (Map.replace!), then
                // the missing enforced keys, with Elixir's message
                text +=
                    "def __struct__(kv) do\n"
                    "  struct = Kernel.struct!(@__struct_default__, kv)\n"
                    "  case Enum.reject(@__enforce_keys__, fn k -> "
                    "Enum.all?(kv, fn {key, _} -> key != k end) == false end) do\n"
                    "    [] -> struct\n"
                    "    missing -> raise ArgumentError, \"the following keys must also be given "
                    "when building struct #{inspect(__MODULE__)}: #{inspect(missing)}\"\n"
                    "  end\n"
                    "end\n";
            } else {
                text += "def __struct__(kv), do: Kernel.struct!(@__struct_default__, kv)\n";
            }
            if (is_exception) {
                if (has_message)
                    text += "def exception(msg) when is_binary(msg), do: exception(message: msg)\n";
                text +=
                    "def exception(args) when is_list(args), do: "
                    "Kernel.struct!(@__struct_default__, args)\n";
                if (has_message) text += "def message(exception), do: exception.message\n";
            }
            inject(*m, text, user_defs);
        }
        if (!delegates.empty()) inject(*m, delegates, user_defs);
        for (auto& [used, s] : uses) {
            std::string text;
            if (used == "Elixir.GenServer" || used == "Elixir.Agent") {
                text =
                    "def child_spec(init_arg) do\n"
                    "  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [init_arg]}}, "
                    "Map.new(@__use_opts__))\n"
                    "end\n";
                if (used == "Elixir.GenServer") {
                    text +=
                        "def handle_call(msg, _from, state) do\n"
                        "  proc = case Process.info(self(), :registered_name) do\n"
                        "    {_, []} -> self()\n"
                        "    {_, name} -> name\n"
                        "    _ -> self()\n"
                        "  end\n"
                        "  raise RuntimeError, \"attempted to call GenServer #{inspect(proc)} but "
                        "no handle_call/3 clause was provided\"\n"
                        "end\n"
                        "def handle_cast(msg, state) do\n"
                        "  proc = case Process.info(self(), :registered_name) do\n"
                        "    {_, []} -> self()\n"
                        "    {_, name} -> name\n"
                        "    _ -> self()\n"
                        "  end\n"
                        "  raise RuntimeError, \"attempted to cast GenServer #{inspect(proc)} but "
                        "no handle_cast/2 clause was provided\"\n"
                        "end\n"
                        "def handle_info(msg, state) do\n"
                        "  proc = case Process.info(self(), :registered_name) do\n"
                        "    {_, []} -> self()\n"
                        "    {_, name} -> name\n"
                        "    _ -> self()\n"
                        "  end\n"
                        "  Logger.error(\"#{inspect(__MODULE__)} #{inspect(proc)} received "
                        "unexpected message in handle_info/2: #{inspect(msg)}\")\n"
                        "  {:noreply, state}\n"
                        "end\n"
                        "def terminate(_reason, _state), do: :ok\n"
                        "def code_change(_old, state, _extra), do: {:ok, state}\n";
                }
            } else if (used == "Elixir.Task") {
                text =
                    "def child_spec(arg) do\n"
                    "  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [arg]}, "
                    "restart: :temporary}, Map.new(@__use_opts__))\n"
                    "end\n";
            } else if (used == "Elixir.Supervisor" || used == "Elixir.DynamicSupervisor") {
                text =
                    "def child_spec(init_arg) do\n"
                    "  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [init_arg]}, "
                    "type: :supervisor}, Map.new(@__use_opts__))\n"
                    "end\n";
            } else {
                refuse(s, fmt::format("use {}", module_display(Atom::intern(used))));
            }
            inject(*m, text, user_defs);
        }
        for (const Node* s : nested) {
            in_module_body_ = true;
            define_module(s);
            in_module_body_ = false;
        }
        inject_module_info(*m, struct_fields != nullptr);
        // pass 2: bodies
        for (auto& [key, d] : m->defs) {
            const SourceFile* saved_file = file_;
            compile_def(d);
            file_ = saved_file;
        }
        modules_.push_back(std::move(m));
        module_ = outer;
        f_ = outer_f;
        aliases_ = saved_aliases;
        if (outer && !outer->is_script) {
            std::string sn(name_node->text.substr(7));
            if (sn.find('.') == std::string::npos) aliases_[sn] = std::string(name.name());
        }
    }

    Program& program_;
    SourceFiles& files_;
    const SourceFile* file_;
    CompileOptions options_;
    FnState* f_ = nullptr;
    ModuleCtx* module_ = nullptr;
    std::map<std::string, std::string> aliases_;
    std::vector<Atom> script_imports_;
    std::map<uint32_t, ImportFilter> script_import_filters_;
    std::vector<std::string> captures_out_;
    std::vector<std::unique_ptr<ModuleCtx>> modules_;
    struct Injected {
        std::unique_ptr<Ast> ast;
        const SourceFile* file;
    };
    std::vector<Injected> injected_;
    uint32_t line_ = 0;
    int capture_depth_ = 0;
    std::unordered_map<uint32_t, uint32_t> fun_counter_;
    bool in_module_body_ = false;
};

void Compiler::compile_root(const Node* root) {
    ModuleCtx script;
    script.name = atom::nil;
    script.is_script = true;
    module_ = &script;
    FunctionCode* main =
        new_function(Atom::intern("elixir_compiler_0"), Atom::intern("__FILE__"), 0, false);
    main->display = "(file)";
    main->stack_arity = 1;
    FnState state;
    state.fn = main;
    f_ = &state;
    std::vector<const Node*> stmts;
    if (root->kind == NodeKind::Block) {
        stmts.assign(root->children.begin(), root->children.end());
    } else {
        stmts.push_back(root);
    }
    // defmodules first, so that the script may call modules defined after the call site... no:
    // Elixir defines them in order, but every call in a script happens after all definitions
    // are compiled here, which gives the same result for scripts that run.
    uint32_t last = kNoReg;
    for (const Node* s : stmts) {
        f_ = &state;
        module_ = &script;
        last = expr(s);
    }
    f_ = &state;
    if (last == kNoReg) last = load(Term::nil());
    emit(Op::Return, last);
    if (options_.is_main) program_.main = main;
}

}  // namespace

bool compile_file(Program& program, SourceFiles& files, const SourceFile& file, const Ast& ast,
                  const CompileOptions& options, std::vector<Diagnostic>& diagnostics) {
    if (program.file_paths.size() <= file.id()) program.file_paths.resize(file.id() + 1);
    program.file_paths[file.id()] = file.path();
    size_t functions_before = program.functions.size();
    try {
        Compiler compiler(program, files, file, options);
        compiler.compile_root(ast.root());
    } catch (CompileError& e) {
        if (e.diagnostic.location.line == 0) e.diagnostic.location = {file.id(), 1, 1};
        diagnostics.push_back(std::move(e.diagnostic));
        (void)functions_before;
        return false;
    }
    for (size_t i = 0; i < files.size(); ++i) {
        if (program.file_paths.size() <= i) program.file_paths.resize(i + 1);
        if (program.file_paths[i].empty())
            program.file_paths[i] = files.get(static_cast<FileId>(i)).path();
    }
    return true;
}

}  // namespace tasklens::script

// ---------------------------------------------------------------------------------------------
namespace tasklens::script {

void load_prelude(Program& program, SourceFiles& files) {
    for (size_t i = 0; i < kPreludeSourceCount; ++i) {
        const SourceFile& file =
            files.add(std::string("prelude/") + kPreludeSources[i].name, kPreludeSources[i].text);
        ParseResult parsed = parse(file);
        std::vector<Diagnostic> diagnostics = parsed.diagnostics;
        if (parsed.ok()) {
            CompileOptions options;
            options.is_main = false;
            options.check_calls = false;
            compile_file(program, files, file, *parsed.ast, options, diagnostics);
        }
        if (!diagnostics.empty()) {
            std::string text;
            for (const auto& d : diagnostics)
                text += format_diagnostic(d, files.get(d.location.file));
            throw std::runtime_error("the scenario prelude does not compile:\n" + text);
        }
    }
}

std::shared_ptr<Program> compile_scenario(
    SourceFiles& files, const SourceFile& file, std::vector<Diagnostic>& diagnostics,
    std::function<bool(Atom module, Atom function, int arity)> native_defined) {
    auto program = std::make_shared<Program>();
    load_prelude(*program, files);
    ParseResult parsed = parse(file);
    if (!parsed.ok()) {
        diagnostics = std::move(parsed.diagnostics);
        return nullptr;
    }
    CompileOptions options;
    options.native_defined = std::move(native_defined);
    if (!compile_file(*program, files, file, *parsed.ast, options, diagnostics)) return nullptr;
    return program;
}

}  // namespace tasklens::script
