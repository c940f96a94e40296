#pragma once
// Helpers for the VM tests: run a scenario from source text and capture stdout, stderr, status.
#include <string>

namespace tasklens::script::test {

struct RunOutput {
    int status = 0;
    std::string out;
    std::string err;
};

/// Runs `source` as scenario "test.exs" with `schedulers` virtual schedulers.
RunOutput run_source(const std::string& source, int schedulers = 2);
/// The same as `tasklens run` runs it: Elixir's pid numbering and compile-time warnings.
RunOutput run_source_as_cli(const std::string& source, int schedulers = 2);

}  // namespace tasklens::script::test
