# Tests of engine/runtime/inspect and format_error. Included from tests/engine/runtime/CMakeLists.txt.
tasklens_add_test(test_inspect
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/inspect_test.cpp
            ${CMAKE_CURRENT_LIST_DIR}/format_error_test.cpp)
