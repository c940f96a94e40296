#pragma once
// `tasklens run --dump-bytecode x.exs`: the compiled scenario as readable text, one function
// after another, so the compiler can be read from its output.
#include <cstddef>
#include <ostream>
#include <string>

#include "engine/script/bytecode.h"

namespace tasklens::script {

/// The functions of `program` from index `first_function` on (the prelude's come first).
std::string disassemble(const Program& program, size_t first_function = 0);

/// Compiles the scenario at `path` and writes its disassembly (not the prelude's) to `out`.
/// Diagnostics go to `err`. Returns 0, or 1 when the file cannot be read or does not compile.
int dump_bytecode(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace tasklens::script
