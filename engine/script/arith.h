#pragma once
// Arithmetic on numbers (small integers, big integers, floats) with the BEAM's rules: integers
// never overflow (they grow into bignums), a float result that is not finite and any
// non-number operand raise :badarith. The VM inlines the small-integer case and calls these for
// everything else; Kernel's and :erlang's function forms call them directly.
#include "engine/runtime/term.h"

namespace tasklens::script::arith {

Term add(const Term& a, const Term& b);
Term sub(const Term& a, const Term& b);
Term mul(const Term& a, const Term& b);
/// `/`: always a float.
Term fdiv(const Term& a, const Term& b);
Term neg(const Term& a);
/// Kernel.div/rem: integers only, truncating; :badarith on a zero divisor or a non-integer.
Term div(const Term& a, const Term& b);
Term rem(const Term& a, const Term& b);
/// An integer or float as a double; :badarith when a big integer is beyond the double range.
double to_double(const Term& a);

[[noreturn]] void raise_badarith();

}  // namespace tasklens::script::arith
