// solidity-coverage: test-only contracts are not part of the suite's coverage.
module.exports = {
  skipFiles: ['test/'],
  istanbulReporter: ['html', 'lcov', 'text', 'json-summary'],
  // solidity-coverage compiles with the optimizer off, and without it the assembly of DatasetRegistry's
  // _anchorVersionsFast is "Stack too deep". This turns on only the Yul optimizer with stack allocation, which
  // optimizes inline assembly and the compiler's Yul helpers; the Solidity code and its instrumentation are not
  // optimized (the legacy optimizer stays off), so coverage is measured as before.
  configureYulOptimizer: true,
};
