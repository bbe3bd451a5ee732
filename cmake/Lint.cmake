# `format` rewrites the sources in the style of .clang-format; `tidy` runs
# .clang-tidy's checks over userspace/ with the build's compile commands.
file(GLOB_RECURSE JALUR_LINT_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/userspace/*.cpp ${PROJECT_SOURCE_DIR}/userspace/*.h
  ${PROJECT_SOURCE_DIR}/tests/*.cpp ${PROJECT_SOURCE_DIR}/tests/*.h
  ${PROJECT_SOURCE_DIR}/bench/*.cpp ${PROJECT_SOURCE_DIR}/include/*.h
  ${PROJECT_SOURCE_DIR}/bpf/*.c ${PROJECT_SOURCE_DIR}/bpf/*.h)
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
  add_custom_target(format COMMAND ${CLANG_FORMAT} -i ${JALUR_LINT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format over the sources")
  add_custom_target(format-check COMMAND ${CLANG_FORMAT} --dry-run ${JALUR_LINT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format: what it would change")
endif()
find_program(CLANG_TIDY NAMES clang-tidy clang-tidy-14)
if(CLANG_TIDY)
  file(GLOB_RECURSE JALUR_TIDY_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/userspace/*.cpp)
  add_custom_target(tidy COMMAND ${CLANG_TIDY} -p ${PROJECT_BINARY_DIR} --quiet ${JALUR_TIDY_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-tidy over userspace/")
endif()
