# Benchmarks of engine/trace.
target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/trace_bench.cpp)
