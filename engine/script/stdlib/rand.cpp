// :rand with OTP's default algorithm, exsss (Xorshift116**), bit for bit as rand.erl computes it:
// seed(:exsss, {a, b, c}) followed by uniform/0, uniform/1, uniform_real/0 and normal/0,2 gives the
// BEAM's exact sequence. The state lives in the process dictionary under :rand_seed as on the BEAM,
// as
// {%{type: :exsss, bits: 58}, [s0 | s1]} (the BEAM's map also holds the algorithm's funs).
// A process that draws without seeding gets a seed that depends only on how many unseeded
// processes drew before it and on the run's seed (`tasklens run --seed`), so runs are
// reproducible (the BEAM seeds from the clock).
// Only exsss (and :default, which is exsss) is provided; other algorithms are refused with
// Tasklens's "does not support" error.
#include <bit>
#include <cmath>

#include "engine/runtime/inspect.h"
#include "engine/script/stdlib/rand.h"
#include "engine/script/stdlib/rand_normal_tables.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr uint64_t kMask58 = (uint64_t{1} << 58) - 1;
/// Where the sequence of unseeded processes' seeds starts in a run with seed 0.
constexpr uint64_t kUnseededBase = 0x7a5c1e25eed;

struct State {
    uint64_t s0, s1;
};

/// SplitMix64, which rand.erl uses to turn seeds into generator states.
uint64_t splitmix64_next(uint64_t& x) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/// seed58/1: the low 58 bits of the next non-zero SplitMix64 output.
uint64_t seed58(uint64_t& x) {
    while (true) {
        uint64_t z = splitmix64_next(x) & kMask58;
        if (z != 0) return z;
    }
}

State seed_from_tuple(uint64_t a1, uint64_t a2, uint64_t a3) {
    uint64_t x = a1;
    seed58(x);
    x ^= a2;
    uint64_t s0 = seed58(x);
    x ^= a3;
    uint64_t s1 = seed58(x);
    return {s0, s1};
}
State seed_from_integer(uint64_t x) {
    uint64_t s0 = seed58(x);
    uint64_t s1 = seed58(x);
    return {s0, s1};
}

/// exsss_next: advances the state (the list [S1|S0] swaps its members) and scrambles.
uint64_t next(State& st) {
    const uint64_t s1 = st.s0;
    const uint64_t s0 = st.s1 & kMask58;
    uint64_t s1b = (s1 & kMask58) ^ ((s1 & ((uint64_t{1} << 34) - 1)) << 24);
    const uint64_t new_s1 = s1b ^ s0 ^ (s1b >> 11) ^ (s0 >> 41);
    st.s0 = s0;
    st.s1 = new_s1;
    // ((s0 * 5) rotl 7) * 9, modulo 2^58
    const uint64_t va = s0 + ((s0 & ((uint64_t{1} << 56) - 1)) << 2);
    const uint64_t vb = ((va & ((uint64_t{1} << 51) - 1)) << 7) | ((va >> 51) & 0x7f);
    return (vb + ((vb & ((uint64_t{1} << 55) - 1)) << 3)) & kMask58;
}

double uniform_float(State& st) {
    return static_cast<double>(next(st) >> 5) * 1.11022302462515657e-16;
}

int64_t uniform_range(State& st, uint64_t range) {
    const uint64_t max_minus_range = (uint64_t{1} << 58) - range;
    while (true) {
        const uint64_t v = next(st);
        if (v < range) return static_cast<int64_t>(v + 1);
        const uint64_t i = v % range;
        if (v - i <= max_minus_range) return static_cast<int64_t>(i + 1);
    }
}

/// uniform_real_s: floats of the form N * 2^-k with 53 significant bits, down to tiny values.
double uniform_real(State& st) {
    uint64_t m1 = next(st) >> 2;
    if (m1 >= (uint64_t{1} << 55)) return static_cast<double>(m1 >> 3) * std::ldexp(1.0, -53);
    if (m1 >= (uint64_t{1} << 54)) return static_cast<double>(m1 >> 2) * std::ldexp(1.0, -54);
    if (m1 >= (uint64_t{1} << 53)) return static_cast<double>(m1 >> 1) * std::ldexp(1.0, -55);
    if (m1 >= (uint64_t{1} << 52)) return static_cast<double>(m1) * std::ldexp(1.0, -56);
    int bit_no = -56;
    uint64_t m0 = m1;
    while (true) {
        const uint64_t v1 = next(st);
        if (bit_no == -1064) {
            const int b0 = 53 - static_cast<int>(std::bit_width(m0));
            return static_cast<double>((m0 << b0) | (v1 >> (58 - b0))) *
                   std::ldexp(1.0, -1064 - b0);
        }
        if (m0 != 0) {
            const int b0 = 53 - static_cast<int>(std::bit_width(m0));
            return static_cast<double>((m0 << b0) | (v1 >> (58 - b0))) *
                   std::ldexp(1.0, bit_no - b0);
        }
        m1 = v1 >> 2;
        if (m1 >= (uint64_t{1} << 55))
            return static_cast<double>(m1 >> 3) * std::ldexp(1.0, bit_no - 53);
        if (m1 >= (uint64_t{1} << 54))
            return static_cast<double>(m1 >> 2) * std::ldexp(1.0, bit_no - 54);
        if (m1 >= (uint64_t{1} << 53))
            return static_cast<double>(m1 >> 1) * std::ldexp(1.0, bit_no - 55);
        if (m1 >= (uint64_t{1} << 52))
            return static_cast<double>(m1) * std::ldexp(1.0, bit_no - 56);
        if (bit_no == -1008 && m1 < (uint64_t{1} << 42)) return uniform_real(st);
        m0 = m1;
        bit_no -= 56;
    }
}

