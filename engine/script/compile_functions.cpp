// Functions: new FunctionCode, fn, captures and closures.
#include "engine/script/compiler_internal.h"

namespace tasklens::script {

FunctionCode* Compiler::new_function(Atom module, Atom name, uint32_t arity, bool closure) {
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

std::string Compiler::module_display(Atom m) {
    std::string_view s = m.name();
    if (s.starts_with("Elixir.")) return std::string(s.substr(7));
    return ":" + std::string(s);
}

/// Compiles fn clauses (patterns over registers 0..arity-1) into `fn`.
void Compiler::compile_clauses(FunctionCode* fn, FnState* parent, std::span<Node* const> clauses,
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
        size_t scope = state.bindings.size();
        Label next;
        PatternState ps;
        auto patterns = clause_patterns(*clause);
        for (uint32_t i = 0; i < arity; ++i) pattern(patterns[i], i, next, ps);
        guard(clause_guard(*clause), next);
        tail_value(clause_body(*clause));
        close_scope(scope);
        bind(next);
    }
    // The BEAM reports an anonymous function's function_clause at the line of its `fn`.
    line_ = outer_line;
    emit(Op::Fail, static_cast<uint32_t>(FailKind::FunctionClause), kNoReg);
    captures_out_ = std::move(state.captures);
    f_ = outer;
    line_ = outer_line;
}

uint32_t Compiler::captured_arity(uint32_t arity, const std::vector<std::string>& captures) {
    uint32_t count = arity;
    for (const std::string& name : captures) {
        auto it = f_->vars.find(name);
        if (it == f_->vars.end() || !f_->constant_regs.count(it->second)) ++count;
    }
    return count;
}

uint32_t Compiler::make_closure(FunctionCode* fn, const std::vector<std::string>& captures) {
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
void Compiler::name_closure(FunctionCode* fn) {
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

std::string Compiler::enclosing_display() {
    const FunctionCode* def = f_->fn;
    return def->display;
}

uint32_t Compiler::fn_expr(const Node* n) {
    uint32_t arity = n->child(0)->arity;
    FunctionCode* fn = new_function(module_ ? module_->name : atom::nil, f_->fn->name, arity, true);
    fn->display = fmt::format("anonymous fn/{} in {}", arity, enclosing_display());
    name_closure(fn);
    compile_clauses(fn, f_, n->children, arity);
    auto captures = std::move(captures_out_);
    // The BEAM lifts a fn to a function taking its captured variables too: its stack frames
    // say "anonymous fn/2" for a one-argument fn that captures one variable.
    fn->stack_arity = captured_arity(arity, captures);
    return make_closure(fn, captures);
}

int Compiler::max_capture_arg(const Node* n) {
    if (n->kind == NodeKind::CaptureArg) return static_cast<int>(n->integer);
    if (n->kind == NodeKind::Capture) return 0;  // nested captures are refused by Elixir too
    int m = 0;
    for (const Node* c : n->children) m = std::max(m, max_capture_arg(c));
    return m;
}

uint32_t Compiler::capture(const Node* n) {
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
    fn->stack_arity = captured_arity(static_cast<uint32_t>(arity), captures);
    return make_closure(fn, captures);
}

uint32_t Compiler::capture_function(const Node* n) {
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
            fail_at(n,
                    fmt::format("undefined function {}/{} (there is no such import)", name, arity));
        return external_fun(kElixirKernel, Atom::intern(name), arity);
    }
    const Node* target = n->child(0);
    Atom module = module_target(target);
    if (module.id == 0) refuse(n, "& capture of a function of a dynamic module");
    check_sandbox(n, module, name, arity);
    check_supported(n, module, name, arity);
    return external_fun(module, Atom::intern(name), arity);
}

uint32_t Compiler::external_fun(Atom module, Atom fun, uint32_t arity) {
    auto* obj = new FunObject(FunObject::Kind::External);
    obj->arity = arity;
    obj->module = module;
    obj->name = fun;
    return load(Term::adopt(obj));
}

}  // namespace tasklens::script
