// Records what the figures depend on next to them, so a saved benchmark run can be compared
// with a BEAM run on the same machine.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>

namespace {

const bool context_registered = [] {
    benchmark::AddCustomContext("hardware_threads", std::to_string(std::thread::hardware_concurrency()));
#ifdef NDEBUG
    benchmark::AddCustomContext("tasklens_assertions", "off");
#else
    benchmark::AddCustomContext("tasklens_assertions", "on");
#endif
    return true;
}();

}  // namespace
