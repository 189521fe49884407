# bbd_add_unit_test(NAME SOURCES src... LIBS lib...)
# A cmocka test binary named NAME, registered with CTest under the same name.
function(bbd_add_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE PkgConfig::CMOCKA ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 60)
endfunction()

# bbd_add_shell_test(NAME SCRIPT [ARGS...]) — an integration test driven by a bash script.
# The script sees BBD_BUILD_DIR, BBD_SOURCE_DIR and BBD_MPIEXEC in its environment.
# Under BBD_SANITIZE, leak checking is off for these: MPICH and UCX leave allocations
# from plugin modules they unload before exit, which LSan cannot name or suppress.
# (Unit tests keep leak checking.) The PMPI fault-injection shim is LD_PRELOADed,
# hence verify_asan_link_order=0.
function(bbd_add_shell_test name script)
  add_test(NAME ${name} COMMAND bash ${script} ${ARGN})
  set(env "BBD_BUILD_DIR=${CMAKE_BINARY_DIR};BBD_SOURCE_DIR=${CMAKE_SOURCE_DIR};BBD_MPIEXEC=${BBD_MPIEXEC}")
  if(BBD_SANITIZE)
    list(APPEND env "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0" "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 600 ENVIRONMENT "${env}")
endfunction()
