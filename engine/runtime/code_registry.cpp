// CodeRegistry: apply/3 and fun calls. Natives first (the OTP modules), then the scenario VM's
// resolver; closures go to the VM's runner. Errors are raised as Erlang raises them.
#include "engine/runtime/runtime_impl.h"

namespace tasklens {

namespace {

Term mfa_stack_entry(Atom module, Atom function, std::span<const Term> args) {
    return Term::tuple(
        {Term::atom(module), Term::atom(function), Term::list(args), Term::empty_list()});
}

Co<Term> apply_native(CodeRegistry::NativeFunction fn, ProcessContext& ctx,
                      std::vector<Term> args) {
    co_return co_await fn(ctx, std::span<const Term>(args));
}

Co<Term> call_native_fun(ProcessContext& ctx, Term fun, std::vector<Term> args) {
    const FunObject& object = fun.fun();
    co_return co_await object.native(ctx, std::span<const Term>(args), object);
}

Co<Term> call_closure(const CodeRegistry::ClosureRunner& runner, ProcessContext& ctx, Term fun,
                      std::vector<Term> args) {
    co_return co_await runner(ctx, fun, std::span<const Term>(args));
}

// Awaits a resolver's coroutine from a frame that owns the arguments it was given a span of.
Co<Term> await_owning(Co<Term> inner, std::shared_ptr<std::vector<Term>> owned_args) {
    (void)owned_args;
    co_return co_await inner;
}

Co<Term> raise_now(ErlangException e) {
    throw e;
    co_return Term();
}

}  // namespace

size_t CodeRegistry::KeyHash::operator()(const Key& k) const noexcept {
    uint64_t h =
        (uint64_t{k.module} << 32) ^ (uint64_t{k.function} << 8) ^ static_cast<uint32_t>(k.arity);
    return std::hash<uint64_t>{}(h * 0x9e3779b97f4a7c15ULL);
}

void CodeRegistry::register_native(Atom module, Atom function, int arity, NativeFunction fn) {
    natives_[Key{module.id, function.id, arity}] = fn;
}

void CodeRegistry::set_module_resolver(ModuleResolver resolver) {
    resolver_ = std::move(resolver);
}

void CodeRegistry::set_closure_runner(ClosureRunner runner) {
    closure_runner_ = std::move(runner);
}

bool CodeRegistry::is_defined(Atom module, Atom function, int arity) const {
    return natives_.contains(Key{module.id, function.id, arity});
}

Co<Term> CodeRegistry::apply(ProcessContext& ctx, Atom module, Atom function,
                             std::vector<Term> args) const {
    auto it = natives_.find(Key{module.id, function.id, static_cast<int>(args.size())});
    if (it != natives_.end()) return apply_native(it->second, ctx, std::move(args));
    if (resolver_) {
        // The resolver's coroutine may read the span after it suspends: keep the arguments alive
        // in a frame that outlives it.
        auto keep = std::make_shared<std::vector<Term>>(std::move(args));
        std::optional<Co<Term>> co = resolver_(ctx, module, function, std::span<const Term>(*keep));
        if (co) return await_owning(std::move(*co), std::move(keep));
        args = std::move(*keep);
    }
    ErlangException undef(atom::error, Term::atom(atom::undef),
                          Term::list({mfa_stack_entry(module, function, args)}));
    return raise_now(std::move(undef));
}

Co<Term> CodeRegistry::call_fun(ProcessContext& ctx, const Term& fun,
                                std::vector<Term> args) const {
    if (!fun.is_fun())
        return raise_now(ErlangException::error(Term::tuple({Term::atom(atom::badfun), fun})));
    const FunObject& object = fun.fun();
    if (object.arity != args.size()) {
        Term badarity = Term::tuple({Term::atom(atom::badarity),
                                     Term::tuple({fun, Term::list(std::span<const Term>(args))})});
        return raise_now(ErlangException::error(std::move(badarity)));
    }
    switch (object.kind) {
        case FunObject::Kind::External:
            return apply(ctx, object.module, object.name, std::move(args));
        case FunObject::Kind::Native:
            if (!object.native) break;
            return call_native_fun(ctx, fun, std::move(args));
        case FunObject::Kind::Closure:
            if (!closure_runner_) break;
            return call_closure(closure_runner_, ctx, fun, std::move(args));
    }
    return raise_now(ErlangException::error(Term::tuple({Term::atom(atom::badfun), fun})));
}

}  // namespace tasklens
