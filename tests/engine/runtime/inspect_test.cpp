#include "engine/runtime/inspect.h"

#include <gtest/gtest.h>

#include <functional>

#include "engine/runtime/runtime.h"
#include "tests/engine/runtime/term_builders.h"

namespace tasklens {
namespace {
using namespace tasklens::test;

// Every expected string below is what Elixir 1.14.0 on OTP 25 printed for the Elixir call in the
// first column: `elixir cases.exs` with, per row, `IO.write(inspect(<expr>, <opts>))` or
// `IO.inspect(<expr>, <opts>)` (trailing newline dropped), in a script that defines
// `defmodule P do defstruct [:zeta, :alpha, m: 3] end`.
struct OracleCase {
    const char* elixir;
    std::function<Term()> term;
    std::function<InspectOptions()> options;
    bool io_inspect;
    const char* label;
    const char* expected;
};

const OracleCase kOracle[] = {
#include "tests/engine/runtime/inspect_oracle.inc"
};

class InspectOracle : public ::testing::TestWithParam<size_t> {
  protected:
    static void SetUpTestSuite() {
        registry_.define(Atom::intern("Elixir.P"),
                         {Atom::intern("zeta"), Atom::intern("alpha"), Atom::intern("m")});
    }
    void SetUp() override { set_thread_struct_registry(&registry_); }
    void TearDown() override { set_thread_struct_registry(nullptr); }
    static inline StructRegistry registry_;
};

TEST_P(InspectOracle, MatchesElixir) {
    const OracleCase& c = kOracle[GetParam()];
    Term term = c.term();
    InspectOptions options = c.options();
    std::string actual =
        c.io_inspect ? io_inspect_text(term, c.label, options) : inspect(term, options);
    EXPECT_EQ(actual, c.expected) << "elixir: " << c.elixir;
}

INSTANTIATE_TEST_SUITE_P(Elixir114, InspectOracle, ::testing::Range<size_t>(0, std::size(kOracle)));

// --- values without an oracle literal (our own pid/ref/fun numbering) ----------------------------

TEST(Inspect, PidsPrintNodeAndSerial) {
    EXPECT_EQ(inspect(P(96)), "#PID<0.96.0>");
    EXPECT_EQ(inspect(P(5, 2)), "#PID<2.5.0>");
}

TEST(Inspect, ReferencesHaveTheReferenceShape) {
    EXPECT_EQ(inspect(Term::reference(Ref{42})), "#Reference<0.0.0.42>");
}

TEST(Inspect, ExternalFunsPrintAsCaptures) {
    auto* f = new FunObject(FunObject::Kind::External);
    f->module = Atom::intern("Elixir.Enum");
    f->name = Atom::intern("map");
    f->arity = 2;
    EXPECT_EQ(inspect(Term::adopt(f)), "&Enum.map/2");
    auto* g = new FunObject(FunObject::Kind::External);
    g->module = Atom::intern("erlang");
    g->name = Atom::intern("+");
    g->arity = 2;
    EXPECT_EQ(inspect(Term::adopt(g)), "&:erlang.+/2");
}

TEST(Inspect, ClosuresHaveTheFunctionShape) {
    auto* f = new FunObject(FunObject::Kind::Closure);
    f->module = Atom::intern("Elixir.M");
    f->name = Atom::intern("run/0");
    f->arity = 1;
    f->unique = 3;
    std::string text = inspect(Term::adopt(f));
    EXPECT_EQ(text.rfind("#Function<3.", 0), 0u) << text;
    EXPECT_NE(text.find("/1 in M."), std::string::npos) << text;
    EXPECT_EQ(text.back(), '>');
    EXPECT_NE(text.find(" in M.run/0>"), std::string::npos) << text;
    auto* g = new FunObject(FunObject::Kind::Closure);
    g->module = Atom::intern("Elixir.M");
    g->name = Atom::intern("-loop/2-fun-1-");
    g->arity = 0;
    text = inspect(Term::adopt(g));
    EXPECT_NE(text.find("/0 in M.loop/2>"), std::string::npos) << text;
}

TEST(Inspect, KernelInspectNeverBreaksLines) {
    EXPECT_EQ(inspect(Seq(1, 40)).find('\n'), std::string::npos);
}

TEST(Inspect, DeepListsDoNotRecurseOnTheirLength) {
    Term list = Term::empty_list();
    for (int i = 0; i < 200000; ++i) list = Term::cons(I(1), list);
    InspectOptions o;
    o.limit = -1;
    EXPECT_EQ(inspect(list, o).size(), 2 + 200000 + 2 * 199999);
}

TEST(Inspect, OptionsFromKeywords) {
    InspectOptions o = inspect_options_from_keywords(
        L({KV("limit", A("infinity")), KV("width", I(40)), KV("pretty", A("true")),
           KV("label", S("x")), KV("charlists", A("as_lists")), KV("structs", A("false")),
           KV("printable_limit", I(3)), KV("base", A("hex")), KV("binaries", A("as_binaries"))}));
    EXPECT_LT(o.limit, 0);
    EXPECT_EQ(o.width, 40);
    EXPECT_TRUE(o.pretty);
    EXPECT_EQ(o.charlists, InspectOptions::Charlists::AsLists);
    EXPECT_FALSE(o.structs);
    EXPECT_EQ(o.printable_limit, 3);
    EXPECT_EQ(o.base, InspectOptions::Base::Hex);
    EXPECT_EQ(o.binaries, InspectOptions::Binaries::AsBinaries);
}

TEST(Inspect, AtomHelpers) {
    EXPECT_EQ(inspect_atom(Atom::intern("Elixir.MyApp.Worker")), "MyApp.Worker");
    EXPECT_EQ(inspect_atom_key(Atom::intern("with space")), "\"with space\"");
    EXPECT_EQ(inspect_atom_remote(Atom::intern("Foo")), "\"Foo\"");
    EXPECT_EQ(inspect_atom_remote(Atom::intern("map")), "map");
    EXPECT_EQ(inspect_module(Atom::intern("gen_server")), ":gen_server");
}

// --- String.Chars ---------------------------------------------------------------------------

// elixir -e 'IO.write(to_string(x))' for each x.
TEST(ToString, ScalarsAndChardata) {
    EXPECT_EQ(to_string(I(-12)), "-12");
    EXPECT_EQ(to_string(F(1.5)), "1.5");
    EXPECT_EQ(to_string(F(1.0e20)), "1.0e20");
    EXPECT_EQ(to_string(A("ok")), "ok");
    EXPECT_EQ(to_string(A("nil")), "");
    EXPECT_EQ(to_string(A("true")), "true");
    EXPECT_EQ(to_string(Mod("MyApp.Worker")), "Elixir.MyApp.Worker");
    EXPECT_EQ(to_string(S("héllo")), "héllo");
    EXPECT_EQ(to_string(Charlist("abc")), "abc");
    EXPECT_EQ(to_string(L({})), "");
    EXPECT_EQ(to_string(L({S("a"), L({I(98), S("c")}), I(233)})), "abcé");
    EXPECT_EQ(to_string(Improper({I(1), I(2)}, S("a"))), std::string("\x01\x02"
                                                                     "a"));
}

std::string raised_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const ErlangException& e) {
        EXPECT_EQ(e.kind(), atom::error);
        const Term* message = e.reason().map_find(A("message"));
        const Term* s = e.reason().map_find(A("__struct__"));
        std::string name = s ? std::string(s->as_atom().name()) : "?";
        return name + ": " + (message ? std::string(message->binary_view()) : inspect(e.reason()));
    }
    return "no exception";
}