// --- the state in the process dictionary ----------------------------------------------------

/// normal_s/1 (OTP 25's rand.erl): the ziggurat on exsss's 58-bit outputs. get_52 takes bit 6
/// as the sign and the top 51 bits as R; R's low byte picks the box.
double normal(State& st) {
    for (;;) {
        const uint64_t v = next(st);
        const bool negative = (v & (uint64_t{1} << 6)) != 0;
        const uint64_t r = v >> 7;
        const uint64_t index = r & 0xFF;
        const NormalKiWi& box = kNormalKiWi[index];
        double x = static_cast<double>(r) * box.wi;
        if (r < box.ki) return negative ? -x : x;
        if (negative) x = -x;
        if (index == 0) {
            // the tail beyond the last box
            constexpr double kTail = 3.654152885361009;
            for (;;) {
                const double tx = -1 / kTail * std::log(uniform_float(st));
                const double ty = -std::log(uniform_float(st));
                if (ty + ty > tx * tx) return negative ? -kTail - tx : kTail + tx;
            }
        }
        // normal_fi/1 is 1-based: normal_fi(Idx + 1) is kNormalFi[index]
        const double fi2 = kNormalFi[index];
        const double u = uniform_float(st);
        if ((kNormalFi[index - 1] - fi2) * u + fi2 < std::exp(-0.5 * x * x)) return x;
        // otherwise draw again from the start, as normal_s/4 calls normal_s/1
    }
}

Term seed_key() {
    return atom_term("rand_seed");
}
Term alg_handler() {
    return Term::map(
        {{atom_term("type"), atom_term("exsss")}, {atom_term("bits"), Term::integer(58)}});
}
Term state_term(const State& st) {
    return Term::tuple({alg_handler(), Term::cons(Term::integer(static_cast<int64_t>(st.s0)),
                                                  Term::integer(static_cast<int64_t>(st.s1)))});
}
std::optional<State> state_of(const Term& t) {
    if (!t.is_tuple(2) || !t.element(1).is_cons()) return std::nullopt;
    const Term& cell = t.element(1);
    if (!cell.head().is_integer() || !cell.tail().is_integer()) return std::nullopt;
    return State{static_cast<uint64_t>(cell.head().as_integer()) & kMask58,
                 static_cast<uint64_t>(cell.tail().as_integer()) & kMask58};
}

/// Unseeded processes draw their seeds from this run-wide sequence; set_run_seed moves its start.
struct UnseededSeeds {
    uint64_t next = kUnseededBase;
};

State current_state(ProcessContext& ctx) {
    if (auto st = state_of(ctx.dict_get(seed_key()))) return *st;
    uint64_t& n = ctx.runtime().extension<UnseededSeeds>().next;
    return seed_from_integer(splitmix64_next(n));
}
void store(ProcessContext& ctx, const State& st) {
    ctx.dict_put(seed_key(), state_term(st));
}

void need_exsss(const Term& alg) {
    if (!alg.is_atom(Atom::intern("exsss")) && !alg.is_atom(Atom::intern("default")))
        raise_term(make_exception(
            "Tasklens.UnsupportedError",
            {{"message", Term::binary("Tasklens does not support the :rand algorithm " +
                                      tasklens::inspect(alg) +
                                      " yet (only :exsss, the default; see "
                                      "docs/scenario-language.md)")}}));
}

State seed_value(const Term& seed) {
    auto as_u64 = [](const Term& t) {
        if (!t.is_integer()) throw ErlangException::badarg();
        return static_cast<uint64_t>(t.as_integer());
    };
    if (seed.is_integer()) return seed_from_integer(as_u64(seed));
    if (seed.is_tuple(3))
        return seed_from_tuple(as_u64(seed.element(0)), as_u64(seed.element(1)),
                               as_u64(seed.element(2)));
    if (seed.is_list()) {
        std::vector<Term> items;
        if (!list_to_vector(seed, items) || items.size() != 2) throw ErlangException::badarg();
        State st{as_u64(items[0]) & kMask58, as_u64(items[1]) & kMask58};
        if (st.s0 == 0 && st.s1 == 0) throw ErlangException::error(atom_term("zero_seed"));
        return st;
    }
    throw ErlangException::badarg();
}

