# Warnings live on a private INTERFACE target so that consumers of our libraries never inherit them.
add_library(tasklens_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(tasklens_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                                                       -Wnon-virtual-dtor -Wno-missing-field-initializers)
    if(TASKLENS_WERROR)
        target_compile_options(tasklens_warnings INTERFACE -Werror)
    endif()
endif()
