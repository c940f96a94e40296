// Calls: local, remote, anonymous; the Kernel functions and macros the compiler expands.
#include "engine/script/compiler_internal.h"

namespace tasklens::script {

uint32_t Compiler::place_args(const std::vector<const Node*>& args) {
    uint32_t base = regs(static_cast<uint32_t>(args.size()));
    for (size_t i = 0; i < args.size(); ++i) into(args[i], base + static_cast<uint32_t>(i));
    return base;
}

uint32_t Compiler::remote_with_regs(Atom module, std::string_view fun, std::vector<uint32_t> values,
                                    bool tail) {
    uint32_t base = regs(static_cast<uint32_t>(values.size()));
    for (size_t i = 0; i < values.size(); ++i)
        emit(Op::Move, base + static_cast<uint32_t>(i), values[i]);
    return emit_remote(module, Atom::intern(fun), base, static_cast<uint32_t>(values.size()), tail);
}

uint32_t Compiler::emit_remote(Atom module, Atom fun, uint32_t base, uint32_t argc, bool tail) {
    // Kernel.inspect and IO.inspect in a scenario go through the prelude's Inspect.Tasklens,
    // which applies the Inspect implementations of structs (the prelude calls the natives)
    static const Atom io = Atom::intern("Elixir.IO"), inspect = Atom::intern("inspect"),
                      inspect_module = Atom::intern("Elixir.Inspect.Tasklens");
    if (options_.is_main && fun == inspect &&
        ((module == kElixirKernel && (argc == 1 || argc == 2)) ||
         (module == io && argc >= 1 && argc <= 3))) {
        fun = Atom::intern(module == io ? "io_inspect" : "kernel_inspect");
        module = inspect_module;
    }
    // IO.puts/IO.write of a struct print its String.Chars rendering, as Elixir's chardata does
    static const Atom puts = Atom::intern("puts"), write = Atom::intern("write");
    if (module == io && (fun == puts || fun == write) && argc >= 1 && argc <= 2)
        struct_to_string(base + argc - 1);
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

uint32_t Compiler::remote(Atom module, std::string_view fun, const std::vector<const Node*>& args,
                          bool tail) {
    uint32_t base = place_args(args);
    return emit_remote(module, Atom::intern(fun), base, static_cast<uint32_t>(args.size()), tail);
}

void Compiler::check_sandbox(const Node* n, Atom module, std::string_view fun, size_t arity) {
    if (!is_sandboxed(module, fun)) return;
    std::string_view m = module.name();
    std::string name =
        (m.starts_with("Elixir.") ? std::string(m.substr(7)) : ":" + std::string(m)) + "." +
        std::string(fun) + "/" + std::to_string(arity);
    refuse_sandboxed(n, name);
}

/// A call to a function of Elixir/OTP that nothing in Tasklens implements is refused here,
/// before anything runs, with a message that cannot be mistaken for Elixir's own error.
void Compiler::check_supported(const Node* n, Atom module, std::string_view fun, size_t arity) {
    if (!options_.native_defined || !options_.is_main) return;
    Atom function = Atom::intern(fun);
    auto a = static_cast<int>(arity);
    if (program_.find(module, function, static_cast<uint32_t>(arity))) return;
    // a module of the script itself (its functions may be defined further down)
    if (program_.modules.count(module.id) && !otp_module_exists(module)) return;
    if (builtins().find(module, function, a) || options_.native_defined(module, function, a))
        return;
    if (module == kElixirKernel && kernel_defines(std::string(fun), static_cast<uint32_t>(arity)))
        return;
    if (otp_function_exists(module, function, a))
        fail_at(n, unsupported_message(module, function, a));
}

uint32_t Compiler::remote_call(const Node* n, const std::vector<const Node*>& args, bool tail) {
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
        if (const GuardDef* g = find_guard(module, fun, static_cast<uint32_t>(args.size()), false))
            return expand_guard(*g, args, tail);
        if (m == "Elixir.Tasklens.VM" && fun == "protocol_impl_for")
            return protocol_impl_for(n, args, tail, ImplForMode::Lookup);
        if (m == "Elixir.Tasklens.VM" && fun == "protocol_has_struct_impls")
            return protocol_impl_for(n, args, tail, ImplForMode::HasStructImpls);
        return remote(module, fun, args, tail);
    }
    // dynamic module: the module goes in the register just below the arguments
    // (the target is evaluated first, so that a call there, `impl_for!(x).f(x)`, cannot
    // allocate registers between the module and the arguments)
    uint32_t module_value = expr(target);
    uint32_t mod = reg();
    emit(Op::Move, mod, module_value);
    uint32_t base = place_args(args);
    if (base != mod + 1) refuse(n, "internal: dynamic call layout");
    uint32_t r = reg();
    emit(Op::CallDynamic, r,
         callsite(Atom{}, Atom::intern(fun), static_cast<uint32_t>(args.size())), base,
         static_cast<uint32_t>(args.size()));
    return finish(r, tail);
}

uint32_t Compiler::anonymous_call(const Node* fun, const std::vector<const Node*>& args,
                                  bool tail) {
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

const ModuleCtx::Def* Compiler::find_local(const std::string& name, uint32_t arity) {
    if (!module_) return nullptr;
    auto it = module_->defs.find({name, arity});
    if (it == module_->defs.end()) return nullptr;
    it->second.referenced = true;
    return &it->second;
}

bool Compiler::kernel_defines(const std::string& name, uint32_t arity) {
    Atom fun = Atom::intern(name);
    if (program_.find(kElixirKernel, fun, arity)) return true;
    if (builtins().find(kElixirKernel, fun, static_cast<int>(arity))) return true;
    return false;
}

uint32_t Compiler::local_call(const Node* n, const std::string& name,
                              const std::vector<const Node*>& args, bool tail) {
    if (auto special = special_form(n, name, args, tail)) return *special;
    uint32_t arity = static_cast<uint32_t>(args.size());
    if (module_)
        if (const GuardDef* g = find_guard(module_->name, name, arity, true))
            return expand_guard(*g, args, tail);
    for (Atom imported : module_ ? module_->imports : script_imports_)
        if (import_allows(imported, name, arity))
            if (const GuardDef* g = find_guard(imported, name, arity, false))
                return expand_guard(*g, args, tail);
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
        fail_at(n, fmt::format("undefined function {}/{} (there is no such import)", name, arity));
    }
    return remote(kElixirKernel, name, args, tail);
}

/// Kernel macros that need the compiler, and Kernel functions compiled to instructions (rem/2,
/// div/2); also reachable as Kernel.name.
std::optional<uint32_t> Compiler::kernel_special(const Node* n, const std::string& name,
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
    if (name == "to_string" && args.size() == 1 && options_.is_main) {
        // String.Chars: a struct goes to its implementation, the rest to the native
        uint32_t v = reg();
        into(args[0], v);
        struct_to_string(v);
        return remote_with_regs(kElixirKernel, "to_string", {v}, tail);
    }
    if (name == "get_in" && args.size() == 1) return path_macro(n, name, args, tail);
    if (name == "match?" && args.size() == 2) {
        uint32_t v = expr(args[1]);
        uint32_t result = reg();
        auto saved = f_->vars;
        size_t scope = f_->bindings.size();
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
        close_scope(scope, false);  // match?/2 binds nothing: its pattern's names are not unused
        return finish(result, tail);
    }
    if ((name == "rem" || name == "div") && args.size() == 2) {
        // instructions rather than calls: the fast path of integers needs no call at all
        uint32_t a = operand(args[0]);
        uint32_t b = operand(args[1]);
        uint32_t r = reg();
        emit(name == "rem" ? Op::Rem : Op::Div, r, a, b);
        return finish(r, tail);
    }
    if (name == "is_nil" && args.size() == 1) {
        uint32_t v = expr(args[0]);
        uint32_t nil = load(Term::nil());
        uint32_t r = reg();
        emit(Op::StrictEq, r, v, nil);
        return finish(r, tail);
    }
    if (name == "binding" || name == "dbg" || name == "defmacro" || name == "defmacrop" ||
        name == "quote" || name == "unquote" || name == "defguard" || name == "defoverridable" ||
        name == "super") {
        refuse(n, name);
    }
    return std::nullopt;
}

/// put_in(a.b[c], v), update_in(a.b[c], f), pop_in(a[b]), get_in(a.b): path macros.
uint32_t Compiler::path_macro(const Node* n, const std::string& name,
                              const std::vector<const Node*>& args, bool tail) {
    std::vector<const Node*> steps;
    const Node* cur = args[0];
    while (cur->kind == NodeKind::FieldAccess || cur->kind == NodeKind::Access) {
        steps.push_back(cur);
        cur = cur->child(0);
    }
    if (steps.empty()) fail_at(n, fmt::format("{} expects a path such as data.field[key]", name));
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

}  // namespace tasklens::script
