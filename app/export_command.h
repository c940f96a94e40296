#pragma once
// `tasklens export TRACE.jsonl [image and data options]`: renders a recorded trace headless.
#include <QStringList>

namespace tasklens::app {

/// `args` is the whole command line: the program, "export", then its arguments. Returns the process
/// exit status (0 ok, 1 a file failed, 2 bad arguments or an unreadable trace).
int runExportCommand(const QStringList& args);

}  // namespace tasklens::app
