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

/// prelude/using/NAME.exs: definitions injected into a module (`use GenServer` -> "GenServer",
/// `defstruct` -> "defstruct", ...), by file name without extension.
extern const PreludeSource kUsingTemplates[];
extern const size_t kUsingTemplateCount;

}  // namespace tasklens::script
