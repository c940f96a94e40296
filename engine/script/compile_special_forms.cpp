// Special forms with clauses: case, cond, receive, try, with, for.
#include "engine/script/compiler_internal.h"

namespace tasklens::script {

std::optional<uint32_t> Compiler::special_form(const Node* n, const std::string& name,
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
        return match_clauses(clauses_of(keyword_get(args[1], "do")), v, tail, FailKind::CaseClause,
                             n);
    }
    if (name == "cond") {
        if (argc != 1 || !is_do_block(args[0])) fail_at(n, "invalid arguments for cond");
        uint32_t result = tail ? kNoReg : reg();
        Label end;
        for (const Node* clause : clauses_of(keyword_get(args[0], "do"))) {
            at(clause);
            Label next;
            auto saved = f_->vars;
            size_t scope = f_->bindings.size();
            uint32_t c = expr(clause_patterns(*clause)[0]);
            jump_to(next, Op::JumpIfFalsy, c);
            branch(clause_body(*clause), tail, result, end);
            f_->vars = saved;
            close_scope(scope);
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
    if (name == "defmodule" || name == "defprotocol" || name == "defimpl") {
        if (!module_ || !module_->is_script) refuse(n, name + " inside a function");
        // The module body is compiled with the caller's binding (for unquote fragments), so
        // Elixir counts every variable visible here as used and never warns of it.
        for (FnState* s = f_; s; s = s->parent)
            for (const auto& [var, reg] : s->vars) mark_used(*s, var, reg);
        size_t modules_before = modules_.size();
        if (name == "defmodule") {
            define_module(n);
        } else if (name == "defprotocol") {
            define_protocol(n);
        } else {
            define_impl(n);
        }
        reserve_compiler_pids(modules_.size() - modules_before);
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
        name == "defmacrop" || name == "defguard" || name == "defguardp" || name == "binding" ||
        name == "dbg" || name == "defoverridable" || name == "__ENV__")
        refuse(n, name);
    return std::nullopt;
}

/// case-like clause matching of register `v`; raises `failure` if nothing matches.
uint32_t Compiler::match_clauses(std::span<Node* const> clauses, uint32_t v, bool tail,
                                 FailKind failure, const Node* construct) {
    uint32_t result = tail ? kNoReg : reg();
    Label end;
    for (const Node* clause : clauses) {
        at(clause);
        if (clause->arity != 1) fail_at(clause, "expected one pattern in this clause");
        auto saved = f_->vars;
        size_t scope = f_->bindings.size();
        Label next;
        PatternState ps;
        pattern(clause_patterns(*clause)[0], v, next, ps);
        guard(clause_guard(*clause), next);
        branch(clause_body(*clause), tail, result, end);
        f_->vars = saved;
        close_scope(scope);
        bind(next);
    }
    at(construct);
    emit(Op::Fail, static_cast<uint32_t>(failure), v);
    bind(end);
    return result;
}

/// Where the script defines modules, Elixir's compiler starts processes of its own: three per
/// module, and one more for the file's first module (measured on Elixir 1.14 / OTP 25). The
/// runtime skips their pid serials (under `tasklens run`), so later pids are the BEAM's.
void Compiler::reserve_compiler_pids(size_t modules) {
    if (modules == 0) return;
    uint32_t count = static_cast<uint32_t>(3 * modules) + (script_defined_module_ ? 0 : 1);
    script_defined_module_ = true;
    remote_with_regs(kVmModule, "reserve_pids", {load(Term::integer(count))}, false);
}

uint32_t Compiler::receive(const Node* n, const std::vector<const Node*>& args, bool tail) {
    if (args.size() != 1 || !is_keyword_list(args[0])) fail_at(n, "invalid arguments for receive");
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
        size_t scope = f_->bindings.size();
        Label next;
        PatternState ps;
        pattern(clause_patterns(*clause)[0], msg, next, ps);
        guard(clause_guard(*clause), next);
        emit(Op::RecvAccept);
        branch(clause_body(*clause), tail, result, end);
        f_->vars = saved;
        close_scope(scope);
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

uint32_t Compiler::try_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
    if (args.size() != 1 || !is_do_block(args[0])) fail_at(n, "invalid arguments for try");
    return try_body(keyword_get(args[0], "do"), args[0], tail);
}

uint32_t Compiler::try_body(const Node* body, const Node* kw, bool tail) {
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
        size_t scope = f_->bindings.size();
        uint32_t v = body ? expr(body) : load(Term::nil());
        f_->vars = saved;
        close_scope(scope);
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
                normalized = remote_with_regs(kVmModule, "normalize", {kind, reason, stack}, false);
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
        size_t scope = f_->bindings.size();
        expr(after);
        f_->vars = saved;
        close_scope(scope);
        jump_to(final_end);
        bind(after_handler);
        expr(after);
        f_->vars = saved;
        close_scope(scope);
        emit(Op::Raise, after_regs, after_regs + 1, after_regs + 2);
        bind(final_end);
    }
    f_->no_tail--;
    return finish(result, tail);
}

void Compiler::rescue_clause(const Node* clause, uint32_t kind, uint32_t normalized,
                             uint32_t result, Label& done) {
    at(clause);
    if (clause->arity != 1) fail_at(clause, "expected one pattern in a rescue clause");
    const Node* p = clause_patterns(*clause)[0];
    auto saved = f_->vars;
    size_t scope = f_->bindings.size();
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
        refuse(p,
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
        bind_variable(var, r);
    }
    uint32_t v = value(clause_body(*clause), false);
    emit(Op::Move, result, v);
    jump_to(done);
    f_->vars = saved;
    close_scope(scope);
    bind(next);
}

void Compiler::catch_clause(const Node* clause, uint32_t kind, uint32_t reason, uint32_t result,
                            Label& done) {
    at(clause);
    auto saved = f_->vars;
    size_t scope = f_->bindings.size();
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
    close_scope(scope);
    bind(next);
}

uint32_t Compiler::with_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
    if (args.empty() || !is_keyword_list(args.back())) fail_at(n, "invalid arguments for with");
    const Node* kw = args.back();
    const Node* body = keyword_get(kw, "do");
    const Node* else_ = keyword_get(kw, "else");
    uint32_t result = tail ? kNoReg : reg();
    uint32_t failed = reg();
    auto saved = f_->vars;
    size_t scope = f_->bindings.size();
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
    close_scope(scope);
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

uint32_t Compiler::for_expr(const Node* n, const std::vector<const Node*>& args, bool tail) {
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
    size_t scope = f_->bindings.size();
    uint32_t acc = reg();
    if (reduce) {
        into(reduce, acc);
    } else {
        emit(Op::LoadK, acc, konst(Term::empty_list()));
    }
    for_level(quals, 0, body, acc, reduce != nullptr);
    f_->vars = saved;
    close_scope(scope);
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

void Compiler::for_level(const std::vector<const Node*>& quals, size_t i, const Node* body,
                         uint32_t acc, bool reduce) {
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
        size_t scope = f_->bindings.size();
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
        close_scope(scope);
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
void Compiler::bitstring_generator(const std::vector<const Node*>& quals, size_t i,
                                   const Node* body, uint32_t acc, bool reduce) {
    const Node* arrow = quals[i]->children.back();
    uint32_t source = expr(arrow->child(1));
    auto saved = f_->vars;
    size_t scope = f_->bindings.size();
    Label next;
    PatternState ps;
    BitstringCompiler bits(*this);
    bits.generator(
        quals[i], source, [&](const Node* value, uint32_t r) { pattern(value, r, next, ps); },
        [&] {
            for_level(quals, i + 1, body, acc, reduce);
            f_->vars = saved;
            close_scope(scope);
            bind(next);
        });
}

}  // namespace tasklens::script
