# Writes the CLDR Windows-to-IANA zone table as C++ initializers, one `{"Windows name", "IANA
# name"},` line per territory="001" row of windowsZones.xml (the zone CLDR maps a Windows name to
# when the territory is unknown), sorted so that the generated file is stable.
#   cmake -DINPUT=windowsZones.xml -DOUTPUT=windows_zones_table.inc -P generate_windows_zones.cmake
file(STRINGS "${INPUT}" rows REGEX "territory=\"001\"")
set(entries "")
foreach(row IN LISTS rows)
  if(NOT row MATCHES "other=\"([^\"]+)\"[^>]*type=\"([^\" ]+)\"")
    message(FATAL_ERROR "windowsZones.xml: unexpected row: ${row}")
  endif()
  list(APPEND entries "  {\"${CMAKE_MATCH_1}\", \"${CMAKE_MATCH_2}\"},")
endforeach()
list(LENGTH entries count)
if(count LESS 100)
  message(FATAL_ERROR "windowsZones.xml: only ${count} territory=\"001\" rows")
endif()
list(SORT entries)
list(JOIN entries "\n" body)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by generate_windows_zones.cmake.\n${body}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
