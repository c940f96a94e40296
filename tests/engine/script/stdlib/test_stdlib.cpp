// Table-driven tests of the pure standard library against Elixir 1.14.
//
// cases.txt holds one call per line; expected.txt is produced from it by Elixir itself:
//   cd tests/engine/script/stdlib && elixir gen_expected.exs cases.txt expected.txt
// Each line of expected.txt is "call<TAB>ok|raise<TAB>inspect(result or exception struct)".
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/runtime/inspect.h"
#include "engine/script/builtins.h"
#include "engine/script/stdlib/support.h"
#include "term_reader.h"

namespace tasklens::script {
namespace {

const BuiltinTable& table() {
    static const BuiltinTable instance = [] {
        BuiltinTable t;
        register_pure_stdlib(t);
        return t;
    }();
    return instance;
}

struct Case {
    std::string call, kind, expected;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.call;
}

std::vector<Case> load_cases() {
    std::vector<Case> cases;
    std::ifstream in(TASKLENS_STDLIB_EXPECTED);
    std::string line;
    while (std::getline(in, line)) {
        size_t a = line.find('\t');
        size_t b = line.find('\t', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        cases.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return cases;
}

std::string describe(const Term& t);

std::string describe_list(const Term& t) {
    std::string out = "[";
    const Term* cur = &t;
    bool first = true;
    while (cur->is_cons()) {
        if (!first) out += ", ";
        first = false;
        out += describe(cur->head());
        cur = &cur->tail();
    }
    if (!cur->is_empty_list()) out += " | " + describe(*cur);
    return out + "]";
}

/// A rough inspect for failure messages.
std::string describe(const Term& t) {
    switch (t.type()) {
        case TermType::Integer:
            return std::to_string(t.as_integer());
        case TermType::Float:
            return stdlib::format_float(t.as_float());
        case TermType::Atom:
            return ":" + std::string(t.as_atom().name());
        case TermType::Binary:
            return "\"" + std::string(t.binary_view()) + "\"";
        case TermType::Nil:
        case TermType::List:
            return describe_list(t);
        case TermType::Tuple: {
            std::string out = "{";
            for (size_t i = 0; i < t.tuple_size(); ++i)
                out += (i ? ", " : "") + describe(t.element(i));
            return out + "}";
        }
        case TermType::Map: {
            std::string out = "%{";
            bool first = true;
            for (const auto& [k, v] : t.map_object()) {
                out += (first ? "" : ", ") + describe(k) + " => " + describe(v);
                first = false;
            }
            return out + "}";
        }
        default:
            return "<term>";
    }
}

class StdlibCase : public ::testing::TestWithParam<Case> {};

TEST_P(StdlibCase, MatchesElixir) {
    const Case& c = GetParam();
    Term expected = testing::TermReader(c.expected, table()).read_all();
    std::string actual_kind;
    Term actual;
    try {
        actual = testing::TermReader(c.call, table()).read_all();
        actual_kind = "ok";
    } catch (const ErlangException& e) {
        actual = e.reason();
        actual_kind = "raise";
    }
    EXPECT_EQ(actual_kind, c.kind)
        << c.call << "\n  got: " << describe(actual) << "\n  want: " << c.expected;
    EXPECT_TRUE(exact_equal(actual, expected))
        << c.call << "\n  got: " << describe(actual) << "\n  want: " << c.expected;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string name = std::to_string(info.index) + "_";
    for (char ch : info.param.call.substr(0, info.param.call.find('(')))
        name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Elixir114, StdlibCase, ::testing::ValuesIn(load_cases()), case_name);

TEST(StdlibRegistration, EveryModuleIsRegistered) {
    for (const char* module :
         {"Elixir.String", "Elixir.Map", "Elixir.Keyword", "Elixir.List", "Elixir.Integer",
          "Elixir.Float", "Elixir.Tuple", "Elixir.Atom", "Elixir.Regex", "Elixir.MapSet",
          "Elixir.Access", "erlang", "lists", "maps", "binary"})
        EXPECT_TRUE(table().has_module(Atom::intern(module))) << module;
}

TEST(StdlibIntegers, PowGrowsIntoABignum) {
    const auto* pow = table().find(Atom::intern("Elixir.Integer"), Atom::intern("pow"), 2);
    ASSERT_NE(pow, nullptr);
    Term args[] = {Term::integer(2), Term::integer(64)};
    Term r = pow->sync(testing::no_context(), std::span<const Term>(args, 2));
    EXPECT_TRUE(r.is_bignum());
    EXPECT_EQ(inspect(r), "18446744073709551616");
    Term back[] = {Term::integer(-2), Term::integer(63)};
    Term small = pow->sync(testing::no_context(), std::span<const Term>(back, 2));
    ASSERT_TRUE(small.is_integer());  // back in int64 range: small again
    EXPECT_EQ(small.as_integer(), INT64_MIN);
}

// Regex runs on PCRE2: the PCRE syntax std::regex could not run (Unicode properties, lookbehind,
// possessive quantifiers, atomic groups, inline flags) compiles and matches.
TEST(StdlibRegex, PcreSyntaxCompilesAndMatches) {
    const auto* compile = table().find(Atom::intern("Elixir.Regex"), Atom::intern("compile!"), 2);
    const auto* match = table().find(Atom::intern("Elixir.Regex"), Atom::intern("match?"), 2);
    ASSERT_NE(compile, nullptr);
    ASSERT_NE(match, nullptr);
    struct Case {
        const char* pattern;
        const char* subject;
        bool matches;
    };
    for (const Case& c :
         {Case{"^[\\p{L}']+$", "l'\xC3\xA9t\xC3\xA9", true}, Case{"(?<=a)b", "ab", true},
          Case{"(?<=a)b", "cb", false}, Case{"a++a", "aaa", false}, Case{"(?>a+)b", "aab", true},
          Case{"(?i)x", "X", true}, Case{"^.$", "\xC3\xA9", true}}) {
        Term args[] = {Term::binary(c.pattern), Term::binary("u")};
        Term regex = compile->sync(testing::no_context(), std::span<const Term>(args, 2));
        Term match_args[] = {regex, Term::binary(c.subject)};
        Term result = match->sync(testing::no_context(), std::span<const Term>(match_args, 2));
        EXPECT_TRUE(result.is_atom(c.matches ? atom::true_ : atom::false_)) << c.pattern;
    }
}

}  // namespace
}  // namespace tasklens::script
