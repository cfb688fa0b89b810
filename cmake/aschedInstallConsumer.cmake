# The install_consumer test (cmake -P): installs asched from ASCHED_BINARY_DIR into PREFIX, then configures, builds
# and runs the project in CONSUMER_SOURCE_DIR, which must find it with find_package(asched CONFIG REQUIRED).
# Set by tests/CMakeLists.txt: ASCHED_BINARY_DIR PREFIX LIBDIR CONSUMER_SOURCE_DIR CONSUMER_BINARY_DIR GENERATOR
# MAKE_PROGRAM CXX_COMPILER CXX_COMPILER_LAUNCHER BUILD_TYPE CXX_FLAGS LINK_FLAGS EXPECT_TOOL

function(run_step what)
    message(STATUS "install_consumer: ${what}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "install_consumer: ${what} failed (${rc})")
    endif()
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BINARY_DIR}")

run_step("install into ${PREFIX}" "${CMAKE_COMMAND}" --install "${ASCHED_BINARY_DIR}" --prefix "${PREFIX}")

set(package_dir "${PREFIX}/${LIBDIR}/cmake/asched")
foreach(f "${PREFIX}/include/asched/version.hpp" "${package_dir}/aschedConfig.cmake"
          "${package_dir}/aschedConfigVersion.cmake"
)
    if(NOT EXISTS "${f}")
        message(FATAL_ERROR "install_consumer: ${f} was not installed")
    endif()
endforeach()
if(EXPECT_TOOL AND NOT EXISTS "${PREFIX}/bin/asched")
    message(FATAL_ERROR "install_consumer: the asched command was not installed to ${PREFIX}/bin")
endif()

run_step(
    "configure ${CONSUMER_SOURCE_DIR}"
    "${CMAKE_COMMAND}"
    -S "${CONSUMER_SOURCE_DIR}"
    -B "${CONSUMER_BINARY_DIR}"
    -G "${GENERATOR}"
    "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}"
)

# The package must come from PREFIX, not from a copy installed elsewhere on the machine
file(STRINGS "${CONSUMER_BINARY_DIR}/CMakeCache.txt" found_dir REGEX "^asched_DIR:")
string(REGEX REPLACE "^asched_DIR:[A-Z]+=" "" found_dir "${found_dir}")
if(NOT found_dir STREQUAL package_dir)
    message(FATAL_ERROR "install_consumer: found asched in '${found_dir}', not in ${package_dir}")
endif()

run_step("build" "${CMAKE_COMMAND}" --build "${CONSUMER_BINARY_DIR}")
run_step("run the consumer" "${CONSUMER_BINARY_DIR}/asched_consumer")