Term seed2(ProcessContext& ctx, Args a) {
    need_exsss(a[0]);
    State st = seed_value(a[1]);
    store(ctx, st);
    return state_term(st);
}

Term seed1(ProcessContext& ctx, Args a) {
    if (a[0].is_tuple(2) && a[0].element(0).is_atom()) {
        // An exported state {alg, [s0 | s1]} or a full state {handler, [s0 | s1]}.
        if (a[0].element(0).is_atom()) need_exsss(a[0].element(0));
        auto st = state_of(a[0]);
        if (!st) throw ErlangException::badarg();
        store(ctx, *st);
        return state_term(*st);
    }
    if (a[0].is_tuple(2) && a[0].element(0).is_map()) {
        auto st = state_of(a[0]);
        if (!st) throw ErlangException::badarg();
        store(ctx, *st);
        return state_term(*st);
    }
    need_exsss(a[0]);
    uint64_t& n = ctx.runtime().extension<UnseededSeeds>().next;
    State st = seed_from_integer(splitmix64_next(n));
    store(ctx, st);
    return state_term(st);
}

uint64_t range_arg(const Term& t) {
    if (!t.is_integer() || t.as_integer() < 1) raise_function_clause(":rand", "uniform", 1);
    if (t.as_integer() > (int64_t{1} << 58))
        raise_argument_error("Tasklens does not support :rand ranges above 2^58 yet");
    return static_cast<uint64_t>(t.as_integer());
}

}  // namespace

void register_rand(BuiltinTable& t) {
    const char* R = "rand";
    t.add(R, "seed", 2, seed2);
    t.add(R, "seed", 1, seed1);
    t.add(
        R, "seed_s", 2, +[](ProcessContext&, Args a) {
            need_exsss(a[0]);
            return state_term(seed_value(a[1]));
        });
    t.add(
        R, "uniform", 0, +[](ProcessContext& c, Args) {
            State st = current_state(c);
            double x = uniform_float(st);
            store(c, st);
            return Term::floating(x);
        });
    t.add(
        R, "uniform", 1, +[](ProcessContext& c, Args a) {
            uint64_t range = range_arg(a[0]);
            State st = current_state(c);
            int64_t x = uniform_range(st, range);
            store(c, st);
            return Term::integer(x);
        });
    t.add(
        R, "uniform_real", 0, +[](ProcessContext& c, Args) {
            State st = current_state(c);
            double x = uniform_real(st);
            store(c, st);
            return Term::floating(x);
        });
    t.add(
        R, "normal", 0, +[](ProcessContext& c, Args) {
            State st = current_state(c);
            double x = normal(st);
            store(c, st);
            return Term::floating(x);
        });
    t.add(
        R, "normal", 2, +[](ProcessContext& c, Args a) {
            if (!a[0].is_number() || !a[1].is_number() || a[1].as_number() <= 0)
                throw ErlangException::error(Term::atom(atom::function_clause));
            State st = current_state(c);
            double x = normal(st);
            store(c, st);
            return Term::floating(a[0].as_number() + std::sqrt(a[1].as_number()) * x);
        });
    t.add(
        R, "normal_s", 1, +[](ProcessContext&, Args a) -> Term {
            auto st = state_of(a[0]);
            if (!st) throw ErlangException::badarg();
            double x = normal(*st);
            return Term::tuple({Term::floating(x), state_term(*st)});
        });
    t.add(
        R, "uniform_s", 1, +[](ProcessContext&, Args a) -> Term {
            auto st = state_of(a[0]);
            if (!st) throw ErlangException::badarg();
            double x = uniform_float(*st);
            return Term::tuple({Term::floating(x), state_term(*st)});
        });
    t.add(
        R, "uniform_s", 2, +[](ProcessContext&, Args a) -> Term {
            uint64_t range = range_arg(a[0]);
            auto st = state_of(a[1]);
            if (!st) throw ErlangException::badarg();
            int64_t x = uniform_range(*st, range);
            return Term::tuple({Term::integer(x), state_term(*st)});
        });
    t.add(
        R, "export_seed", 0, +[](ProcessContext& c, Args) -> Term {
            auto st = state_of(c.dict_get(seed_key()));
            if (!st) return atom_term("undefined");
            return Term::tuple(
                {atom_term("exsss"), Term::cons(Term::integer(static_cast<int64_t>(st->s0)),
                                                Term::integer(static_cast<int64_t>(st->s1)))});
        });
}

void set_run_seed(Runtime& runtime, uint64_t seed) {
    // Seed 0 keeps the default sequence. Another seed starts it at a mixed (SplitMix64 output)
    // offset: a plain offset of seed steps would only shift the sequence by seed draws.
    uint64_t offset = 0;
    if (seed != 0) {
        uint64_t x = seed;
        offset = splitmix64_next(x);
    }
    runtime.extension<UnseededSeeds>().next = kUnseededBase + offset;
}

}  // namespace tasklens::script::stdlib
