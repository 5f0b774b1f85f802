// Checks HTTP answers against the response schemas of an OpenAPI 3.0 document.
//
// As a program: node validate-responses.js DOCUMENT reads one JSON answer per line on standard
// input, {"method", "path", "status", "headers": {name: value}, "body", "bodyOmitted"}, and
// writes one line per answer: {"ok": true, "operation": "id"} or {"ok": false, "errors": [...]}.
// A line {"ping": true} is answered {"ok": true} once the document is loaded. Each schema is
// compiled the first time an answer needs it.
// As a module: require('./validate-responses.js').load(DOCUMENT) gives the same check().
//
// What the document cannot say is decided here, in one place:
// - A path outside the document answers 404, or 307 to the same path without its trailing slash.
// - A method a path does not have answers that path's 405 (with Allow).
// - HEAD answers as GET without the body.
// - A CORS preflight (OPTIONS with --cors-origin) answers 204, or 403 for a foreign origin.
// - The connection guard refuses malformed requests before they reach the API, on any path:
//   400, 408, 413, 431, 501 and 505, with the document's TransportError answer.
'use strict';

const fs = require('fs');
const readline = require('readline');
const Ajv = require('ajv-draft-04');

const kTransportStatuses = new Set(['400', '408', '413', '431', '501', '505']);
const kHttpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolve(document, object) {
    let resolved = object;
    while (resolved && resolved.$ref) {
        if (!resolved.$ref.startsWith('#/'))
            throw new Error(`external reference ${resolved.$ref}`);
        resolved = resolved.$ref.slice(2).split('/').reduce(
            (node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    }
    return resolved;
}

// OpenAPI 3.0 schemas are JSON Schema draft 4 with a few keywords more; their references point
// into the document, so the components are handed to Ajv as one schema of definitions.
function rewriteReferences(value) {
    if (Array.isArray(value))
        return value.map(rewriteReferences);
    if (value === null || typeof value !== 'object')
        return value;
    const copy = {};
    for (const [key, item] of Object.entries(value)) {
        if (key === '$ref' && typeof item === 'string'
            && item.startsWith('#/components/schemas/'))
            copy[key] = 'openapi#/definitions/' + item.slice('#/components/schemas/'.length);
        else
            copy[key] = rewriteReferences(item);
    }
    return copy;
}

function compileTemplate(template) {
    const segments = template.split('/');
    const pattern = segments
        .map((segment) => (/^\{[^}]+\}$/.test(segment)
            ? '[^/]+'
            : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
    const literals = segments.filter((segment) => !segment.startsWith('{')).length;
    return {template, regex: new RegExp(`^${pattern}$`), literals};
}

function mediaTypeOf(contentType) {
    return (contentType || '').split(';')[0].trim().toLowerCase();
}

function isJson(mediaType) {
    return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function lowerCaseKeys(headers) {
    const lower = {};
    for (const [name, value] of Object.entries(headers || {}))
        lower[name.toLowerCase()] = String(value);
    return lower;
}

function describe(errors) {
    return errors.map((error) => `${error.instancePath || '(body)'} ${error.message}`
        + (error.params && error.params.additionalProperty
            ? ` (${error.params.additionalProperty})` : ''));
}

function load(file) {
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    const ajv = new Ajv({
        allErrors: true,
        strict: true,
        strictTypes: false,
        strictTuples: false,
        strictRequired: false,
        discriminator: true,
    });
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'date',
                          'date-time', 'password', 'uri', 'email'])
        ajv.addFormat(format, true);
    ajv.addKeyword({keyword: 'example'});
    ajv.addKeyword({keyword: 'externalDocs'});
    ajv.addKeyword({keyword: 'xml'});
    ajv.addKeyword({keyword: 'deprecated'});
    ajv.addKeyword({keyword: 'readOnly'});
    ajv.addKeyword({keyword: 'writeOnly'});
    ajv.addSchema({
        id: 'openapi',
        definitions: rewriteReferences((document.components || {}).schemas || {}),
    });

    const templates = Object.keys(document.paths).map(compileTemplate);
    const compiled = new WeakMap();

    function validatorFor(schema) {
        if (!compiled.has(schema))
            compiled.set(schema, ajv.compile(rewriteReferences(schema)));
        return compiled.get(schema);
    }

    function matchPath(path) {
        const found = templates.filter((candidate) => candidate.regex.test(path));
        found.sort((a, b) => b.literals - a.literals);
        return found.length ? found[0].template : null;
    }

    // Checks one answer against one response object of the document.
    function checkResponse(response, answer, errors) {
        response = resolve(document, response);
        const headers = lowerCaseKeys(answer.headers);
        for (const [name, declared] of Object.entries(response.headers || {})) {
            const header = resolve(document, declared);
            const value = headers[name.toLowerCase()];
            if (value === undefined) {
                if (header.required)
                    errors.push(`header ${name} is missing`);
                continue;
            }
            const schema = header.schema || {};
            let typed = value;
            if (schema.type === 'integer' || schema.type === 'number') {
                typed = Number(value);
                if (value.trim() === '' || Number.isNaN(typed))
                    typed = value;
            }
            const validate = validatorFor(schema);
            if (!validate(typed))
                errors.push(`header ${name}: ${describe(validate.errors).join('; ')}`);
        }
        const body = answer.body || '';
        const content = response.content || {};
        const mediaTypes = Object.keys(content);
        if (mediaTypes.length === 0) {
            if (body.length > 0)
                errors.push('a body where the document declares none');
            return;
        }
        const mediaType = mediaTypeOf(headers['content-type']);
        const declared = mediaTypes.find((candidate) => candidate.toLowerCase() === mediaType)
            || mediaTypes.find((candidate) => candidate === '*/*'
                || (candidate.endsWith('/*')
                    && mediaType.startsWith(candidate.slice(0, -1).toLowerCase())));
        if (!declared) {
            errors.push(`content type "${headers['content-type'] || ''}" is not one of `
                + mediaTypes.join(', '));
            return;
        }
        if (answer.bodyOmitted)
            return;
        const schema = content[declared].schema;
        if (!schema)
            return;
        let value = body;
        if (isJson(mediaType)) {
            try {
                value = JSON.parse(body);
            } catch (error) {
                errors.push(`the body is not JSON: ${error.message}`);
                return;
            }
        }
        const validate = validatorFor(schema);
        if (!validate(value))
            errors.push(...describe(validate.errors));
    }

    function check(answer) {
        const errors = [];
        const method = String(answer.method || '').toLowerCase();
        const status = String(answer.status);
        const url = new URL(answer.path || '/', 'http://host');
        const path = url.pathname;
        const template = matchPath(path);
        const item = template ? document.paths[template] : null;

        if (!item) {
            if (kTransportStatuses.has(status)) {
                checkResponse(document.components.responses.TransportError, answer,
                              errors);
            } else if (status === '404') {
                checkResponse(document.components.responses.NotFound, answer,
                              errors);
            } else if (status === '307' && path.length > 1 && path.endsWith('/')
                       && matchPath(path.slice(0, -1))) {
                const location = lowerCaseKeys(answer.headers).location || '';
                const target = new URL(location, 'http://host');
                if (target.pathname !== path.slice(0, -1) || target.search !== url.search)
                    errors.push(`307 to "${location}" rather than to the path without its slash`);
            } else {
                errors.push(`${path} is not in the document, and ${status} is neither 404 nor `
                    + 'a redirect to a documented path');
            }
            return {ok: errors.length === 0, errors, operation: null};
        }

        const operationMethod = method === 'head' ? 'get' : method;
        const operation = item[operationMethod];
        const where = `${method.toUpperCase()} ${template}`;
        if (!operation) {
            if (method === 'options' && (status === '204' || status === '403'))
                return {ok: true, errors, operation: 'preflight'};
            const declared = kHttpMethods.map((name) => item[name]).find(
                (candidate) => candidate && candidate.responses && candidate.responses['405']);
            if (status === '405' && declared)
                checkResponse(declared.responses['405'], answer, errors);
            else if (kTransportStatuses.has(status))
                checkResponse(document.components.responses.TransportError, answer,
                              errors);
            else
                errors.push(`${where} is not in the document, and ${status} is not its 405`);
            return {ok: errors.length === 0, errors, operation: null};
        }
        const response = operation.responses[status];
        if (response) {
            checkResponse(response,
                          {...answer, bodyOmitted: answer.bodyOmitted || method === 'head'},
                          errors);
        } else if (kTransportStatuses.has(status)) {
            checkResponse(document.components.responses.TransportError, answer,
                          errors);
        } else {
            errors.push(`status ${status} is not documented for ${where} (`
                + `${Object.keys(operation.responses).join(', ')})`);
        }
        return {ok: errors.length === 0, errors, operation: operation.operationId};
    }

    return {document, check};
}

if (require.main === module) {
    const validator = load(process.argv[2]);
    const input = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
    input.on('line', (line) => {
        let verdict;
        try {
            const answer = JSON.parse(line);
            verdict = answer.ping ? {ok: true} : validator.check(answer);
        } catch (error) {
            verdict = {ok: false, errors: [`the validator failed: ${error.message}`]};
        }
        process.stdout.write(JSON.stringify(verdict) + '\n');
    });
}

module.exports = {load};
