# Benchmarks of the Qt front end: painting the timeline offscreen.
if(TARGET tasklens_ui)
    target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ui_bench.cpp)
    target_link_libraries(tasklens-bench PRIVATE tasklens::ui)
endif()
