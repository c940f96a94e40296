#pragma once
// Helpers shared by the GUI tests: wait on the Qt event loop for a condition.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <functional>

namespace tasklens::ui::testing {

/// Processes GUI events until `done` holds. The generous limit only keeps a broken run from
/// hanging the suite; nothing here measures how long anything takes.
inline bool waitFor(const std::function<bool()>& done, int limit_ms = 60'000) {
    QDeadlineTimer limit(limit_ms);
    while (!done()) {
        if (limit.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

}  // namespace tasklens::ui::testing
