#pragma once
// Reads the Elixir term syntax that `inspect(term, structs: false, charlists: :as_lists)` prints,
// plus calls (`String.split("a b")`, `:lists.seq(1, 3)`) and ~r sigils, which it evaluates
// through a BuiltinTable. Test-only: the expected values of the stdlib tests are Elixir's own
// inspect output.
#include <string>
#include <string_view>

#include "engine/script/builtins.h"

namespace tasklens::script::testing {

/// A stand-in context for calling pure builtins outside a process (they never use it).
ProcessContext& no_context();

class TermReader {
  public:
    TermReader(std::string_view text, const BuiltinTable& table) : text_(text), table_(table) {}
    /// Reads one term; throws std::runtime_error on a syntax error or an unknown builtin.
    Term read();
    /// Reads the whole text as one term.
    Term read_all();

  private:
    void skip_space();
    bool peek(std::string_view s);
    bool accept(std::string_view s);
    void expect(std::string_view s);
    [[noreturn]] void fail(std::string_view what);
    Term read_number();
    std::string read_string_body(char quote);
    Term read_sequence(char close, bool allow_keyword_tail);
    Term read_map_body();
    Term call(std::string_view module, std::string_view function);
    std::string read_identifier();
    Term read_primary();

    std::string_view text_;
    size_t pos_ = 0;
    const BuiltinTable& table_;
};

}  // namespace tasklens::script::testing
