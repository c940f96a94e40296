#include "vm_test_support.h"

#include <sstream>

#include "engine/script/scenario_runner.h"

namespace tasklens::script::test {

namespace {
RunOutput run_with(const std::string& source, int schedulers, bool as_cli) {
    std::ostringstream out, err;
    ScenarioOptions options;
    options.elixir_pids = as_cli;
    options.compile_warnings = as_cli;
    options.schedulers = schedulers;
    options.out = &out;
    options.err = &err;
    RunOutput r;
    r.status = run_scenario_source("test.exs", source, options);
    r.out = out.str();
    r.err = err.str();
    return r;
}
}  // namespace

RunOutput run_source(const std::string& source, int schedulers) {
    return run_with(source, schedulers, false);
}
RunOutput run_source_as_cli(const std::string& source, int schedulers) {
    return run_with(source, schedulers, true);
}

}  // namespace tasklens::script::test
