#pragma once
// Integers of any size, as on the BEAM: a value that fits in int64 is a small (unboxed)
// Term::integer; anything larger is a boxed BigIntObject holding a GMP integer. Every function
// here returns normalized terms (a result back in int64 range is small again), so two equal
// integers always have the same representation and exact comparison/hashing stay simple.
//
// Arguments are "integral" terms (Term::is_integral: small or big); callers check the types and
// raise the Elixir error that fits their function.
#include <gmp.h>

#include <optional>
#include <string>
#include <string_view>

#include "engine/runtime/term.h"

namespace tasklens {

struct BigIntObject : HeapObject {
    mpz_t value;
    BigIntObject() : HeapObject(TermType::BigInt) { mpz_init(value); }
    ~BigIntObject() { mpz_clear(value); }
    BigIntObject(const BigIntObject&) = delete;
    BigIntObject& operator=(const BigIntObject&) = delete;
};

namespace integer {

/// An integral term from a GMP value: small when it fits in int64.
Term from_mpz(mpz_srcptr value);
/// Sets `out` (already initialized) to the value of an integral term.
void to_mpz(const Term& t, mpz_ptr out);
/// The GMP value of a big integer term (t.is_bignum()).
mpz_srcptr big_value(const Term& t) noexcept;

Term add(const Term& a, const Term& b);
Term sub(const Term& a, const Term& b);
Term mul(const Term& a, const Term& b);
Term neg(const Term& a);
Term abs(const Term& a);
/// Truncating division and remainder (Kernel.div/rem, Erlang's div/rem); nullopt when b is 0.
std::optional<Term> div(const Term& a, const Term& b);
std::optional<Term> rem(const Term& a, const Term& b);
/// Floored division and modulo (Integer.floor_div/mod); nullopt when b is 0.
std::optional<Term> floor_div(const Term& a, const Term& b);
std::optional<Term> mod(const Term& a, const Term& b);
/// a ** e for e >= 0 (the caller checks the sign). nullopt when the result would not fit in
/// memory (more than kMaxBits bits).
std::optional<Term> pow(const Term& base, uint64_t exponent);
Term gcd(const Term& a, const Term& b);

Term band(const Term& a, const Term& b);
Term bor(const Term& a, const Term& b);
Term bxor(const Term& a, const Term& b);
Term bnot(const Term& a);
/// a <<< shift (a negative shift shifts right); nullopt when the result would be too large.
std::optional<Term> shift_left(const Term& a, const Term& shift);

/// -1, 0, 1 between two integral terms.
int compare(const Term& a, const Term& b) noexcept;
/// -1, 0, 1 between an integral term and a finite double, exactly (no rounding).
int compare_with_double(const Term& a, double d) noexcept;
/// The nearest double; nullopt when the integer is outside the double range (Elixir raises).
std::optional<double> to_double(const Term& a) noexcept;
/// The integer part of a finite double, exactly (trunc(1.0e30) = 1000000000000000019884624838656).
Term from_double_truncated(double d);

/// Digits in base 2..36, uppercase letters, with a leading '-' for negatives.
std::string to_string(const Term& a, int base = 10);
/// Parses [+-]digits in `base` (2..36, either letter case); the whole text must be digits.
std::optional<Term> parse(std::string_view text, int base = 10);
/// Bit length of the magnitude (0 for 0); for sizing binary segments and shifts.
uint64_t bit_length(const Term& a) noexcept;
/// Sign: -1, 0 or 1.
int sign(const Term& a) noexcept;

/// Results larger than this many bits raise (a system_limit on the BEAM); keeps a runaway
/// `2 ** huge` or `1 <<< huge` from exhausting memory.
inline constexpr uint64_t kMaxBits = 1u << 26;

size_t hash(const Term& a) noexcept;

}  // namespace integer
}  // namespace tasklens
