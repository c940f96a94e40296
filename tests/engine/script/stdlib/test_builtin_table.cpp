// Each builtin has exactly one implementation: registering a function twice is an error, and no
// builtin shadows an OTP native of engine/otp (apply/3 would find the native, a direct call the
// builtin).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "engine/otp/otp.h"
#include "engine/script/builtins.h"

namespace tasklens::script {
namespace {

Term return_nil(ProcessContext&, std::span<const Term>) {
    return Term::nil();
}

TEST(BuiltinTable, EveryBuiltinIsRegisteredOnce) {
    EXPECT_NO_THROW(builtins());
    EXPECT_GT(builtins().names().size(), 500u);
}

TEST(BuiltinTable, ASecondRegistrationOfAFunctionIsAnError) {
    BuiltinTable table;
    table.add("erlang", "tasklens_test_fn", 1, return_nil);
    EXPECT_THROW(table.add("erlang", "tasklens_test_fn", 1, return_nil), std::logic_error);
    EXPECT_NO_THROW(table.add("erlang", "tasklens_test_fn", 2, return_nil));
}

TEST(BuiltinTable, NoBuiltinShadowsAnOtpNative) {
    CodeRegistry natives;
    otp::register_otp(natives);
    std::string shadowed;
    for (const BuiltinTable::Name& n : builtins().names())
        if (natives.is_defined(n.module, n.function, n.arity))
            shadowed += std::string(n.module.name()) + "." + std::string(n.function.name()) + "/" +
                        std::to_string(n.arity) + " ";
    EXPECT_EQ(shadowed, "");
}

}  // namespace
}  // namespace tasklens::script
