#include "ui/scenario_launcher.h"

#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "engine/trace/trace_model.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <memory>
#include <sstream>
#include <thread>

#include "ui/main_window.h"

namespace tasklens::ui {
void connectScenarioRunner(MainWindow& window) {
    QObject::connect(&window, &MainWindow::runScenarioRequested, &window,
                     [target = QPointer<MainWindow>(&window)](const QString& source, const QString& name) {
                         std::thread([target, source = source.toStdString(), name = name.toStdString()] {
                             trace::EventLog log;
                             std::ostringstream out;
                             std::ostringstream err;
                             script::ScenarioOptions options;
                             options.events = &log;
                             options.out = &out;
                             options.err = &err;
                             const int status = script::run_scenario_source(name, source, options);
                             trace::RunInfo info;
                             info.scenario = name;
                             auto model = std::make_shared<const trace::TraceModel>(log.events(), info);
                             const QString title = QString::fromStdString(name) +
                                                   (status == 0 ? QString() : QStringLiteral(" (exited with status 1)"));
                             const QString errors = QString::fromStdString(err.str());
                             // Back on the GUI thread; the window may have closed meanwhile.
                             QMetaObject::invokeMethod(
                                 QCoreApplication::instance(),
                                 [target, model, title, errors] {
                                     if (!target) return;
                                     target->setTrace(model, title);
                                     if (!errors.isEmpty()) target->showRunErrors(errors);
                                 },
                                 Qt::QueuedConnection);
                         }).detach();
                     });
}

}  // namespace tasklens::ui
