// libFuzzer entry point: lex and parse arbitrary bytes, print the AST and any diagnostic.
// Any crash, sanitizer report, timeout or out-of-memory is a bug of the front end.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/script/lexer.h"
#include "engine/script/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tasklens::script;
    SourceFiles files;
    const SourceFile& file =
        files.add("fuzz.exs", std::string(reinterpret_cast<const char*>(data), size));
    ParseResult result = parse(file);
    if (result.ok()) {
        // Walk the whole tree through the printer (recursion bounded by the depth cap).
        std::string printed = to_sexpr(*result.ast->root());
        if (printed.empty()) __builtin_trap();
    } else {
        if (result.diagnostics.empty()) __builtin_trap();
        std::string text = format_diagnostic(result.diagnostics.front(), file);
        if (text.empty()) __builtin_trap();
    }
    return 0;
}
