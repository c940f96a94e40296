// Compile-time refusals: unsupported constructs are reported with file:line:col and a caret
// before anything runs.
#include <gtest/gtest.h>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

TEST(VmCompiler, RefusesSandboxedCallsBeforeRunning) {
    RunOutput r = run_source("IO.puts(\"never\")\nFile.read(\"/etc/passwd\")\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("test.exs:2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("File.read/1 is not available: scenarios are sandboxed (no file, network "
                         "or OS access)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
}

TEST(VmCompiler, RefusesMacros) {
    RunOutput r = run_source("defmodule M do\n  defmacro m(x), do: x\nend\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("test.exs:2:3: error: Tasklens does not support defmacro yet (see "
                         "docs/scenario-language.md)"),
              std::string::npos)
        << r.err;
}

TEST(VmCompiler, UndefinedFunction) {
    RunOutput r = run_source("IO.puts(\"x\")\nfoo(1)\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("undefined function foo/1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tasklens::script::test
