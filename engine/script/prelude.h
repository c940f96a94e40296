#pragma once
// The prelude: library code written in the scenario language (prelude/*.exs), embedded at build
// time by engine/script/CMakeLists.txt.
#include <cstddef>

namespace tasklens::script {

struct PreludeSource {
    const char* name;
    const char* text;
};
extern const PreludeSource kPreludeSources[];
extern const size_t kPreludeSourceCount;

}  // namespace tasklens::script
