// Match specifications: see match_spec.h. Patterns and guards are interpreted directly (specs
// in scenarios are small; nothing is compiled ahead).
#include "engine/otp/match_spec.h"

#include <cmath>
#include <string_view>

namespace tasklens::otp {

namespace {

using Bindings = std::vector<std::optional<Term>>;  // index N for :"$N"

/// :"$N" -> N, or -1.
int variable_index(const Term& t) {
    if (!t.is_atom()) return -1;
    std::string_view name = t.as_atom().name();
    if (name.size() < 2 || name[0] != '$') return -1;
    int n = 0;
    for (size_t i = 1; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9' || n > 100000) return -1;
        n = n * 10 + (name[i] - '0');
    }
    return n;
}

bool is_wildcard(const Term& t) {
    return t.is_atom() && t.as_atom().name() == "_";
}

bool match(const Term& pattern, const Term& value, Bindings& b) {
    if (is_wildcard(pattern)) return true;
    if (int n = variable_index(pattern); n >= 0) {
        if (b.size() <= static_cast<size_t>(n)) b.resize(n + 1);
        if (b[n]) return exact_equal(*b[n], value);
        b[n] = value;
        return true;
    }
    if (pattern.is_tuple()) {
        if (!value.is_tuple() || value.tuple_size() != pattern.tuple_size()) return false;
        for (size_t i = 0; i < pattern.tuple_size(); ++i)
            if (!match(pattern.element(i), value.element(i), b)) return false;
        return true;
    }
    if (pattern.is_cons()) {
        const Term* p = &pattern;
        const Term* v = &value;
        while (p->is_cons()) {
            if (!v->is_cons() || !match(p->head(), v->head(), b)) return false;
            p = &p->tail();
            v = &v->tail();
        }
        return match(*p, *v, b);
    }
    if (pattern.is_map()) {
        if (!value.is_map()) return false;
        for (const auto& [k, pv] : pattern.map_object()) {
            const Term* vv = value.map_find(k);
            if (!vv || !match(pv, *vv, b)) return false;
        }
        return true;
    }
    return exact_equal(pattern, value);
}

struct GuardError {};

Term eval(const Term& e, const Bindings& b, const Term& object);

bool truth(const Term& t) {
    if (t.is_atom(atom::true_)) return true;
    if (t.is_atom(atom::false_)) return false;
    throw GuardError{};
}

Term number_op(std::string_view op, const Term& x, const Term& y) {
    if (!x.is_number() || !y.is_number()) throw GuardError{};
    if (x.is_integer() && y.is_integer()) {
        int64_t a = x.as_integer(), c = y.as_integer(), r = 0;
        if (op == "+") {
            if (__builtin_add_overflow(a, c, &r)) throw GuardError{};
        } else if (op == "-") {
            if (__builtin_sub_overflow(a, c, &r)) throw GuardError{};
        } else if (op == "*") {
            if (__builtin_mul_overflow(a, c, &r)) throw GuardError{};
        } else if (op == "div" || op == "rem") {
            if (c == 0 || (a == INT64_MIN && c == -1)) throw GuardError{};
            r = op == "div" ? a / c : a % c;
        } else {
            throw GuardError{};
        }
        return Term::integer(r);
    }
    if (op == "div" || op == "rem") throw GuardError{};
    double a = x.as_number(), c = y.as_number();
    double r = op == "+" ? a + c : op == "-" ? a - c : a * c;
    if (!std::isfinite(r)) throw GuardError{};
    return Term::floating(r);
}

Term call(std::string_view f, const std::vector<Term>& args) {
    auto arg = [&](size_t i) -> const Term& { return args[i]; };
    const size_t n = args.size();
    if (n == 2) {
        const Term &x = arg(0), &y = arg(1);
        if (f == "==") return Term::boolean(compare(x, y) == 0);
        if (f == "/=") return Term::boolean(compare(x, y) != 0);
        if (f == "=:=") return Term::boolean(compare_exact(x, y) == 0);
        if (f == "=/=") return Term::boolean(compare_exact(x, y) != 0);
        if (f == "<") return Term::boolean(compare(x, y) < 0);
        if (f == ">") return Term::boolean(compare(x, y) > 0);
        if (f == "=<") return Term::boolean(compare(x, y) <= 0);
        if (f == ">=") return Term::boolean(compare(x, y) >= 0);
        if (f == "and") return Term::boolean(truth(x) & truth(y));
        if (f == "or") return Term::boolean(truth(x) | truth(y));
        if (f == "xor") return Term::boolean(truth(x) ^ truth(y));
        if (f == "+" || f == "-" || f == "*" || f == "div" || f == "rem") return number_op(f, x, y);
        if (f == "element") {
            if (!x.is_integer() || !y.is_tuple() || x.as_integer() < 1 ||
                static_cast<size_t>(x.as_integer()) > y.tuple_size())
                throw GuardError{};
            return y.element(x.as_integer() - 1);
        }
        if (f == "map_get") {
            if (!y.is_map()) throw GuardError{};
            const Term* v = y.map_find(x);
            if (!v) throw GuardError{};
            return *v;
        }
        if (f == "is_map_key") {
            if (!y.is_map()) throw GuardError{};
            return Term::boolean(y.map_find(x) != nullptr);
        }
    }
    if (n == 1) {
        const Term& x = arg(0);
        if (f == "not") return Term::boolean(!truth(x));
        if (f == "is_atom") return Term::boolean(x.is_atom());
        if (f == "is_integer") return Term::boolean(x.is_integer());
        if (f == "is_float") return Term::boolean(x.is_float());
        if (f == "is_number") return Term::boolean(x.is_number());
        if (f == "is_binary") return Term::boolean(x.is_binary());
        if (f == "is_list") return Term::boolean(x.is_list());
        if (f == "is_tuple") return Term::boolean(x.is_tuple());
        if (f == "is_map") return Term::boolean(x.is_map());
        if (f == "is_pid") return Term::boolean(x.is_pid());
        if (f == "is_reference") return Term::boolean(x.is_reference());
        if (f == "is_function") return Term::boolean(x.is_fun());
        if (f == "hd" || f == "tl") {
            if (!x.is_cons()) throw GuardError{};
            return f == "hd" ? x.head() : x.tail();
        }
        if (f == "length") {
            int64_t len = list_length(x);
            if (len < 0) throw GuardError{};
            return Term::integer(len);
        }
        if (f == "tuple_size" || f == "size") {
            if (x.is_tuple()) return Term::integer(static_cast<int64_t>(x.tuple_size()));
            if (f == "size" && x.is_binary())
                return Term::integer(static_cast<int64_t>(x.binary_view().size()));
            throw GuardError{};
        }
        if (f == "map_size") {
            if (!x.is_map()) throw GuardError{};
            return Term::integer(static_cast<int64_t>(x.map_size()));
        }
        if (f == "abs") {
            if (x.is_integer() && x.as_integer() != INT64_MIN)
                return Term::integer(x.as_integer() < 0 ? -x.as_integer() : x.as_integer());
            if (x.is_float()) return Term::floating(std::fabs(x.as_float()));
            throw GuardError{};
        }
        if (f == "-") return number_op("-", Term::integer(0), x);
    }
    throw GuardError{};
}

Term eval(const Term& e, const Bindings& b, const Term& object) {
    if (e.is_atom()) {
        std::string_view name = e.as_atom().name();
        if (name == "$_") return object;
        if (name == "$$") {
            std::vector<Term> all;
            for (size_t i = 1; i < b.size(); ++i)
                if (b[i]) all.push_back(*b[i]);
            return Term::list(std::span(all));
        }
        if (int n = variable_index(e); n >= 0) {
            if (static_cast<size_t>(n) >= b.size() || !b[n]) throw GuardError{};
            return *b[n];
        }
        return e;
    }
    if (e.is_tuple()) {
        const size_t n = e.tuple_size();
        if (n == 1 && e.element(0).is_tuple()) {  // {{a, b}}: build the tuple {a, b}
            const Term& inner = e.element(0);
            std::vector<Term> items;
            for (size_t i = 0; i < inner.tuple_size(); ++i)
                items.push_back(eval(inner.element(i), b, object));
            return Term::tuple(std::span(items));
        }
        if (n == 0 || !e.element(0).is_atom()) throw GuardError{};
        std::string_view f = e.element(0).as_atom().name();
        if (f == "const" && n == 2) return e.element(1);
        if (f == "andalso" || f == "orelse") {
            for (size_t i = 1; i < n; ++i) {
                bool v = truth(eval(e.element(i), b, object));
                if (f == "andalso" && !v) return Term::boolean(false);
                if (f == "orelse" && v) return Term::boolean(true);
            }
            return Term::boolean(f == "andalso");
        }
        std::vector<Term> args;
        for (size_t i = 1; i < n; ++i) args.push_back(eval(e.element(i), b, object));
        return call(f, args);
    }
    if (e.is_cons()) {
        std::vector<Term> items;
        const Term* p = &e;
        for (; p->is_cons(); p = &p->tail()) items.push_back(eval(p->head(), b, object));
        return Term::list(std::span(items), eval(*p, b, object));
    }
    if (e.is_map()) {
        std::vector<std::pair<Term, Term>> entries;
        for (const auto& [k, v] : e.map_object())
            entries.emplace_back(eval(k, b, object), eval(v, b, object));
        return Term::map(std::move(entries));
    }
    return e;
}

bool to_vector(const Term& list, std::vector<Term>& out) {
    return list_to_vector(list, out);
}

}  // namespace

std::optional<MatchSpec> MatchSpec::parse(const Term& spec) {
    std::vector<Term> clauses;
    if (!to_vector(spec, clauses)) return std::nullopt;
    MatchSpec ms;
    for (const Term& c : clauses) {
        if (!c.is_tuple(3)) return std::nullopt;
        Clause clause;
        clause.pattern = c.element(0);
        if (!to_vector(c.element(1), clause.guards) || !to_vector(c.element(2), clause.body))
            return std::nullopt;
        if (clause.body.empty()) return std::nullopt;
        ms.clauses_.push_back(std::move(clause));
    }
    return ms;
}

std::optional<MatchSpec> MatchSpec::pattern(const Term& pattern, const Term& guards) {
    MatchSpec ms;
    Clause clause;
    clause.pattern = pattern;
    if (!to_vector(guards, clause.guards)) return std::nullopt;
    for (const Term& g : clause.guards)
        if (!g.is_tuple() && !g.is_atom()) return std::nullopt;
    ms.clauses_.push_back(std::move(clause));
    return ms;
}

std::optional<Term> MatchSpec::run(const Term& object) const {
    for (const Clause& c : clauses_) {
        Bindings b;
        if (!match(c.pattern, object, b)) continue;
        try {
            bool pass = true;
            for (const Term& g : c.guards) {
                if (!eval(g, b, object).is_atom(atom::true_)) {
                    pass = false;
                    break;
                }
            }
            if (!pass) continue;
            if (c.body.empty()) return object;
            Term result;
            for (const Term& e : c.body) result = eval(e, b, object);
            return result;
        } catch (const GuardError&) {
            continue;
        }
    }
    return std::nullopt;
}

std::vector<Term> MatchSpec::patterns() const {
    std::vector<Term> out;
    for (const Clause& c : clauses_) out.push_back(c.pattern);
    return out;
}

}  // namespace tasklens::otp
