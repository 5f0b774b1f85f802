// Validates an OpenAPI document with @apidevtools/swagger-parser (schema and references).
// Usage: node validate.js FILE; exits 1 with the reasons when the document is invalid.
const SwaggerParser = require('@apidevtools/swagger-parser');

const file = process.argv[2];
SwaggerParser.validate(file)
    .then((api) => {
        const operations
            = Object.values(api.paths).reduce((count, item) => count + Object.keys(item).length, 0);
        console.log(`valid: ${api.info.title} ${api.info.version}, ${operations} operations`);
    })
    .catch((error) => {
        console.error(`invalid: ${error.message}`);
        process.exit(1);
    });
