#include "engine/runtime/format_error.h"

#include <gtest/gtest.h>

#include "tests/engine/runtime/term_builders.h"

namespace tasklens {
namespace {
using namespace tasklens::test;

TEST(FormatError, Smoke) { EXPECT_EQ(format_exit(A("timeout")), "time out"); }

}  // namespace
}  // namespace tasklens
