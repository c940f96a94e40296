// Bitwise (band/bor/bxor/bnot/bsl/bsr and the operators &&& ||| ^^^ ~~~ <<< >>>) and the
// :erlang BIFs behind them, on integers of any size. Non-integers raise :badarith, as the BEAM.
#include "engine/runtime/integer.h"
#include "engine/script/arith.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

void need_integers(Args a) {
    for (const Term& t : a)
        if (!t.is_integral()) arith::raise_badarith();
}

Term shift(const Term& value, const Term& by) {
    need_integers(std::span(&value, 1));
    if (!by.is_integral()) arith::raise_badarith();
    auto r = integer::shift_left(value, by);
    if (!r) throw ErlangException::error(Term::atom("system_limit"));
    return std::move(*r);
}

Term band(ProcessContext&, Args a) {
    need_integers(a);
    return integer::band(a[0], a[1]);
}
Term bor(ProcessContext&, Args a) {
    need_integers(a);
    return integer::bor(a[0], a[1]);
}
Term bxor(ProcessContext&, Args a) {
    need_integers(a);
    return integer::bxor(a[0], a[1]);
}
Term bnot(ProcessContext&, Args a) {
    need_integers(a);
    return integer::bnot(a[0]);
}
Term bsl(ProcessContext&, Args a) {
    return shift(a[0], a[1]);
}
Term bsr(ProcessContext&, Args a) {
    if (!a[1].is_integral()) arith::raise_badarith();
    return shift(a[0], integer::neg(a[1]));
}

}  // namespace

void register_bitwise(BuiltinTable& t) {
    for (const char* m : {"Elixir.Bitwise", "erlang"}) {
        t.add(m, "band", 2, band);
        t.add(m, "bor", 2, bor);
        t.add(m, "bxor", 2, bxor);
        t.add(m, "bnot", 1, bnot);
        t.add(m, "bsl", 2, bsl);
        t.add(m, "bsr", 2, bsr);
    }
    t.add("Elixir.Bitwise", "&&&", 2, band);
    t.add("Elixir.Bitwise", "|||", 2, bor);
    t.add("Elixir.Bitwise", "^^^", 2, bxor);
    t.add("Elixir.Bitwise", "~~~", 1, bnot);
    t.add("Elixir.Bitwise", "<<<", 2, bsl);
    t.add("Elixir.Bitwise", ">>>", 2, bsr);
}

}  // namespace tasklens::script::stdlib
