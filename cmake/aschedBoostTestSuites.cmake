# Included by ctest when it starts (TEST_INCLUDE_FILES, see tests/CMakeLists.txt): asks the Boost.Test binary for its
# top-level suites (`--list_content`) and adds one CTest test per enabled suite, named <prefix><suite>.
# Set by the includer: ASCHED_TEST_EXECUTABLE ASCHED_TEST_PREFIX ASCHED_TEST_ARGS ASCHED_TEST_WORKING_DIRECTORY
# ASCHED_TEST_TIMEOUT

set(whole "${ASCHED_TEST_PREFIX}all")
if(NOT EXISTS "${ASCHED_TEST_EXECUTABLE}")
    # Not built: one test that fails, rather than a run that silently has no unit tests
    add_test("${whole}" "${ASCHED_TEST_EXECUTABLE}" ${ASCHED_TEST_ARGS})
    return()
endif()

execute_process(
    COMMAND "${ASCHED_TEST_EXECUTABLE}" --list_content
    OUTPUT_VARIABLE listing
    ERROR_VARIABLE listing
    RESULT_VARIABLE rc
)
set(suites "")
if(rc EQUAL 0)
    # Top-level entries start in column 0; enabled ones end in '*'. A test case outside any suite is listed the same
    # way and --run_test accepts it too.
    string(REPLACE "\n" ";" lines "${listing}")
    foreach(line IN LISTS lines)
        if(line MATCHES "^([^ ].*)\\*$")
            list(APPEND suites "${CMAKE_MATCH_1}")
        endif()
    endforeach()
endif()

if(NOT suites)
    # Listing failed or found nothing: run the whole module once, so its own output says why
    add_test("${whole}" "${ASCHED_TEST_EXECUTABLE}" ${ASCHED_TEST_ARGS})
    set(suites_tests "${whole}")
else()
    set(suites_tests "")
    foreach(suite IN LISTS suites)
        add_test("${ASCHED_TEST_PREFIX}${suite}" "${ASCHED_TEST_EXECUTABLE}" "--run_test=${suite}" ${ASCHED_TEST_ARGS})
        list(APPEND suites_tests "${ASCHED_TEST_PREFIX}${suite}")
    endforeach()
endif()
set_tests_properties(
    ${suites_tests} PROPERTIES WORKING_DIRECTORY "${ASCHED_TEST_WORKING_DIRECTORY}" TIMEOUT "${ASCHED_TEST_TIMEOUT}"
    LABELS unit
)
