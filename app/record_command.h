#pragma once
// `tasklens record app.exs [--trace out.jsonl]`: runs a script under the real `elixir` with the
// Tasklens tracer loaded (resources/tracer) and writes a Tasklens trace of the run.
#include <QStringList>

namespace tasklens::app {

/// `args`: the program, "record", then its arguments. Returns elixir's exit status, or 2 on bad
/// arguments and 127 when no `elixir` command is found.
int runRecordCommand(const QStringList& args);

}  // namespace tasklens::app
