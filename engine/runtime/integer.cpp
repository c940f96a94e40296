#include "engine/runtime/integer.h"

#include <cmath>
#include <cstring>
#include <functional>

namespace tasklens::integer {
namespace {

/// A scoped GMP integer.
struct Mpz {
    mpz_t v;
    Mpz() { mpz_init(v); }
    explicit Mpz(const Term& t) {
        mpz_init(v);
        to_mpz(t, v);
    }
    ~Mpz() { mpz_clear(v); }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
};

void set_int64(mpz_ptr out, int64_t x) {
    // mpz_set_si takes a long, which is 64-bit on the platforms we build for.
    static_assert(sizeof(long) == sizeof(int64_t));
    mpz_set_si(out, static_cast<long>(x));
}

template <typename Fn>
Term binary_gmp(const Term& a, const Term& b, Fn fn) {
    Mpz x(a), y(b), r;
    fn(r.v, x.v, y.v);
    return from_mpz(r.v);
}

}  // namespace

mpz_srcptr big_value(const Term& t) noexcept {
    return static_cast<const BigIntObject*>(t.heap_object())->value;
}

Term from_mpz(mpz_srcptr value) {
    if (mpz_fits_slong_p(value)) return Term::integer(mpz_get_si(value));
    auto* object = new BigIntObject();
    mpz_set(object->value, value);
    return Term::adopt(object);
}

void to_mpz(const Term& t, mpz_ptr out) {
    if (t.is_bignum()) {
        mpz_set(out, big_value(t));
    } else {
        set_int64(out, t.as_integer());
    }
}

Term add(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) {
        int64_t r;
        if (!__builtin_add_overflow(a.as_integer(), b.as_integer(), &r)) return Term::integer(r);
    }
    return binary_gmp(a, b, mpz_add);
}

Term sub(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) {
        int64_t r;
        if (!__builtin_sub_overflow(a.as_integer(), b.as_integer(), &r)) return Term::integer(r);
    }
    return binary_gmp(a, b, mpz_sub);
}

Term mul(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) {
        int64_t r;
        if (!__builtin_mul_overflow(a.as_integer(), b.as_integer(), &r)) return Term::integer(r);
    }
    return binary_gmp(a, b, mpz_mul);
}

Term neg(const Term& a) {
    if (a.is_integer() && a.as_integer() != INT64_MIN) return Term::integer(-a.as_integer());
    Mpz x(a);
    mpz_neg(x.v, x.v);
    return from_mpz(x.v);
}

Term abs(const Term& a) {
    if (a.is_integer() && a.as_integer() != INT64_MIN)
        return Term::integer(a.as_integer() < 0 ? -a.as_integer() : a.as_integer());
    Mpz x(a);
    mpz_abs(x.v, x.v);
    return from_mpz(x.v);
}

std::optional<Term> div(const Term& a, const Term& b) {
    if (sign(b) == 0) return std::nullopt;
    // INT64_MIN / -1 overflows int64 (and traps on x86): it goes through GMP.
    if (a.is_integer() && b.is_integer() && !(a.as_integer() == INT64_MIN && b.as_integer() == -1))
        return Term::integer(a.as_integer() / b.as_integer());
    return binary_gmp(a, b, mpz_tdiv_q);
}

std::optional<Term> rem(const Term& a, const Term& b) {
    if (sign(b) == 0) return std::nullopt;
    if (a.is_integer() && b.is_integer()) {
        if (b.as_integer() == -1) return Term::integer(0);
        return Term::integer(a.as_integer() % b.as_integer());
    }
    return binary_gmp(a, b, mpz_tdiv_r);
}

std::optional<Term> floor_div(const Term& a, const Term& b) {
    if (sign(b) == 0) return std::nullopt;
    return binary_gmp(a, b, mpz_fdiv_q);
}

std::optional<Term> mod(const Term& a, const Term& b) {
    if (sign(b) == 0) return std::nullopt;
    return binary_gmp(a, b, mpz_fdiv_r);
}

std::optional<Term> pow(const Term& base, uint64_t exponent) {
    uint64_t bits = bit_length(base);
    // |base| <= 1 never grows; otherwise the result has about bits * exponent bits.
    if (bits > 1 && (exponent > kMaxBits || (bits - 1) * exponent > kMaxBits)) return std::nullopt;
    Mpz x(base), r;
    mpz_pow_ui(r.v, x.v, static_cast<unsigned long>(exponent));
    return from_mpz(r.v);
}

Term gcd(const Term& a, const Term& b) {
    return binary_gmp(a, b, mpz_gcd);
}

Term band(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) return Term::integer(a.as_integer() & b.as_integer());
    return binary_gmp(a, b, mpz_and);
}
Term bor(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) return Term::integer(a.as_integer() | b.as_integer());
    return binary_gmp(a, b, mpz_ior);
}
Term bxor(const Term& a, const Term& b) {
    if (a.is_integer() && b.is_integer()) return Term::integer(a.as_integer() ^ b.as_integer());
    return binary_gmp(a, b, mpz_xor);
}
Term bnot(const Term& a) {
    if (a.is_integer()) return Term::integer(~a.as_integer());
    Mpz x(a);
    mpz_com(x.v, x.v);
    return from_mpz(x.v);
}

