// The compiler: a mesh's resources in, one proxy's snapshot out.

export { type CompileInput, type CompileResult, compileSnapshot, type ProxyIdentity } from './compile.js';
