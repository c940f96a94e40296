// The run-wide part of :rand (stdlib/rand.cpp).
#pragma once

#include <cstdint>

namespace tasklens {
class Runtime;
}

namespace tasklens::script::stdlib {

/// Moves where the seeds of processes that draw without calling :rand.seed start (`tasklens run
/// --seed`); 0 is the default run. Call before the scenario runs.
void set_run_seed(Runtime& runtime, uint64_t seed);

}  // namespace tasklens::script::stdlib
