// Integer and Float: number formatting, parsing and rounding. Integers are 64-bit: results
// outside that range raise ArithmeticError ("integer overflow") where Elixir would grow a bignum.
#include <cmath>
#include <cstdio>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

void def_integer(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add("Elixir.Integer", name, arity, fn);
}
void def_float(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add("Elixir.Float", name, arity, fn);
}

int need_base(const Term& t, const Clause& clause) {
    if (!t.is_integer() || t.as_integer() < 2 || t.as_integer() > 36) clause.fail();
    return static_cast<int>(t.as_integer());
}

int64_t gcd(int64_t a, int64_t b) {
    uint64_t x = a < 0 ? 0 - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
    uint64_t y = b < 0 ? 0 - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
    while (y) {
        uint64_t r = x % y;
        x = y;
        y = r;
    }
    if (x > static_cast<uint64_t>(INT64_MAX)) raise_integer_overflow();
    return static_cast<int64_t>(x);
}

/// Float.parse: the longest prefix of the form [+-]digits[.digits][(e|E)[+-]digits].
Term parse_float(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    auto digits_from = [&](size_t at) {
        size_t j = at;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
        return j;
    };
    size_t end = digits_from(i);
    if (end == i) return Term::atom(atom::error);
    if (end < s.size() && s[end] == '.') {
        size_t frac = digits_from(end + 1);
        if (frac > end + 1) end = frac;
    }
    if (end < s.size() && (s[end] == 'e' || s[end] == 'E')) {
        size_t j = end + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        size_t exp_end = digits_from(j);
        if (exp_end > j) end = exp_end;
    }
    std::string text(s.substr(0, end));
    double value = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(value)) return Term::atom(atom::error);
    return Term::tuple({Term::floating(value), Term::binary(s.substr(end))});
}

enum class Rounding { HalfUp, Floor, Ceil };

/// Rounds to `precision` decimal places on the exact decimal expansion of the double, as
/// Elixir's Float.round/floor/ceil do (so 5.5675 rounds to 5.567: it is 5.56749999...).
double round_decimal(double value, int64_t precision, Rounding mode) {
    if (value == 0 || !std::isfinite(value)) return value;
    char buffer[1500];
    std::snprintf(buffer, sizeof buffer, "%.1100f", std::fabs(value));  // exact in glibc
    std::string digits(buffer);
    size_t dot = digits.find('.');
    std::string kept = digits.substr(0, dot + 1 + static_cast<size_t>(precision));
    std::string dropped = digits.substr(dot + 1 + static_cast<size_t>(precision));
    bool negative = std::signbit(value);
    bool any_dropped = dropped.find_first_not_of('0') != std::string::npos;
    bool bump = false;
    switch (mode) {
        case Rounding::HalfUp:
            bump = !dropped.empty() && dropped[0] >= '5';
            break;
        case Rounding::Floor:
            bump = negative && any_dropped;
            break;
        case Rounding::Ceil:
            bump = !negative && any_dropped;
            break;
    }
    double magnitude = std::strtod(kept.c_str(), nullptr);
    if (bump) {
        // Add one unit in the last kept place, in decimal, then convert once.
        std::string s = kept;
        int k = static_cast<int>(s.size()) - 1;
        while (k >= 0) {
            if (s[static_cast<size_t>(k)] == '.') {
                --k;
                continue;
            }
            if (s[static_cast<size_t>(k)] == '9') {
                s[static_cast<size_t>(k)] = '0';
                --k;
            } else {
                ++s[static_cast<size_t>(k)];
                break;
            }
        }
        if (k < 0) s.insert(s.begin(), '1');
        magnitude = std::strtod(s.c_str(), nullptr);
    }
    double result = negative ? -magnitude : magnitude;
    return result;
}

Term float_rounding(Args a, Rounding mode, std::string_view name) {
    Clause clause{"Float", name, 2};
    if (!a[0].is_float()) clause.fail();
    int64_t precision = 0;
    if (a.size() > 1) {
        precision = need_integer(a[1], clause);
        if (precision < 0 || precision > 15)
            raise_argument_error("precision " + std::to_string(precision) +
                                 " is out of valid range of 0..15");
    }
    return Term::floating(round_decimal(a[0].as_float(), precision, mode));
}

}  // namespace

