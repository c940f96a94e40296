// Integer and Float: number formatting, parsing and rounding. Integers have any size
// (engine/runtime/integer.h).
#include <cmath>
#include <cstdio>

#include "engine/runtime/integer.h"
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
        if (!a[0].is_integral()) raise_bif_argument_error(1, "not an integer");
        int base = 10;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 2 || a[1].as_integer() > 36)
                raise_bif_argument_error(2, "not an integer in the range 2 through 36");
            base = static_cast<int>(a[1].as_integer());
        }
        return Term::binary(integer_term_text(a[0], base));
    };
    def_integer(t, "to_string", 1, to_string);
    def_integer(t, "to_string", 2, to_string);
    auto to_charlist = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_integral()) raise_bif_argument_error(1, "not an integer");
        int base = 10;
        if (a.size() > 1) {
            if (!a[1].is_integer() || a[1].as_integer() < 2 || a[1].as_integer() > 36)
                raise_bif_argument_error(2, "not an integer in the range 2 through 36");
            base = static_cast<int>(a[1].as_integer());
        }
        std::vector<Term> chars;
        for (char c : integer_term_text(a[0], base)) chars.push_back(Term::integer(c));
        return make_list(chars);
    };
    def_integer(t, "to_charlist", 1, to_charlist);
    def_integer(t, "to_charlist", 2, to_charlist);
    auto parse = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "parse", 2};
        std::string_view s = need_binary(a[0], c);
        int base = a.size() > 1 ? need_base(a[1], c) : 10;
        size_t used = 0;
        Term value = parse_integer_term(s, base, used);
        if (used == 0) return Term::atom(atom::error);
        return Term::tuple({std::move(value), Term::binary(s.substr(used))});
    };
    def_integer(t, "parse", 1, parse);
    def_integer(t, "parse", 2, parse);
    auto digits = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "digits", 2};
        if (!a[0].is_integral()) c.fail();
        Term base = a.size() > 1 ? a[1] : Term::integer(10);
        if (!base.is_integral() || integer::compare(base, Term::integer(2)) < 0) c.fail();
        // Elixir keeps the sign on every digit of a negative number: digits(-123) = [-1, -2, -3]
        std::vector<Term> out;
        Term n = a[0];
        do {
            out.push_back(*integer::rem(n, base));
            n = *integer::div(n, base);
        } while (integer::sign(n) != 0);
        return make_list(std::vector<Term>(out.rbegin(), out.rend()));
    };
    def_integer(t, "digits", 1, digits);
    def_integer(t, "digits", 2, digits);
    auto undigits = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Integer", "undigits", 2};
        Term base = a.size() > 1 ? a[1] : Term::integer(10);
        if (!base.is_integral() || integer::compare(base, Term::integer(2)) < 0) c.fail();
        Term value = Term::integer(0);
        for (const Term& d : need_list(a[0], c)) {
            if (!d.is_integral()) c.fail();
            if (integer::compare(d, base) >= 0)
                raise_argument_error("invalid digit " + integer_term_text(d, 10) + " in base " +
                                     integer_term_text(base, 10));
            value = integer::add(integer::mul(value, base), d);
        }
        return value;
    };
    def_integer(t, "undigits", 1, undigits);
    def_integer(t, "undigits", 2, undigits);
    def_integer(
        t, "pow", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "pow", 2};
            if (!a[0].is_integral() || !a[1].is_integral()) c.fail();
            if (integer::sign(a[1]) < 0) raise_arithmetic_error();
            std::optional<Term> r;
            if (a[1].is_integer()) r = integer::pow(a[0], static_cast<uint64_t>(a[1].as_integer()));
            if (!r) throw ErlangException::error(Term::atom("system_limit"));
            return std::move(*r);
        });
    def_integer(
        t, "gcd", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "gcd", 2};
            if (!a[0].is_integral() || !a[1].is_integral()) c.fail();
            return integer::gcd(a[0], a[1]);
        });
    def_integer(
        t, "mod", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "mod", 2};
            if (!a[0].is_integral() || !a[1].is_integral()) c.fail();
            auto r = integer::mod(a[0], a[1]);
            if (!r) raise_arithmetic_error();
            return std::move(*r);
        });
    def_integer(
        t, "floor_div", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Integer", "floor_div", 2};
            if (!a[0].is_integral() || !a[1].is_integral()) c.fail();
            auto r = integer::floor_div(a[0], a[1]);
            if (!r) raise_arithmetic_error();
            return std::move(*r);
        });
    def_integer(
        t, "is_even", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(a[0].is_integral() &&
                                 integer::sign(integer::band(a[0], Term::integer(1))) == 0);
        });
    def_integer(
        t, "is_odd", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::boolean(a[0].is_integral() &&
                                 integer::sign(integer::band(a[0], Term::integer(1))) != 0);
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
