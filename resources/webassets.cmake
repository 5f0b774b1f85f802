# Swagger UI for /docs, and for the tests the OpenAPI validators (of the document, and of each
# answer: Ajv) and a client generator with the TypeScript compiler, fetched from the npm
# registry at build time into the build tree (nothing is fetched at run time). The server finds the
# Swagger UI files in the build tree, or installed under share/aisim/swagger-ui.
find_program(AISIM_NPM npm)
if(AISIM_NPM)
    set(web_assets_default ON)
else()
    set(web_assets_default OFF)
endif()
option(AISIM_WEB_ASSETS "Fetch Swagger UI (and the OpenAPI validator) with npm"
    ${web_assets_default})
set(AISIM_SWAGGER_UI_VERSION 5.35.0)
set(AISIM_SWAGGER_PARSER_VERSION 10.1.1)
set(AISIM_AJV_VERSION 8.20.0)
set(AISIM_AJV_DRAFT_04_VERSION 1.0.0)
set(AISIM_OPENAPI_CODEGEN_VERSION 0.31.0)
set(AISIM_TYPESCRIPT_VERSION 5.9.3)

# Where this build keeps Swagger UI, in a header of the build tree rather than on every compiler
# command line: only the source that reads the path sees this build's directory, so a compiler
# cache (ccache) finds the others' objects from a build of the same sources elsewhere.
set(web_assets_header "#pragma once\n")
if(AISIM_WEB_ASSETS)
    if(NOT AISIM_NPM)
        message(FATAL_ERROR "AISIM_WEB_ASSETS needs npm (apt-get install npm)")
    endif()
    set(AISIM_NPM_DIR ${CMAKE_BINARY_DIR}/npm CACHE INTERNAL "")
    set(AISIM_NPM_CACHE "$ENV{HOME}/.cache/aisim-npm" CACHE PATH "npm download cache")
    set(swagger_ui_dir ${AISIM_NPM_DIR}/node_modules/swagger-ui-dist)
    set(swagger_parser ${AISIM_NPM_DIR}/node_modules/@apidevtools/swagger-parser/package.json)
    set(response_validator ${AISIM_NPM_DIR}/node_modules/ajv-draft-04/package.json)
    set(client_generator ${AISIM_NPM_DIR}/node_modules/openapi-typescript-codegen/package.json)
    add_custom_command(
        OUTPUT ${swagger_ui_dir}/swagger-ui-bundle.js ${swagger_parser} ${response_validator}
               ${client_generator}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${AISIM_NPM_DIR}
        COMMAND ${AISIM_NPM} install --prefix ${AISIM_NPM_DIR} --cache ${AISIM_NPM_CACHE}
                --no-audit --no-fund --no-save --loglevel=error
                swagger-ui-dist@${AISIM_SWAGGER_UI_VERSION}
                @apidevtools/swagger-parser@${AISIM_SWAGGER_PARSER_VERSION}
                ajv@${AISIM_AJV_VERSION} ajv-draft-04@${AISIM_AJV_DRAFT_04_VERSION}
                openapi-typescript-codegen@${AISIM_OPENAPI_CODEGEN_VERSION}
                typescript@${AISIM_TYPESCRIPT_VERSION}
        COMMENT "Fetching Swagger UI, the OpenAPI validators and the client generator with npm"
        VERBATIM)
    add_custom_target(aisim_web_assets ALL DEPENDS ${swagger_ui_dir}/swagger-ui-bundle.js
        ${response_validator} ${client_generator})
    string(APPEND web_assets_header "#define AISIM_SWAGGER_UI_BUILD_DIR \"${swagger_ui_dir}\"\n")
    install(FILES
            ${swagger_ui_dir}/swagger-ui.css
            ${swagger_ui_dir}/swagger-ui-bundle.js
            ${swagger_ui_dir}/swagger-ui-standalone-preset.js
            ${swagger_ui_dir}/favicon-16x16.png
            ${swagger_ui_dir}/favicon-32x32.png
            ${swagger_ui_dir}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DATADIR}/aisim/swagger-ui)
endif()
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/webassets/aisim_webassets.h
    CONTENT "${web_assets_header}")
target_include_directories(aisim_resources INTERFACE ${CMAKE_CURRENT_BINARY_DIR}/webassets)
