#pragma once
// Runs the scenario the gallery/editor asks for on a worker thread and shows its trace.
namespace tasklens::ui {

class MainWindow;

/// Connects MainWindow::runScenarioRequested to the engine. Each request runs to completion on
/// its own thread (the GUI stays responsive) and the finished trace replaces the window's.
void connectScenarioRunner(MainWindow& window);

}  // namespace tasklens::ui
