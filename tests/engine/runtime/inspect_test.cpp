#include "engine/runtime/inspect.h"

#include <gtest/gtest.h>

#include "tests/engine/runtime/term_builders.h"

namespace tasklens {
namespace {
using namespace tasklens::test;

TEST(Inspect, Smoke) { EXPECT_EQ(inspect(I(1)), "1"); }

}  // namespace
}  // namespace tasklens