// elixir -e 'try do to_string(x) rescue e -> IO.inspect(e) end'
TEST(ToString, RaisesProtocolUndefinedError) {
    try {
        to_string(T({I(1)}));
        FAIL();
    } catch (const ErlangException& e) {
        EXPECT_EQ(
            inspect(e.reason()),
            "%Protocol.UndefinedError{protocol: String.Chars, value: {1}, description: \"\"}");
    }
    EXPECT_FALSE(try_to_string(M({})).has_value());
    EXPECT_FALSE(try_to_string(P(1)).has_value());
}

// elixir -e 'try do to_string([1, :a]) rescue e -> IO.write(e.message) end'
TEST(ToString, RaisesArgumentErrorForNonChardata) {
    EXPECT_EQ(
        raised_message([] {
            to_string(L({I(1), A("a")}));
        }),
        "Elixir.ArgumentError: cannot convert the given list to a string.\n\n"
        "To be converted to a string, a list must either be empty or only\n"
        "contain the following elements:\n\n"
        "  * strings\n"
        "  * integers representing Unicode code points\n"
        "  * a list containing one of these three elements\n\n"
        "Please check the given list or call inspect/1 to get the list representation, got:\n\n"
        "[1, :a]\n");
}

}  // namespace
}  // namespace tasklens
