/**
 * The npm `solc` package (solcjs, the compiler hardhat.config.ts builds with) as the compiler of the explorers the
 * verification tests stand in for. No download: the one version installed must be the version asked for.
 */
import { createHash } from 'node:crypto';
import type { CompilerOutput, ISolidityCompiler, JsonInput } from '@ethereum-sourcify/lib-sourcify';

interface Solc {
  version(): string;
  compile(input: string): string;
}

const solc = require('solc') as Solc;

/** The installed compiler's version as metadata names it, e.g. "0.8.30+commit.73712a01". */
export const SOLC_LONG_VERSION = solc.version().replace(/\.Emscripten\.clang$/, '');

/** One contract of a standard-JSON output, with the fields these tests read. */
export interface CompiledContract {
  abi: unknown[];
  metadata: string;
  evm: {
    bytecode: { object: string };
    deployedBytecode: {
      object: string;
      immutableReferences?: Record<string, { start: number; length: number }[]>;
    };
  };
}

export interface StandardJsonOutput {
  contracts: Record<string, Record<string, CompiledContract>>;
  errors?: { severity: string; formattedMessage: string }[];
}

const cache = new Map<string, StandardJsonOutput>();

/**
 * Compiles a standard-JSON input with the npm solc. The same input is compiled once per test run (a compile of the
 * registry takes several seconds).
 * @throws Error with the compiler's first error message if the input does not compile.
 */
export function compileStandardJson(input: object): StandardJsonOutput {
  const text = JSON.stringify(input);
  const key = createHash('sha256').update(text).digest('hex');
  const cached = cache.get(key);
  if (cached) return cached;
  const output = JSON.parse(solc.compile(text)) as StandardJsonOutput;
  const error = output.errors?.find((e) => e.severity === 'error');
  if (error) throw new Error(`solc: ${error.formattedMessage}`);
  cache.set(key, output);
  return output;
}

/** lib-sourcify's compiler interface over the npm solc. */
export const solcjsCompiler: ISolidityCompiler = {
  async compile(version: string, input: JsonInput): Promise<CompilerOutput> {
    if (version !== SOLC_LONG_VERSION) {
      throw new Error(`the metadata asks for solc ${version}; the npm solc is ${SOLC_LONG_VERSION}`);
    }
    return compileStandardJson(input) as unknown as CompilerOutput;
  },
};
