// libFuzzer entry point: arbitrary bytes as a trace file, JSONL or binary (the first byte picks
// the reader; the corpus has seeds of both). The reader must stop at the first bad line or record
// with a located error (never throw, crash or hang); the streaming loader must keep exactly the
// events the reader kept; whatever was read must build a trace model, and the engine's exporters
// (Chrome trace, supervision DOT) must render that model.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "engine/trace/exporters.h"
#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tasklens::trace;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    TraceFile file = read_trace(in, "fuzz.jsonl");
    if (file.error && file.error->what().empty()) __builtin_trap();
    {
        std::istringstream again(std::string(reinterpret_cast<const char*>(data), size));
        TraceLoadOptions options;
        options.memory_budget_bytes = uint64_t{1} << 40;  // not the machine's: the same every run
        const LoadedTrace loaded = load_trace(again, "fuzz.jsonl", size, options);
        if (loaded.model.event_count() != file.events.size()) __builtin_trap();
    }
    if (file.events.empty()) return 0;
    const TraceModel model(file.events, file.run);
    std::ostringstream chrome, dot;
    write_chrome_trace(chrome, model);
    write_supervision_dot(dot, model, model.end_time());
    write_supervision_dot(dot, model, model.end_time() / 2);
    if (chrome.str().empty()) __builtin_trap();
    return 0;
}
