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
  sources: Record<string, { id: number; ast?: unknown }>;
  errors?: { severity: string; formattedMessage: string }[];
}

/**
 * The AST id of the state variable `name` in a source's AST: the key of its immutable references in that same
 * compilation's output (ids differ between compilations of different inputs).
 */
export function findStateVariableId(ast: unknown, name: string): number {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') {
      const n = node as { nodeType?: string; name?: string; id?: number; stateVariable?: boolean };
      if (n.nodeType === 'VariableDeclaration' && n.stateVariable && n.name === name) return n.id!;
      stack.push(...Object.values(node));
    }
  }
  throw new Error(`no state variable ${name} in the AST`);
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
