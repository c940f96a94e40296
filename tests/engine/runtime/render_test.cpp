// render_term, the event texts of messages and reasons: Kernel.inspect's text with 16 items per
// container, cut at 120 bytes. The bounded printer must give inspect's bytes for every term.
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/runtime/inspect.h"
#include "engine/runtime/runtime_impl.h"

namespace tasklens {
namespace {

/// What render_term promised before it had its own printer: inspect, cut.
std::string inspected_and_cut(const Term& t, size_t limit = 120) {
    InspectOptions options;
    options.limit = 16;
    options.printable_limit = static_cast<int64_t>(limit);
    std::string text = inspect(t, options);
    if (text.size() > limit) {
        text.resize(limit);
        text += "...";
    }
    return text;
}

Term a(std::string_view name) {
    return Term::atom(name);
}
Term i(int64_t v) {
    return Term::integer(v);
}
/// [items... | tail]
Term improper(const std::vector<Term>& items, Term tail) {
    return Term::list(std::span<const Term>(items), std::move(tail));
}

TEST(RenderTerm, MessageShapesPrintAsInspectDoes) {
    const Term pid = Term::pid(Pid{0, 42});
    const Term ref = Term::reference(Ref{987654});
    const std::vector<Term> terms = {
        a("ok"),
        a("Elixir.MyApp.Worker"),
        a("with space"),
        Term::nil(),
        Term::empty_list(),
        i(-5),
        Term::floating(0.1),
        Term::tuple({ref, i(7)}),
        Term::tuple({a("DOWN"), ref, a("process"), pid, a("normal")}),
        Term::tuple({a("$gen_call"), Term::tuple({pid, improper({a("alias")}, ref)}),
                     Term::tuple({a("start_task"), Term::list({pid, Term::list({pid})}),
                                  a("temporary"), i(5000)})}),
        improper({a("a"), a("b")}, i(3)),  // improper
        Term::list(
            {Term::tuple({a("key"), i(1)}), Term::tuple({a("other key"), Term::binary("x")})}),
        Term::list({Term::tuple({a("Elixir.Mod"), i(1)})}),  // not a keyword
        Term::list({i(104), i(105)}),                        // a charlist
        Term::list({a("x"), i(104), i(105)}),
        Term::binary("hello"),
        Term::binary("quote \" here"),
        Term::binary("interpolation #{x}"),
        Term::binary("back\\slash"),
        Term::binary("h\xC3\xA9llo"),
        Term::binary("\xff\x00"),
        Term::binary(std::string(200, 'b')),  // past the cut
        Term::map({{a("a"), i(1)}}),
        Term::tuple({Term::map({{i(1), Term::list({a("x")})}}), a("y")}),
    };
    for (const Term& t : terms) EXPECT_EQ(render_term(t), inspected_and_cut(t));
}

TEST(RenderTerm, ItemLimitsCarryIntoNestedContainers) {
    std::vector<Term> twenty;
    for (int k = 0; k < 20; ++k) twenty.push_back(i(k + 1000));
    const Term long_list = improper({a("first")}, Term::list(twenty));
    EXPECT_EQ(render_term(long_list), inspected_and_cut(long_list));
    // Each position of a container lowers the limit its item is printed with.
    std::vector<Term> items;
    for (int k = 0; k < 14; ++k) items.push_back(a("x"));
    items.push_back(Term::list({a("p"), a("q"), a("r"), a("s")}));
    items.push_back(Term::tuple({a("p"), a("q"), a("r")}));
    const Term nested = Term::tuple(items);
    EXPECT_EQ(render_term(nested), inspected_and_cut(nested));
    // Eight-wide tuples three deep reach a limit of 0: "{...}".
    Term deep = a("leaf");
    for (int level = 0; level < 4; ++level) {
        std::vector<Term> row(7, i(level));
        row.push_back(deep);
        deep = Term::tuple(row);
    }
    EXPECT_EQ(render_term(deep, 400), inspected_and_cut(deep, 400));
}

Term fun(FunObject::Kind kind, std::string_view module, std::string_view name, uint32_t arity,
         uint64_t unique) {
    auto* f = new FunObject(kind);
    f->module = Atom::intern(module);
    f->name = Atom::intern(name);
    f->arity = arity;
    f->unique = unique;
    return Term::adopt(f);
}

TEST(RenderTerm, FunsPrintAsInspectDoesAndAreNotMixedUp) {
    const std::vector<Term> funs = {
        fun(FunObject::Kind::External, "Elixir.Enum", "map", 2, 0),
        fun(FunObject::Kind::Native, "Elixir.MyApp", "-run/0-fun-0-", 0, 7),
        fun(FunObject::Kind::Native, "Elixir.MyApp", "-run/0-fun-0-", 0, 8),
        fun(FunObject::Kind::Native, "Elixir.MyApp", "-run/0-fun-0-", 1, 8),
        fun(FunObject::Kind::Native, "Elixir.Other", "-run/0-fun-0-", 0, 8),
    };
    std::vector<std::string> texts;
    for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
        for (const Term& f : funs) {
            EXPECT_EQ(render_term(f), inspected_and_cut(f));
            const Term message = Term::tuple({a("run"), Term::list({f, Term::empty_list()})});
            EXPECT_EQ(render_term(message), inspected_and_cut(message));
            if (round == 0) texts.push_back(render_term(f));
        }
    }
    for (size_t x = 0; x < texts.size(); ++x)
        for (size_t y = x + 1; y < texts.size(); ++y) EXPECT_NE(texts[x], texts[y]);
}

/// Random terms of the shapes messages have, with a few of every other kind.
class TermMaker {
  public:
    explicit TermMaker(uint64_t seed) : random_(seed) {}

