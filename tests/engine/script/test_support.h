// Helpers shared by the script front-end tests.
#pragma once

#include <string>
#include <string_view>

#include "engine/script/parser.h"

namespace tasklens::script::test {

// Parses `text` and returns the S-expression of every top-level expression, separated by
// newlines, or "error L:C: message" for a failed parse.
inline std::string parse_to_sexpr(std::string_view text) {
    SourceFiles files;
    const SourceFile& file = files.add("test.exs", std::string(text));
    ParseResult result = parse(file);
    if (!result.ok()) {
        const Diagnostic& d = result.diagnostics.front();
        return "error " + std::to_string(d.location.line) + ":" +
               std::to_string(d.location.column) + ": " + d.message;
    }
    std::string out;
    for (const Node* statement : result.ast->root()->children) {
        if (!out.empty()) out += '\n';
        out += to_sexpr(*statement);
    }
    return out;
}

}  // namespace tasklens::script::test
