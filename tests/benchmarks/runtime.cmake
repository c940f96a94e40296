# Runtime benchmarks (engine/runtime): spawn/exit/DOWN, round trip, ring, idle process memory.
target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/runtime_bench.cpp)
