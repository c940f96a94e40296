# Benchmarks of engine/otp (Task, Task.Supervisor, Supervisor), side by side with
# /work/shared/perf/beam_baseline.exs.
target_sources(tasklens-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/otp_bench.cpp)
