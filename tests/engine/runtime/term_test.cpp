#include "engine/runtime/term.h"
#include <gtest/gtest.h>
TEST(Term, Placeholder) {
    EXPECT_TRUE(tasklens::Term::integer(1).is_integer());
}
