#pragma once
// Opening a trace file in the window: streamed straight into a model (trace::load_trace_file),
// with a progress dialog that appears when the load takes a moment and can cancel it.
#include <QString>

#include "engine/trace/trace_file.h"

class QWidget;

namespace tasklens::ui {

struct TraceLoadResult {
    trace::LoadedTrace loaded;
    bool cancelled = false;  ///< the user pressed Cancel (loaded.error says so too)
};

/// Loads `path` on the calling (GUI) thread, keeping the window responsive: a modal progress
/// dialog over `parent` shows the bytes read once the load has taken more than `show_after_ms`.
TraceLoadResult loadTraceWithProgress(const QString& path, QWidget* parent,
                                      int show_after_ms = 400);

}  // namespace tasklens::ui
