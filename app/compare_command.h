#pragma once
// `tasklens compare A.jsonl B.jsonl`: are two traces of the same program structurally equal?
#include <QStringList>

namespace tasklens::app {

/// `args`: the program, "compare", then its arguments. Exit status 0 when the traces are
/// structurally equal, 1 when they differ, 2 on bad arguments or an unreadable trace.
int runCompareCommand(const QStringList& args);

}  // namespace tasklens::app
