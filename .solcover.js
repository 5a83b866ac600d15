// solidity-coverage: test-only contracts are not part of the suite's coverage.
module.exports = {
  skipFiles: ['test/'],
  istanbulReporter: ['html', 'lcov', 'text', 'json-summary'],
};
