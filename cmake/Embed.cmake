# motcua_embed(<target> NAME <file-stem> SYMBOL <qualified function> HEADER <header> FILES ...):
# compiles files into the binary as `std::span<const motcua::core::EmbeddedFile> SYMBOL()`,
# declared in HEADER, so the server needs no data files beside it (migrations, OpenAPI).
function(motcua_embed target)
  cmake_parse_arguments(E "" "NAME;SYMBOL;HEADER" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_NAME}_embedded.cpp)
  string(REPLACE ";" "|" files "${E_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${E_SYMBOL} -DHEADER=${E_HEADER}
            -DBASE=${PROJECT_SOURCE_DIR} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${E_NAME}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
