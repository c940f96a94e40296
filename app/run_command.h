#pragma once
// `tasklens run scenario.exs [--schedulers N] [--trace out.jsonl] [image and data options]`:
// runs a scenario headless. Stdout carries the scenario's output only, exactly as
// `elixir scenario.exs` prints it; the exit status is the scenario's (0, or 1 when it crashed or
// did not compile), or 2 for bad arguments.
//
// `tasklens demo [--out DIR] [NAME]`: runs a built-in demo scenario headless and writes its
// trace, timeline, tree and lineage images into DIR.

namespace tasklens::app {

/// Creates its own QCoreApplication, or an offscreen QGuiApplication when images are requested,
/// so a plain run never touches a display.
int runRunCommand(int argc, char** argv);
int runDemoCommand(int argc, char** argv);

}  // namespace tasklens::app
