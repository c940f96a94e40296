// Patterns (tests that jump to a fail label, binding variables to registers) and guards.
#include "engine/script/compiler_internal.h"

namespace tasklens::script {

void Compiler::pattern(const Node* p, uint32_t src, Label& fail, PatternState& ps) {
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
                uint32_t first = f_->vars[name];
                mark_used(*f_, name, first);  // {a, a}: the second a reads the first
                fail_to(fail, emit(Op::TestExact, src, first));
                return;
            }
            ps.bound.insert(name);
            // Registers are written once per evaluation of their expression, so a variable
            // can simply name the register its value came from.
            bind_variable(p, src);
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
                check_struct_access(name, module_target(name), 0);
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
                    // `<<a, b::16>> <> rest` is `<<a, b::16, rest::binary>>`.
                    if (const Node* left = p->child(0); left->kind == NodeKind::Bitstring) {
                        BitstringCompiler bits(*this);
                        auto to_fail = [&](uint32_t instruction) { fail_to(fail, instruction); };
                        uint32_t context = bits.start(src, to_fail);
                        bits.segments(
                            left->children, context, to_fail,
                            [&](const Node* value, uint32_t r) { pattern(value, r, fail, ps); },
                            true);
                        pattern(p->child(1), bits.rest_binary(context, to_fail), fail, ps);
                        return;
                    }
                    auto prefix = const_eval(p->child(0));
                    if (!prefix || !prefix->is_binary())
                        fail_at(p->child(0),
                                "the left argument of <> operator inside a match should always be "
                                "a literal binary because its size can't be verified");
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

void Compiler::map_pairs_pattern(const Node* map, uint32_t src, Label& fail, PatternState& ps) {
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

bool Compiler::safe_guard(const Node* g) {
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

void Compiler::guard(const Node* g, Label& fail) {
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

}  // namespace tasklens::script
