// Parser of scenario scripts: source text -> Ast, or diagnostics.
#pragma once

#include <memory>
#include <vector>

#include "engine/script/ast.h"
#include "engine/script/source.h"

namespace tasklens::script {

struct ParseOptions {
    // Nesting deeper than this is refused with a diagnostic instead of exhausting the stack.
    std::uint32_t max_depth = 1000;
};

struct ParseResult {
    // Null when parsing failed; then `diagnostics` holds at least one error.
    std::unique_ptr<Ast> ast;
    std::vector<Diagnostic> diagnostics;

    bool ok() const { return ast != nullptr && diagnostics.empty(); }
};

// Lexes and parses a whole file. Stops at the first error (like Elixir). Never throws for
// bad input, runs in linear time and bounded stack depth.
ParseResult parse(const SourceFile& file, const ParseOptions& options = {});

}  // namespace tasklens::script
