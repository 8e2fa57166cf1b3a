export * from './describe-failures.js';
export * from './extract-failures.js';
export * from './failing-test.js';
export * from './parse-cargo-test.js';
export * from './parse-go-test.js';
export * from './parse-javascript-test.js';
export * from './parse-junit-xml.js';
export * from './parse-pytest.js';
