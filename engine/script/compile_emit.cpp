// Instruction emission, registers, names, constants and variables.
#include "engine/script/compiler_internal.h"

#include <cmath>

namespace tasklens::script {

// BitstringHost: what compile_bitstring.cpp needs from this compiler
uint32_t Compiler::emit_instruction(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return emit(op, a, b, c, d);
}

void Compiler::set_jump_target(uint32_t instruction, uint32_t target) {
    f_->fn->code[instruction].d = target;
}

[[noreturn]] void Compiler::refuse_construct(const Node* at, std::string construct) {
    refuse(at, std::move(construct));
}

[[noreturn]] void Compiler::compile_error(const Node* at, std::string message) {
    fail_at(at, std::move(message));
}

uint32_t Compiler::emit(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    auto& code = f_->fn->code;
    code.push_back(Instr{op, a, b, c, d});
    f_->fn->lines.push_back(line_);
    return static_cast<uint32_t>(code.size() - 1);
}

uint32_t Compiler::reg() {
    uint32_t r = f_->next_reg++;
    if (f_->next_reg > f_->fn->num_regs) f_->fn->num_regs = f_->next_reg;
    return r;
}

uint32_t Compiler::regs(uint32_t n) {
    uint32_t base = f_->next_reg;
    f_->next_reg += n;
    if (f_->next_reg > f_->fn->num_regs) f_->fn->num_regs = f_->next_reg;
    return base;
}

uint32_t Compiler::konst(Term t) {
    auto& consts = f_->fn->consts;
    for (size_t i = 0; i < consts.size() && i < 64; ++i) {
        // 0.0 =:= -0.0 on OTP 25, but they are different constants: compare floats by sign too
        if (consts[i].type() == t.type() && exact_equal(consts[i], t) &&
            (!t.is_float() || std::signbit(t.as_float()) == std::signbit(consts[i].as_float())))
            return static_cast<uint32_t>(i);
    }
    consts.push_back(std::move(t));
    return static_cast<uint32_t>(consts.size() - 1);
}

uint32_t Compiler::load(Term t) {
    uint32_t r = reg();
    emit(Op::LoadK, r, konst(std::move(t)));
    f_->constant_regs.insert(r);
    return r;
}

void Compiler::jump_to(Label& l, Op op, uint32_t a) {
    l.refs.push_back(emit(op, a, 0, 0, 0));
}

void Compiler::bind(Label& l) {
    l.target = here();
    for (uint32_t i : l.refs) f_->fn->code[i].d = static_cast<uint32_t>(l.target);
}

void Compiler::at(const Node* n) {
    if (n && n->location.line) line_ = n->location.line;
}

uint32_t Compiler::callsite(Atom module, Atom function, uint32_t arity) {
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

Atom Compiler::resolve_alias(const Node* n) {
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

Atom Compiler::module_target(const Node* n) {
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

std::optional<Term> Compiler::const_eval(const Node* n) {
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
            if (n->children.empty() || n->child(0)->kind != NodeKind::String) return std::nullopt;
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

// ---------------------------------------------------------------- unused variables

void Compiler::bind_variable(const Node* var, uint32_t reg) {
    std::string name(var->text);
    // Elixir words the warning differently for a variable that shadows one in scope.
    bool overrides = visible(f_, name);
    f_->vars[name] = reg;
    if (!options_.is_main || var->location.file != main_file_->id() || name.starts_with("_") ||
        name.starts_with("&"))
        return;
    f_->binding_at[{name, reg}] = f_->bindings.size();
    f_->bindings.push_back({std::move(name), var->location.line, false, false, overrides});
}

void Compiler::mark_used(FnState& f, const std::string& name, uint32_t reg) {
    auto it = f.binding_at.find({name, reg});
    if (it != f.binding_at.end()) f.bindings[it->second].used = true;
}

/// Elixir checks a scope's variables when the scope closes (a clause, a branch, a fn, a def
/// clause, the file), innermost first, and warns of the unused ones sorted by name.
void Compiler::close_scope(size_t mark, bool report) {
    std::vector<const FnState::Binding*> unused;
    for (size_t i = mark; i < f_->bindings.size(); ++i) {
        FnState::Binding& b = f_->bindings[i];
        if (b.closed) continue;
        b.closed = true;
        if (report && !b.used) unused.push_back(&b);
    }
    std::stable_sort(unused.begin(), unused.end(),
                     [](const auto* a, const auto* b) { return a->name < b->name; });
    const FnState* root = f_;
    while (root->parent) root = root->parent;
    bool top_level = root->fn == nullptr || root->fn->display == "(file)";
    auto& out = top_level ? script_warnings_ : module_warnings_;
    for (const auto* b : unused)
        out.push_back(fmt::format(
            "warning: variable \"{}\" is unused ({})\n  {}:{}{}\n\n", b->name,
            b->overrides ? "there is a variable with the same name in the context, use the pin "
                           "operator (^) to match on it or prefix this variable with underscore "
                           "if it is not meant to be used"
                         : "if the variable is not meant to be used, prefix it with an underscore",
            main_file_->path(), b->line, top_level ? std::string() : ": " + root->fn->display));
}

bool Compiler::visible(FnState* f, const std::string& name) {
    for (FnState* s = f; s; s = s->parent) {
        if (s->vars.count(name)) return true;
    }
    return false;
}

/// Register holding variable `name` in the current function, loading it from the closure
/// environment when it is captured. kNoReg if unknown.
uint32_t Compiler::lookup(const std::string& name) {
    auto it = f_->vars.find(name);
    if (it != f_->vars.end()) {
        mark_used(*f_, name, it->second);
        return it->second;
    }
    if (!f_->parent || !visible(f_->parent, name)) return kNoReg;
    for (FnState* s = f_->parent; s; s = s->parent) {
        auto found = s->vars.find(name);
        if (found != s->vars.end()) {
            mark_used(*s, name, found->second);
            break;
        }
    }
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

}  // namespace tasklens::script
