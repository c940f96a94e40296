# Benchmarks of the scenario VM (engine/script): fib(25) as a module function, message loops.
target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/script_bench.cpp)