std::optional<Term> shift_left(const Term& a, const Term& shift) {
    if (sign(a) == 0) return Term::integer(0);
    Mpz x(a);
    if (shift.is_bignum()) {
        // Shifting right by a huge amount leaves 0 or -1; shifting left by one cannot fit.
        if (sign(shift) > 0) return std::nullopt;
        return Term::integer(sign(a) < 0 ? -1 : 0);
    }
    int64_t s = shift.as_integer();
    if (s >= 0) {
        if (static_cast<uint64_t>(s) + bit_length(a) > kMaxBits) return std::nullopt;
        mpz_mul_2exp(x.v, x.v, static_cast<mp_bitcnt_t>(s));
    } else {
        uint64_t right = s == INT64_MIN ? uint64_t{1} << 63 : static_cast<uint64_t>(-s);
        if (right >= bit_length(a) + 1) return Term::integer(sign(a) < 0 ? -1 : 0);
        // Arithmetic shift: floor division by 2^right, as Erlang's bsr.
        mpz_fdiv_q_2exp(x.v, x.v, static_cast<mp_bitcnt_t>(right));
    }
    return from_mpz(x.v);
}

int sign(const Term& a) noexcept {
    if (a.is_bignum()) return mpz_sgn(big_value(a));
    int64_t v = a.as_integer();
    return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

int compare(const Term& a, const Term& b) noexcept {
    if (a.is_integer() && b.is_integer()) {
        int64_t x = a.as_integer(), y = b.as_integer();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    // Normalized: a big integer is outside int64, so its sign decides against a small one.
    if (a.is_integer()) return -mpz_sgn(big_value(b));
    if (b.is_integer()) return mpz_sgn(big_value(a));
    int c = mpz_cmp(big_value(a), big_value(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare_with_double(const Term& a, double d) noexcept {
    if (a.is_integer()) {
        long double x = static_cast<long double>(a.as_integer());
        long double y = d;
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    int c = mpz_cmp_d(big_value(a), d);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::optional<double> to_double(const Term& a) noexcept {
    if (a.is_integer()) return static_cast<double>(a.as_integer());
    // Round to nearest like the BEAM (mpz_get_d truncates): take the top 64 bits, then let the
    // hardware conversion round them, keeping a sticky bit for the discarded rest.
    mpz_srcptr v = big_value(a);
    size_t bits = mpz_sizeinbase(v, 2);
    if (bits > 1024) return std::nullopt;
    mpz_t top;
    mpz_init(top);
    mpz_abs(top, v);
    size_t drop = bits > 64 ? bits - 64 : 0;
    bool sticky = drop > 0 && mpz_scan1(top, 0) < drop;
    mpz_fdiv_q_2exp(top, top, drop);
    uint64_t high = mpz_get_ui(top);
    mpz_clear(top);
    if (sticky) high |= 1;  // the lowest of 64 bits never survives into a 53-bit mantissa
    double r = std::ldexp(static_cast<double>(high), static_cast<int>(drop));
    if (!std::isfinite(r)) return std::nullopt;
    return mpz_sgn(v) < 0 ? -r : r;
}

Term from_double_truncated(double d) {
    double t = std::trunc(d);
    if (t >= -9223372036854775808.0 && t < 9223372036854775808.0)
        return Term::integer(static_cast<int64_t>(t));
    Mpz r;
    mpz_set_d(r.v, t);  // exact: a double this large is an integer
    return from_mpz(r.v);
}

std::string to_string(const Term& a, int base) {
    Mpz x(a);
    std::string out(mpz_sizeinbase(x.v, base) + 2, '\0');
    mpz_get_str(out.data(), -base, x.v);  // negative base: uppercase letters
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<Term> parse(std::string_view text, int base) {
    if (base < 2 || base > 36) return std::nullopt;
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    // Fast path: accumulate in uint64 while it fits.
    uint64_t acc = 0;
    bool small = true;
    for (size_t j = i; j < text.size(); ++j) {
        char c = text[j];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'z' ? c - 'a' + 10
                    : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                           : 99;
        if (digit >= base) return std::nullopt;
        if (small && (__builtin_mul_overflow(acc, static_cast<uint64_t>(base), &acc) ||
                      __builtin_add_overflow(acc, static_cast<uint64_t>(digit), &acc)))
            small = false;
    }
    if (small && acc <= static_cast<uint64_t>(INT64_MAX))
        return Term::integer(negative ? -static_cast<int64_t>(acc) : static_cast<int64_t>(acc));
    Mpz r;
    std::string digits(text.substr(i));
    if (mpz_set_str(r.v, digits.c_str(), base) != 0) return std::nullopt;
    if (negative) mpz_neg(r.v, r.v);
    return from_mpz(r.v);
}

uint64_t bit_length(const Term& a) noexcept {
    if (a.is_integer()) {
        int64_t v = a.as_integer();
        uint64_t m = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        return m == 0 ? 0 : 64 - static_cast<uint64_t>(__builtin_clzll(m));
    }
    return mpz_sizeinbase(big_value(a), 2);
}

size_t hash(const Term& a) noexcept {
    if (a.is_integer()) return std::hash<int64_t>{}(a.as_integer());
    mpz_srcptr v = big_value(a);
    size_t h = static_cast<size_t>(mpz_sgn(v)) * 0x9e3779b97f4a7c15ULL;
    size_t n = mpz_size(v);
    for (size_t i = 0; i < n; ++i)
        h ^= std::hash<mp_limb_t>{}(mpz_getlimbn(v, static_cast<mp_size_t>(i))) +
             0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

}  // namespace tasklens::integer
