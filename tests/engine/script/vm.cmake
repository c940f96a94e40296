# Tests of the scenario VM (compiler, VM, core library, runner). Included from CMakeLists.txt.
tasklens_add_test(test_vm
    SOURCES
        ${CMAKE_CURRENT_LIST_DIR}/vm_test_support.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_language_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_numbers_binaries_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_process_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_otp_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/compiler_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_protocols_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/vm_superinstructions_test.cpp

        ${CMAKE_CURRENT_LIST_DIR}/run_limits_test.cpp)

# A minimal `tasklens run` for check.sh while the app's subcommand is not available:
#   tasklens-vm-run [--schedulers N] scenario.exs
add_executable(tasklens-vm-run ${CMAKE_CURRENT_LIST_DIR}/vm_run_main.cpp)
target_link_libraries(tasklens-vm-run PRIVATE tasklens::engine tasklens_warnings)
