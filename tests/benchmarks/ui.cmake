# Benchmarks of the Qt front end: painting the timeline offscreen, and the scale budgets on the
# real MainWindow (scale_bench.cpp).
if(TARGET tasklens_ui)
    find_package(Qt6 REQUIRED COMPONENTS Test)
    target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ui_bench.cpp
                                          ${CMAKE_CURRENT_LIST_DIR}/scale_bench.cpp)
    target_link_libraries(tasklens-bench PRIVATE tasklens::ui Qt6::Test)
endif()
if(TARGET tasklens_ui)
    # The live-frame benchmark runs tests/benchmarks/scenarios/tasks_100k.exs from the tree.
    set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/scale_bench.cpp PROPERTIES
        COMPILE_DEFINITIONS "TASKLENS_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
endif()