    Term make(int depth) {
        const uint64_t pick = random_() % (depth > 4 ? 7 : 12);
        switch (pick) {
            case 0:
                return a(kAtoms[random_() % std::size(kAtoms)]);
            case 1:
                return i(static_cast<int64_t>(random_() % 2000) - 1000);
            case 2:
                return Term::pid(Pid{0, static_cast<uint32_t>(random_() % 500)});
            case 3:
                return Term::reference(Ref{random_() % 100000});
            case 4:
                return Term::binary(kStrings[random_() % std::size(kStrings)]);
            case 5:
                return Term::floating(static_cast<double>(random_() % 1000) / 8.0);
            case 6:
                return Term::empty_list();
            case 7:
            case 8:
                return Term::tuple(items(depth, random_() % 6));
            case 9: {
                std::vector<Term> pairs;
                for (uint64_t k = random_() % 4; k > 0; --k)
                    pairs.push_back(Term::tuple({a(kAtoms[random_() % 4]), make(depth + 1)}));
                return Term::list(pairs);
            }
            case 10: {
                const auto list = items(depth, random_() % 22);
                if (random_() % 4 == 0) return improper(list, make(depth + 1));
                return Term::list(list);
            }
            default:
                return Term::map({{make(depth + 1), make(depth + 1)}});
        }
    }

  private:
    std::vector<Term> items(int depth, uint64_t count) {
        std::vector<Term> out;
        for (uint64_t k = 0; k < count; ++k) out.push_back(make(depth + 1));
        return out;
    }

    static constexpr const char* kAtoms[] = {"ok",    "error",      "normal",    "Elixir.Task",
                                             "nil",   "with space", "$gen_call", "true",
                                             "alias", "Ab"};
    static constexpr const char* kStrings[] = {"",
                                               "hi",
                                               "a \"quoted\" word",
                                               "#{no}",
                                               "tab\t",
                                               "caf\xC3\xA9",
                                               "\x01",
                                               "# not interpolation",
                                               "a long string that goes on and on and on and on"};
    std::mt19937_64 random_;
};

TEST(RenderTerm, RandomTermsPrintAsInspectDoes) {
    TermMaker maker(20261207);
    for (int n = 0; n < 5000; ++n) {
        const Term t = maker.make(0);
        ASSERT_EQ(render_term(t), inspected_and_cut(t)) << inspect(t);
        ASSERT_EQ(render_term(t, 30), inspected_and_cut(t, 30)) << inspect(t);
    }
}

TEST(RenderTerm, AHugeListCostsOnlyTheCut) {
    std::vector<Term> many(100000, Term::tuple({a("item"), i(12345)}));
    const Term list = Term::list(many);
    const std::string text = render_term(list);
    EXPECT_EQ(text, inspected_and_cut(list));
    EXPECT_LE(text.size(), 123u);
}

}  // namespace
}  // namespace tasklens
