// Terms typed as Elixir in the kill / send dialogs.
#include "ui/term_input.h"

#include <gtest/gtest.h>

#include "engine/runtime/inspect.h"

namespace tasklens::ui {
namespace {

std::string roundTrip(std::string_view text) {
    std::string error;
    const auto term = readTerm(text, &error);
    if (!term) return "error: " + error;
    return inspect(*term);
}

TEST(TermInput, ReadsLiteralTerms) {
    EXPECT_EQ(roundTrip(":kill"), ":kill");
    EXPECT_EQ(roundTrip("{:shutdown, :restart}"), "{:shutdown, :restart}");
    EXPECT_EQ(roundTrip("[1, -2, 3.5, \"x\"]"), "[1, -2, 3.5, \"x\"]");
    EXPECT_EQ(roundTrip("[a: 1, b: nil]"), "[a: 1, b: nil]");
    EXPECT_EQ(roundTrip("%{\"k\" => true}"), "%{\"k\" => true}");
    EXPECT_EQ(roundTrip("MyApp.Worker"), "MyApp.Worker");
    EXPECT_EQ(roundTrip("[1 | 2]"), "[1 | 2]");
    EXPECT_EQ(roundTrip("pid(\"0.5.0\")"), "#PID<0.5.0>");
    EXPECT_EQ(roundTrip("pid(0, 7, 0)"), "#PID<0.7.0>");
    EXPECT_EQ(roundTrip("'ab'"), "'ab'");
}

TEST(TermInput, RefusesWhatIsNotALiteralWithAReason) {
    for (const char* bad :
         {"", "{:a,", "foo()", "x", "1 + 2", "fn -> 1 end", "pid(\"0.x.0\")", ":a :b"}) {
        std::string error;
        EXPECT_FALSE(readTerm(bad, &error).has_value()) << bad;
        EXPECT_FALSE(error.empty()) << bad;
        EXPECT_FALSE(validateTerm(bad).empty()) << bad;
    }
    EXPECT_TRUE(validateTerm("{:ok, [1, 2]}").empty());
}

}  // namespace
}  // namespace tasklens::ui
