/**
 * The part of the WebAssembly JS API the lab uses. Node has it as a global, but neither lib ES2022 nor
 * @types/node 20 declares it, and the DOM lib would bring browser globals into Node code.
 */
declare namespace WebAssembly {
  interface ModuleExportDescriptor {
    readonly kind: 'function' | 'global' | 'memory' | 'table';
    readonly name: string;
  }
  interface ModuleImportDescriptor extends ModuleExportDescriptor {
    readonly module: string;
  }
  class Module {
    constructor(bytes: BufferSource);
    static exports(module: Module): ModuleExportDescriptor[];
    static imports(module: Module): ModuleImportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class RuntimeError extends Error {}
  class CompileError extends Error {}
  class LinkError extends Error {}
}
type BufferSource = ArrayBufferView | ArrayBuffer;
