target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/parser_bench.cpp)
