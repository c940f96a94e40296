// ETS match patterns and the match-spec interpreter (see ets_match.h).
#include "engine/script/stdlib/ets_match.h"

#include <cmath>
#include <map>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib::ets {
namespace {

using Bindings = std::map<int64_t, Term>;

/// The N of an atom `$N`, or -1.
int64_t variable_number(const Term& t) {
    if (!t.is_atom()) return -1;
    std::string_view name = t.as_atom().name();
    if (name.size() < 2 || name[0] != '$' || name.size() > 10) return -1;
    int64_t n = 0;
    for (char c : name.substr(1)) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

bool is_wildcard(const Term& t) {
    return t.is_atom() && t.as_atom().name() == "_";
}

bool match(const Term& pattern, const Term& value, Bindings& bindings) {
    if (is_wildcard(pattern)) return true;
    if (int64_t n = variable_number(pattern); n >= 0) {
        auto [it, inserted] = bindings.try_emplace(n, value);
        return inserted || exact_equal(it->second, value);
    }
    if (pattern.is_tuple()) {
        if (!value.is_tuple() || value.tuple_size() != pattern.tuple_size()) return false;
        for (size_t i = 0; i < pattern.tuple_size(); ++i)
            if (!match(pattern.element(i), value.element(i), bindings)) return false;
        return true;
    }
    if (pattern.is_cons()) {
        const Term* p = &pattern;
        const Term* v = &value;
        while (p->is_cons()) {
            if (!v->is_cons() || !match(p->head(), v->head(), bindings)) return false;
            p = &p->tail();
            v = &v->tail();
        }
        return match(*p, *v, bindings);
    }
    if (pattern.is_map()) {
        if (!value.is_map()) return false;
        for (const auto& [key, sub] : pattern.map_object()) {
            const Term* found = value.map_find(key);
            if (!found || !match(sub, *found, bindings)) return false;
        }
        return true;
    }
    return exact_equal(pattern, value);
}

/// A guard or body expression failed: the clause does not match.
struct EvalFailure {};

struct Evaluator {
    ProcessContext& ctx;
    const Term& object;
    const Bindings& bindings;

    Term all_bindings() const {
        std::vector<Term> values;
        for (const auto& [n, v] : bindings) values.push_back(v);
        return Term::list(values);
    }

    int64_t integer(const Term& t) const {
        if (!t.is_integer()) throw EvalFailure{};
        return t.as_integer();
    }
    const Term& number(const Term& t) const {
        if (!t.is_number()) throw EvalFailure{};
        return t;
    }
    bool boolean(const Term& t) const {
        if (!t.is_boolean()) throw EvalFailure{};
        return t.is_atom(atom::true_);
    }

    Term arith(std::string_view op, const Term& a, const Term& b) const {
        if (op == "div" || op == "rem" || op == "band" || op == "bor" || op == "bxor" ||
            op == "bsl" || op == "bsr") {
            int64_t x = integer(a), y = integer(b);
            if (op == "div" || op == "rem") {
                if (y == 0 || (x == INT64_MIN && y == -1)) throw EvalFailure{};
                return Term::integer(op == "div" ? x / y : x % y);
            }
            if (op == "band") return Term::integer(x & y);
            if (op == "bor") return Term::integer(x | y);
            if (op == "bxor") return Term::integer(x ^ y);
            if (y < 0 || y > 62) throw EvalFailure{};
            if (op == "bsr") return Term::integer(x >> y);
            if (x != 0 && (std::abs(x) >> (62 - y)) != 0) throw EvalFailure{};
            return Term::integer(x << y);
        }
        number(a);
        number(b);
        if (op == "/") {
            if (b.as_number() == 0.0) throw EvalFailure{};
            return Term::floating(a.as_number() / b.as_number());
        }
        if (a.is_integer() && b.is_integer()) {
            if (op == "+") return Term::integer(checked_add(a.as_integer(), b.as_integer()));
            if (op == "-") return Term::integer(checked_sub(a.as_integer(), b.as_integer()));
            return Term::integer(checked_mul(a.as_integer(), b.as_integer()));
        }
        double x = a.as_number(), y = b.as_number();
        double r = op == "+" ? x + y : op == "-" ? x - y : x * y;
        if (!std::isfinite(r)) throw EvalFailure{};
        return Term::floating(r);
    }

    Term call(std::string_view op, std::span<const Term> raw) const {
        // Short-circuit operators evaluate lazily.
        if (op == "andalso" || op == "orelse") {
            if (raw.size() != 2) throw EvalFailure{};
            bool first = boolean(eval(raw[0]));
            if (op == "andalso" && !first) return Term::boolean(false);
            if (op == "orelse" && first) return Term::boolean(true);
            return Term::boolean(boolean(eval(raw[1])));
        }
        std::vector<Term> a;
        for (const Term& r : raw) a.push_back(eval(r));
        auto need = [&](size_t n) {
            if (a.size() != n) throw EvalFailure{};
        };
        auto type_test = [&](bool ok) {
            need(1);
            return Term::boolean(ok);
        };
        if (op == "is_atom") return type_test(a.at(0).is_atom());
        if (op == "is_integer") return type_test(a.at(0).is_integer());
        if (op == "is_float") return type_test(a.at(0).is_float());
        if (op == "is_number") return type_test(a.at(0).is_number());
        if (op == "is_list") return type_test(a.at(0).is_list());
        if (op == "is_tuple") return type_test(a.at(0).is_tuple());
        if (op == "is_map") return type_test(a.at(0).is_map());
        if (op == "is_binary") return type_test(a.at(0).is_binary());
        if (op == "is_pid") return type_test(a.at(0).is_pid());
        if (op == "is_reference") return type_test(a.at(0).is_reference());
        if (op == "is_function") return type_test(a.at(0).is_fun());
        if (op == "is_port") return type_test(false);
        if (op == "is_boolean") return type_test(a.at(0).is_boolean());
        if (op == "is_map_key") {
            need(2);
            if (!a[1].is_map()) throw EvalFailure{};
            return Term::boolean(a[1].map_find(a[0]) != nullptr);
        }
        if (op == "not") {
            need(1);
            return Term::boolean(!boolean(a[0]));
        }
        if (op == "and" || op == "or" || op == "xor") {
            need(2);
            bool x = boolean(a[0]), y = boolean(a[1]);
            return Term::boolean(op == "and" ? (x && y) : op == "or" ? (x || y) : (x != y));
        }
        if (op == ">" || op == ">=" || op == "<" || op == "=<" || op == "==" || op == "/=") {
            need(2);
            int c = compare(a[0], a[1]);
            bool r = op == ">"    ? c > 0
                     : op == ">=" ? c >= 0
                     : op == "<"  ? c < 0
                     : op == "=<" ? c <= 0
                     : op == "==" ? c == 0
                                  : c != 0;
            return Term::boolean(r);
        }
        if (op == "=:=" || op == "=/=") {
            need(2);
            return Term::boolean(exact_equal(a[0], a[1]) == (op == "=:="));
        }
        if (op == "+" || op == "-") {
            if (a.size() == 1) {
                number(a[0]);
                if (op == "+") return a[0];
                if (a[0].is_float()) return Term::floating(-a[0].as_float());
                return Term::integer(checked_sub(0, a[0].as_integer()));
            }
        }
        if (op == "+" || op == "-" || op == "*" || op == "/" || op == "div" || op == "rem" ||
            op == "band" || op == "bor" || op == "bxor" || op == "bsl" || op == "bsr") {
            need(2);
            return arith(op, a[0], a[1]);
        }
        if (op == "bnot") {
            need(1);
            return Term::integer(~integer(a[0]));
        }
        if (op == "abs") {
            need(1);
            number(a[0]);
            if (a[0].is_float()) return Term::floating(std::fabs(a[0].as_float()));
            if (a[0].as_integer() == INT64_MIN) throw EvalFailure{};
            return Term::integer(std::abs(a[0].as_integer()));
        }
        if (op == "float") {
            need(1);
            return Term::floating(number(a[0]).as_number());
        }
        if (op == "trunc" || op == "round") {
            need(1);
            if (a[0].is_integer()) return a[0];
            double d = number(a[0]).as_float();
            double r = op == "trunc" ? std::trunc(d) : std::round(d);
            if (!(r >= -9.2e18 && r <= 9.2e18)) throw EvalFailure{};
            return Term::integer(static_cast<int64_t>(r));
        }
        if (op == "element") {
            need(2);
            int64_t i = integer(a[0]);
            if (!a[1].is_tuple() || i < 1 || i > static_cast<int64_t>(a[1].tuple_size()))
                throw EvalFailure{};
            return a[1].element(static_cast<size_t>(i - 1));
        }
        if (op == "hd" || op == "tl") {
            need(1);
            if (!a[0].is_cons()) throw EvalFailure{};
            return op == "hd" ? a[0].head() : a[0].tail();
        }
        if (op == "length") {
            need(1);
            int64_t n = list_length(a[0]);
            if (n < 0) throw EvalFailure{};
            return Term::integer(n);
        }
        if (op == "tuple_size" || op == "size") {
            need(1);
            if (a[0].is_tuple()) return Term::integer(static_cast<int64_t>(a[0].tuple_size()));
            if (op == "size" && a[0].is_binary())
                return Term::integer(static_cast<int64_t>(a[0].binary_view().size()));
            throw EvalFailure{};
        }
        if (op == "byte_size") {
            need(1);
            if (!a[0].is_binary()) throw EvalFailure{};
            return Term::integer(static_cast<int64_t>(a[0].binary_view().size()));
        }
        if (op == "map_size") {
            need(1);
            if (!a[0].is_map()) throw EvalFailure{};
            return Term::integer(static_cast<int64_t>(a[0].map_size()));
        }
        if (op == "map_get") {
            need(2);
            if (!a[1].is_map()) throw EvalFailure{};
            const Term* v = a[1].map_find(a[0]);
            if (!v) throw EvalFailure{};
            return *v;
        }
        if (op == "self") {
            need(0);
            return Term::pid(ctx.self());
        }
        if (op == "node") {
            need(0);
            return Term::atom(ctx.runtime().options().node_name);
        }
        throw EvalFailure{};
    }

    Term eval(const Term& e) const {
        if (e.is_atom()) {
            std::string_view name = e.as_atom().name();
            if (name == "$_") return object;
            if (name == "$$") return all_bindings();
            if (int64_t n = variable_number(e); n >= 0) {
                auto it = bindings.find(n);
                if (it == bindings.end()) throw EvalFailure{};
                return it->second;
            }
            return e;
        }
        if (e.is_tuple()) {
            if (e.tuple_size() == 1 && e.element(0).is_tuple()) {
                std::vector<Term> items;
                for (const Term& item : e.element(0).tuple_items()) items.push_back(eval(item));
                return Term::tuple(items);
            }
            if (e.tuple_size() == 2 && e.element(0).is_atom(Atom::intern("const")))
                return e.element(1);
            if (e.tuple_size() >= 1 && e.element(0).is_atom()) {
                auto items = e.tuple_items();
                return call(e.element(0).as_atom().name(), items.subspan(1));
            }
            throw EvalFailure{};
        }
        if (e.is_cons()) {
            std::vector<Term> items;
            const Term* cur = &e;
            for (; cur->is_cons(); cur = &cur->tail()) items.push_back(eval(cur->head()));
            return Term::list(items, eval(*cur));
        }
        if (e.is_map()) {
            std::vector<std::pair<Term, Term>> entries;
            for (const auto& [k, v] : e.map_object()) entries.emplace_back(eval(k), eval(v));
            return Term::map(std::move(entries));
        }
        return e;
    }
};

}  // namespace

std::vector<MatchClause> parse_match_spec(const Term& spec, int position) {
    std::vector<Term> items;
    if (!spec.is_list() || !list_to_vector(spec, items))
        raise_bif_argument_error(position, "is not a valid match specification");
    std::vector<MatchClause> clauses;
    for (const Term& item : items) {
        MatchClause clause;
        if (!item.is_tuple(3) || !item.element(1).is_list() || !item.element(2).is_list() ||
            !list_to_vector(item.element(1), clause.guards) ||
            !list_to_vector(item.element(2), clause.body))
            raise_bif_argument_error(position, "is not a valid match specification");
        clause.head = item.element(0);
        clauses.push_back(std::move(clause));
    }
    return clauses;
}

std::optional<Term> run_match_spec(ProcessContext& ctx, const std::vector<MatchClause>& spec,
                                   const Term& object) {
    for (const MatchClause& clause : spec) {
        Bindings bindings;
        if (!match(clause.head, object, bindings)) continue;
        Evaluator evaluator{ctx, object, bindings};
        try {
            bool pass = true;
            for (const Term& guard : clause.guards)
                if (!evaluator.eval(guard).is_atom(atom::true_)) {
                    pass = false;
                    break;
                }
            if (!pass) continue;
            Term result = Term::nil();
            for (const Term& expr : clause.body) result = evaluator.eval(expr);
            return result;
        } catch (const EvalFailure&) {
        } catch (const ErlangException&) {
        }
    }
    return std::nullopt;
}

std::optional<Term> match_bindings(const Term& pattern, const Term& object) {
    Bindings bindings;
    if (!match(pattern, object, bindings)) return std::nullopt;
    std::vector<Term> values;
    for (const auto& [n, v] : bindings) values.push_back(v);
    return Term::list(values);
}

bool matches(const Term& pattern, const Term& object) {
    Bindings bindings;
    return match(pattern, object, bindings);
}

}  // namespace tasklens::script::stdlib::ets
