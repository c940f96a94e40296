// Every item model under QAbstractItemModelTester (style.md 9), on the sample trace.
#include <gtest/gtest.h>
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>

#include "ui/models.h"
#include "ui/sample_trace.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {
namespace {

std::shared_ptr<const trace::TraceModel> sampleModel() {
    return std::make_shared<trace::TraceModel>(sampleTaskSupervisorTrace(),
                                               trace::RunInfo{"sample", 2});
}

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

TEST(Models, ProcessListModelPassesTheTester) {
    ProcessListModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setTrace(trace);
    ASSERT_EQ(model.rowCount(), int(trace->process_count()));
    model.setCursorUs(150'000);
    const int row = model.rowOf(Pid{0, 101});
    ASSERT_GE(row, 0);
    EXPECT_EQ(model.index(row, ProcessListModel::NameColumn).data().toString(),
              "MyApp.TaskSupervisor");
    EXPECT_EQ(Pid::from_packed(model.index(row, 0).data(PidRole).toULongLong()), (Pid{0, 101}));
    EXPECT_TRUE(model.index(row, 0).data(AliveRole).toBool());
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxy_tester(&proxy, kFatal);
    proxy.setSourceModel(&model);
    proxy.setSortRole(SortRole);
    proxy.sort(ProcessListModel::SpawnColumn);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterFixedString(QStringLiteral("fetch :orders"));
    EXPECT_EQ(proxy.rowCount(), 1);
    model.setTrace(nullptr);
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(Models, EventLogModelPassesTheTester) {
    EventLogModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setTrace(trace);
    EXPECT_EQ(model.rowCount(), int(trace->event_count()));
    const int row = model.rowAtTime(150'000);
    EXPECT_GE(model.index(row, 0).data(TimeRole).toLongLong(), 150'000);
    EXPECT_FALSE(model.index(0, EventLogModel::KindColumn).data().toString().isEmpty());
}

TEST(Models, SupervisionTreeModelPassesTheTester) {
    SupervisionTreeModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = sampleModel();
    model.setSnapshot(buildTreeSnapshot(*trace, 1'500'000));
    ASSERT_EQ(model.rowCount(), 1);  // the script is the only root
    const QModelIndex root = model.index(0, 0);
    EXPECT_EQ(root.data().toString(), "elixir scenario.exs");
    EXPECT_GE(model.rowCount(root), 2);
    // Walk down to the Task.Supervisor and its (dead) tasks.
    bool found_dead_task = false;
    for (int r = 0; r < model.rowCount(root); ++r) {
        const QModelIndex child = model.index(r, 0, root);
        for (int k = 0; k < model.rowCount(child); ++k)
            if (!model.index(k, 0, child).data(AliveRole).toBool()) found_dead_task = true;
        EXPECT_EQ(model.parent(child), root);
    }
    EXPECT_TRUE(found_dead_task);
    model.setSnapshot({});
    EXPECT_EQ(model.rowCount(), 0);
}

}  // namespace
}  // namespace tasklens::ui
