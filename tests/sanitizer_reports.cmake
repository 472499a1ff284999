# cmake -DREPORT_DIR=DIR -DMODE=clear|check -P sanitizer_reports.cmake
# clear: leaves DIR empty, for the sanitizer reports of one ctest run.
# check: fails, printing them, if any report was written to DIR.
if(MODE STREQUAL "clear")
  file(REMOVE_RECURSE "${REPORT_DIR}")
  file(MAKE_DIRECTORY "${REPORT_DIR}")
elseif(MODE STREQUAL "check")
  file(GLOB reports "${REPORT_DIR}/*")
  if(reports)
    foreach(report IN LISTS reports)
      file(READ "${report}" text)
      message("${report}:\n${text}")
    endforeach()
    list(LENGTH reports count)
    message(FATAL_ERROR "${count} sanitizer report(s) in ${REPORT_DIR}")
  endif()
else()
  message(FATAL_ERROR "MODE must be clear or check")
endif()
