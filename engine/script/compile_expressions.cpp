// Expressions and operators.
#include "engine/script/compiler_internal.h"

namespace tasklens::script {

/// Finishes a value: in tail position returns it, else leaves it in `result` (if any).
uint32_t Compiler::finish(uint32_t r, bool tail) {
    if (tail) {
        emit(Op::Return, r);
        return kNoReg;
    }
    return r;
}

uint32_t Compiler::value(const Node* n, bool tail) {
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
            for (size_t i = 0; i < n->children.size(); ++i) {
                into(n->child(i), base + static_cast<uint32_t>(i));
                if (n->child(i)->kind != NodeKind::String)
                    struct_to_string(base + static_cast<uint32_t>(i));
            }
            uint32_t r = reg();
            emit(Op::Interp, r, base, static_cast<uint32_t>(n->children.size()));
            return finish(r, tail);
        }
        case NodeKind::InterpolatedCharlist: {
            uint32_t base = regs(static_cast<uint32_t>(n->children.size()));
            for (size_t i = 0; i < n->children.size(); ++i) {
                into(n->child(i), base + static_cast<uint32_t>(i));
                if (n->child(i)->kind != NodeKind::String)
                    struct_to_string(base + static_cast<uint32_t>(i));
            }
            uint32_t s = reg();
            emit(Op::Interp, s, base, static_cast<uint32_t>(n->children.size()));
            return remote_with_regs(Atom::intern("Elixir.String"), "to_charlist", {s}, tail);
        }
        case NodeKind::Variable: {
            std::string name(n->text);
            if (n->has(kPinned))
                fail_at(n, "misplaced operator ^ (the pin operator is only valid in patterns)");
            if (name == "__STACKTRACE__") {
                if (f_->stacktrace_reg == kNoReg) refuse(n, "__STACKTRACE__ outside rescue/catch");
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
                if (c->kind != NodeKind::BitSegment) fail_at(c, "<- is only valid in for and with");
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

void Compiler::into(const Node* n, uint32_t dst) {
    at(n);
    if (is_arith(n)) {
        arith(arith_op(n->binary_op), n, false, dst);
        return;
    }
    if (n->kind == NodeKind::Integer || n->kind == NodeKind::Atom || n->kind == NodeKind::String) {
        emit(Op::LoadK, dst, konst(*const_eval(n)));
        return;
    }
    uint32_t r = expr(n);
    if (r != dst) emit(Op::Move, dst, r);
}

uint32_t Compiler::block(const Node* n, bool tail) {
    if (n->children.empty()) return finish(load(Term::nil()), tail);
    for (size_t i = 0; i + 1 < n->children.size(); ++i) expr(n->child(i));
    return value(n->children.back(), tail);
}

/// Compiles `body` (may be null = nil) in a fresh scope, moving its value to `result`
/// (non-tail) or returning it (tail).
void Compiler::branch(const Node* body, bool tail, uint32_t result, Label& end) {
    auto saved = f_->vars;
    size_t scope = f_->bindings.size();
    uint32_t r = body ? value(body, tail) : value_nil(tail);
    if (!tail) {
        if (r != result) emit(Op::Move, result, r);
        jump_to(end);
    }
    f_->vars = saved;
    close_scope(scope);
}

uint32_t Compiler::sigil(const Node* n) {
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

uint32_t Compiler::map_update(const Node* n, uint32_t m) {
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

uint32_t Compiler::struct_expr(const Node* n) {
    const Node* name = n->child(0);
    const Node* body = n->child(1);
    if (body->kind == NodeKind::MapUpdate) {
        uint32_t m = expr(body->child(0));
        return map_update(body, m);
    }
    Atom module = module_target(name);
    if (module.id == 0) refuse(name, "a struct with a dynamic name");
    check_struct_access(name, module, 1);
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

/// An operand of an arithmetic/comparison instruction: a register, or a constant marked
/// with kConstOperand.
uint32_t Compiler::operand(const Node* n) {
    if (n->kind == NodeKind::Integer || n->kind == NodeKind::Atom || n->kind == NodeKind::Float) {
        return konst(*const_eval(n)) | kConstOperand;
    }
    return expr(n);
}

uint32_t Compiler::arith(Op op, const Node* n, bool tail, uint32_t dst) {
    uint32_t a = operand(n->child(0));
    uint32_t b = operand(n->child(1));
    uint32_t r = dst == kNoReg ? reg() : dst;
    emit(op, r, a, b);
    return finish(r, tail);
}

bool Compiler::is_arith(const Node* n) {
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

Op Compiler::arith_op(BinaryOperator op) {
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

uint32_t Compiler::binary_op(const Node* n, bool tail) {
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
            return remote(Atom::intern("Elixir.Range"), "new", {n->child(0), n->child(1)}, tail);
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

uint32_t Compiler::in_op(const Node* n, bool tail) {
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

uint32_t Compiler::unary_op(const Node* n, bool tail) {
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

/// String.Chars for a struct in an interpolation or to_string/1: register `r` is replaced by
/// String.Chars.to_string(r) when it holds a struct (other values take the VM's fast path).
void Compiler::struct_to_string(uint32_t r) {
    Label plain;
    jump_to(plain, Op::JumpIfNotStruct, r);
    uint32_t s = remote_with_regs(Atom::intern("Elixir.String.Chars"), "to_string", {r}, false);
    emit(Op::Move, r, s);
    bind(plain);
}

}  // namespace tasklens::script
