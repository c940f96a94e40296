// :erlang.alias/0,1, :erlang.unalias/1 and :erlang.monitor/3 (OTP 24 process aliases). The
// runtime keeps the aliases (ProcessContext::alias); these are the scenario-facing entry points.
// Elixir 1.14 has no Process.alias: scripts call the :erlang functions.
#include "engine/otp/common.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp {
using namespace detail;

namespace {

using Args = std::span<const Term>;

/// [:explicit_unalias] (the default), [:reply]; anything else is badarg, as in erlang:alias/1.
AliasMode alias_mode_of(const Term& options) {
    AliasMode mode = AliasMode::ExplicitUnalias;
    if (list_length(options) < 0) throw ErlangException::badarg();
    for (ListIterator it(options); !it.done(); ++it) {
        if ((*it).is_atom(Atom::intern("reply")))
            mode = AliasMode::Reply;
        else if ((*it).is_atom(Atom::intern("explicit_unalias")))
            mode = AliasMode::ExplicitUnalias;
        else
            throw ErlangException::badarg();
    }
    return mode;
}

Co<Term> e_alias(ProcessContext& ctx, Args a) {
    const AliasMode mode = a.empty() ? AliasMode::ExplicitUnalias : alias_mode_of(a[0]);
    co_return Term::reference(ctx.alias(mode));
}

Co<Term> e_unalias(ProcessContext& ctx, Args a) {
    if (!a[0].is_reference()) throw ErlangException::badarg();
    co_return Term::atom(ctx.unalias(a[0].as_reference()) ? atom::true_ : atom::false_);
}

/// erlang:monitor(:process, target, options): options [alias: :explicit_unalias | :demonitor |
/// :reply_demonitor] ({:tag, _} is not supported and is badarg here).
Co<Term> e_monitor3(ProcessContext& ctx, Args a) {
    if (!a[0].is_atom(atom::process) || list_length(a[2]) < 0) throw ErlangException::badarg();
    std::optional<AliasMode> mode;
    for (ListIterator it(a[2]); !it.done(); ++it) {
        const Term& option = *it;
        if (!option.is_tuple(2) || !option.element(0).is_atom(at().alias))
            throw ErlangException::badarg();
        const Term& v = option.element(1);
        if (v.is_atom(Atom::intern("explicit_unalias")))
            mode = AliasMode::ExplicitUnalias;
        else if (v.is_atom(Atom::intern("demonitor")))
            mode = AliasMode::Demonitor;
        else if (v.is_atom(Atom::intern("reply_demonitor")))
            mode = AliasMode::ReplyDemonitor;
        else
            throw ErlangException::badarg();
    }
    const Ref ref = mode ? ctx.monitor(a[1], *mode) : ctx.monitor(a[1]);
    co_return Term::reference(ref);
}

}  // namespace

void register_aliases(CodeRegistry& code) {
    const Atom erlang = atom::erlang;
    code.register_native(erlang, Atom::intern("alias"), 0, e_alias);
    code.register_native(erlang, Atom::intern("alias"), 1, e_alias);
    code.register_native(erlang, Atom::intern("unalias"), 1, e_unalias);
    code.register_native(erlang, Atom::intern("monitor"), 3, e_monitor3);
}

}  // namespace tasklens::otp
