# Benchmarks of the Qt front end: painting the timeline offscreen, and the scale budgets on the
# real MainWindow (scale_bench.cpp).
if(TARGET tasklens_ui)
    find_package(Qt6 REQUIRED COMPONENTS Test)
    target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ui_bench.cpp
                                          ${CMAKE_CURRENT_LIST_DIR}/scale_bench.cpp)
    target_link_libraries(tasklens-bench PRIVATE tasklens::ui Qt6::Test)
endif()
