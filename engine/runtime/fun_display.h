#pragma once
// How `inspect` names the file of a scenario's top-level fn. Elixir 1.14 prints a fun defined in
// a script's top-level code (module :elixir_compiler_N) as `#Function<0.59412566 in file:x.exs>`,
// the path as the script was given (its __RELATIVE__).
#include <string>

namespace tasklens {

/// The path shown for top-level fns from now on (set when a scenario is compiled; empty: the
/// fun is shown as any other, `in :elixir_compiler_0.__FILE__/1`).
void set_script_display_path(std::string path);

}  // namespace tasklens
