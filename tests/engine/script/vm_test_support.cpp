#include "vm_test_support.h"

#include <sstream>

#include "engine/script/scenario_runner.h"

namespace tasklens::script::test {

RunOutput run_source(const std::string& source, int schedulers) {
    std::ostringstream out, err;
    ScenarioOptions options;
    options.schedulers = schedulers;
    options.out = &out;
    options.err = &err;
    RunOutput r;
    r.status = run_scenario_source("test.exs", source, options);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace tasklens::script::test
