#include "engine/script/arith.h"

#include <cmath>

#include "engine/runtime/integer.h"
#include "engine/runtime/runtime.h"

namespace tasklens::script::arith {
namespace {

Term float_result(double v) {
    if (!std::isfinite(v)) raise_badarith();
    return Term::floating(v);
}

}  // namespace

void raise_badarith() {
    throw ErlangException::error(Term::atom(atom::badarith));
}

double to_double(const Term& a) {
    if (a.is_float()) return a.as_float();
    if (a.is_integer()) return static_cast<double>(a.as_integer());
    if (a.is_bignum()) {
        if (auto d = integer::to_double(a)) return *d;
    }
    raise_badarith();
}

Term add(const Term& a, const Term& b) {
    if (a.is_integral() && b.is_integral()) return integer::add(a, b);
    if (!a.is_number() || !b.is_number()) raise_badarith();
    return float_result(to_double(a) + to_double(b));
}

Term sub(const Term& a, const Term& b) {
    if (a.is_integral() && b.is_integral()) return integer::sub(a, b);
    if (!a.is_number() || !b.is_number()) raise_badarith();
    return float_result(to_double(a) - to_double(b));
}

Term mul(const Term& a, const Term& b) {
    if (a.is_integral() && b.is_integral()) return integer::mul(a, b);
    if (!a.is_number() || !b.is_number()) raise_badarith();
    return float_result(to_double(a) * to_double(b));
}

Term fdiv(const Term& a, const Term& b) {
    if (!a.is_number() || !b.is_number()) raise_badarith();
    double y = to_double(b);
    if (y == 0.0) raise_badarith();
    return float_result(to_double(a) / y);
}

Term neg(const Term& a) {
    if (a.is_integral()) return integer::neg(a);
    if (a.is_float()) return Term::floating(-a.as_float());
    raise_badarith();
}

Term div(const Term& a, const Term& b) {
    if (!a.is_integral() || !b.is_integral()) raise_badarith();
    auto r = integer::div(a, b);
    if (!r) raise_badarith();
    return std::move(*r);
}

Term rem(const Term& a, const Term& b) {
    if (!a.is_integral() || !b.is_integral()) raise_badarith();
    auto r = integer::rem(a, b);
    if (!r) raise_badarith();
    return std::move(*r);
}

}  // namespace tasklens::script::arith
