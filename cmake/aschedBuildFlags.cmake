# Compiler flags for asched's own targets (the library, the command, tests, examples, benchmarks); never for
# dependencies, whose imported include directories are SYSTEM and so stay quiet.

set(ASCHED_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)

# asched_target_flags(<target>): warnings always, -Werror when ASCHED_WERROR is ON.
function(asched_target_flags target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${ASCHED_WERROR}>:-Werror>)
    elseif(MSVC)
        target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${ASCHED_WERROR}>:/WX>)
    endif()
endfunction()
