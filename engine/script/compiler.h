#pragma once
// Compiler of scenario scripts: AST -> register bytecode (bytecode.h).
//
// One Program holds the prelude (library code written in the scenario language) and the
// scenario. Constructs outside the documented subset are refused before anything runs, with a
// diagnostic `file:line:col: error: Tasklens does not support NAME yet (see
// docs/scenario-language.md)`; sandboxed calls with `NAME is not available: scenarios are
// sandboxed (...)`.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/script/ast.h"
#include "engine/script/bytecode.h"
#include "engine/script/source.h"

namespace tasklens::script {

struct CompileOptions {
    /// The scenario's top-level code becomes Program::main (false for the prelude).
    bool is_main = true;
    /// Check that every unqualified call resolves (Kernel, imports, locals) at compile time.
    bool check_calls = true;
    /// Whether the runtime's code registry defines module.function/arity (the OTP natives).
    /// When set, a call to a function that exists in Elixir/OTP but that nothing in Tasklens
    /// implements is refused: "Tasklens does not support :crypto.hash/2 yet (...)".
    std::function<bool(Atom module, Atom function, int arity)> native_defined;
    /// Where Elixir's compile-time warnings go (`warning: variable "x" is unused ...`, each
    /// ending in a blank line, in the order Elixir prints them); nullptr: not collected.
    std::vector<std::string>* warnings = nullptr;
};

/// Compiles one parsed file into `program`. Returns false (with diagnostics) on refusal.
/// `files` must outlive the program's use of diagnostics; snippets injected by `use` are added
/// to it.
bool compile_file(Program& program, SourceFiles& files, const SourceFile& file, const Ast& ast,
                  const CompileOptions& options, std::vector<Diagnostic>& diagnostics);

/// Parses and compiles the embedded prelude (prelude/*.exs) into `program`. Throws
/// std::runtime_error with the diagnostics if the prelude itself does not compile.
void load_prelude(Program& program, SourceFiles& files);

/// Parses and compiles a scenario: prelude + file. On failure returns nullptr and fills
/// `diagnostics` (formatted with format_diagnostic against `files`).
std::shared_ptr<Program> compile_scenario(
    SourceFiles& files, const SourceFile& file, std::vector<Diagnostic>& diagnostics,
    std::function<bool(Atom module, Atom function, int arity)> native_defined = {},
    std::vector<std::string>* warnings = nullptr);

}  // namespace tasklens::script