void register_integer(BuiltinTable& t) {
    auto to_string = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_integer()) raise_bif_argument_error(1, "not an integer");
        int base = 10;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 2 || a[1].as_integer() > 36)
                raise_bif_argument_error(2, "not an integer in the range 2 through 36");
            base = static_cast<int>(a[1].as_integer());
        }
        return Term::binary(integer_to_text(a[0].as_integer(), base));
    };
    def_integer(t, "to_string", 1, to_string);
    def_integer(t, "to_string", 2, to_string);
    def_integer(
        t, "to_charlist", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_integer()) raise_bif_argument_error(1, "not an integer");
            std::vector<Term> chars;
            for (char c : integer_to_text(a[0].as_integer(), 10)) chars.push_back(Term::integer(c));
            return make_list(chars);
        });
    auto parse = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "parse", 2};
        std::string_view s = need_binary(a[0], c);
        int base = a.size() > 1 ? need_base(a[1], c) : 10;
        int64_t value = 0;
        size_t used = parse_integer_prefix(s, base, value);
        if (used == 0) return Term::atom(atom::error);
        return Term::tuple({Term::integer(value), Term::binary(s.substr(used))});
    };
    def_integer(t, "parse", 1, parse);
    def_integer(t, "parse", 2, parse);
    auto digits = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "digits", 2};
        int64_t n = need_integer(a[0], c);
        int64_t base = a.size() > 1 ? need_integer(a[1], c) : 10;
        if (base < 2) c.fail();
        std::vector<Term> out;
        do {
            out.push_back(Term::integer(n % base));
            n /= base;
        } while (n != 0);
        return make_list(std::vector<Term>(out.rbegin(), out.rend()));
    };
    def_integer(t, "digits", 1, digits);
    def_integer(t, "digits", 2, digits);
    auto undigits = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "undigits", 2};
        int64_t base = a.size() > 1 ? need_integer(a[1], c) : 10;
        if (base < 2) c.fail();
        int64_t value = 0;
        for (const Term& d : need_list(a[0], c)) {
            int64_t digit = need_integer(d, c);
            if (digit >= base)
                raise_argument_error("invalid digit " + std::to_string(digit) + " in base " +
                                     std::to_string(base));
            value = checked_add(checked_mul(value, base), digit);
        }
        return Term::integer(value);
    };
    def_integer(t, "undigits", 1, undigits);
    def_integer(t, "undigits", 2, undigits);
    def_integer(
        t, "pow", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "pow", 2};
            int64_t base = need_integer(a[0], c);
            int64_t exponent = need_integer(a[1], c);
            if (exponent < 0) raise_arithmetic_error();
            int64_t result = 1;
            while (exponent > 0) {
                if (exponent & 1) result = checked_mul(result, base);
                exponent >>= 1;
                if (exponent) base = checked_mul(base, base);
            }
            return Term::integer(result);
        });
    def_integer(
        t, "gcd", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "gcd", 2};
            return Term::integer(gcd(need_integer(a[0], c), need_integer(a[1], c)));
        });
    def_integer(
        t, "mod", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "mod", 2};
            int64_t x = need_integer(a[0], c), y = need_integer(a[1], c);
            if (y == 0) raise_arithmetic_error();
            if (y == -1) return Term::integer(0);
            int64_t r = x % y;
            if (r != 0 && ((r < 0) != (y < 0))) r += y;
            return Term::integer(r);
        });
    def_integer(
        t, "floor_div", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "floor_div", 2};
            int64_t x = need_integer(a[0], c), y = need_integer(a[1], c);
            if (y == 0) raise_arithmetic_error();
            if (x == INT64_MIN && y == -1) raise_integer_overflow();
            int64_t q = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
            return Term::integer(q);
        });
    def_integer(
        t, "is_even", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(a[0].is_integer() && a[0].as_integer() % 2 == 0);
        });
    def_integer(
        t, "is_odd", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(a[0].is_integer() && a[0].as_integer() % 2 != 0);
        });
}

void register_float(BuiltinTable& t) {
    def_float(
        t, "to_string", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_float()) raise_function_clause("Float", "to_string", 1);
            return Term::binary(format_float(a[0].as_float()));
        });
    def_float(
        t, "to_charlist", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_float()) raise_function_clause("Float", "to_charlist", 1);
            std::vector<Term> chars;
            for (char ch : format_float(a[0].as_float())) chars.push_back(Term::integer(ch));
            return make_list(chars);
        });
    def_float(
        t, "parse", 1, +[](ProcessContext&, Args a) -> Term {
            return parse_float(need_binary(a[0], {"Float", "parse", 1}));
        });
    auto round =
        +[](ProcessContext&, Args a) { return float_rounding(a, Rounding::HalfUp, "round"); };
    auto floor =
        +[](ProcessContext&, Args a) { return float_rounding(a, Rounding::Floor, "floor"); };
    auto ceil = +[](ProcessContext&, Args a) { return float_rounding(a, Rounding::Ceil, "ceil"); };
    for (int arity : {1, 2}) {
        def_float(t, "round", arity, round);
        def_float(t, "floor", arity, floor);
        def_float(t, "ceil", arity, ceil);
    }
}

}  // namespace tasklens::script::stdlib
